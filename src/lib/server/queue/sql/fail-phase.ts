import { sql } from 'drizzle-orm';
import type { Database } from '../../db/client';
import type { ErrorKind } from '../../../contract/queue';
import { at, elapsedMs, leaseHeld } from './util';

export type FailureOutcome =
	/** Retryable and budget left: back to pending, runnable at `nextRunAt`. */
	| { status: 'pending'; nextRunAt: Date }
	/** Permanent failure. */
	| { status: 'error' }
	/** Retryable, but the phase's attempts are spent. */
	| { status: 'dead' };

/**
 * Records a failed attempt and moves the item to where the runner decided: pending for a later
 * retry (keeping the error visible meanwhile), error, or dead. Drops the lease. Returns false
 * when the lease was already gone.
 */
export async function failPhase(
	database: Database,
	args: {
		itemId: string;
		token: string;
		phase: string;
		attemptId: number;
		error: { kind: ErrorKind; code: string; message: string };
		outcome: FailureOutcome;
		now: Date;
	}
): Promise<boolean> {
	const now = at(args.now);
	const terminal = args.outcome.status !== 'pending';
	const nextRunAt = args.outcome.status === 'pending' ? at(args.outcome.nextRunAt) : sql`i.next_run_at`;
	const { kind, code, message } = args.error;
	const rows = await database.rows<{ id: string }>(sql`
		with ok as (
			select id from queue_items
			where ${leaseHeld(args.itemId, args.token, args.now)}
			for update
		), ph as (
			update item_phases p
			set status = ${terminal ? 'error' : 'pending'}, message = null,
				-- a failed phase keeps the progress it reached; one waiting to retry starts over
				progress = ${terminal ? sql`p.progress` : 0},
				error = ${message}, error_kind = ${kind}, error_code = ${code}
			from ok where p.item_id = ok.id and p.name = ${args.phase}
		), att as (
			update item_attempts a
			set outcome = 'failed', finished_at = ${now}, error_kind = ${kind}, error_code = ${code}, message = ${message},
				duration_ms = ${elapsedMs(now)}
			from ok where a.id = ${args.attemptId} and a.item_id = ok.id
		)
		update queue_items i
		set status = ${args.outcome.status}, next_run_at = ${nextRunAt}, updated_at = ${now},
			error = ${message}, error_kind = ${kind}, error_code = ${code},
			finished_at = ${terminal ? now : null},
			lease_owner = null, lease_token = null, lease_expires_at = null
		from ok where i.id = ok.id
		returning i.id`);
	return rows.length > 0;
}
