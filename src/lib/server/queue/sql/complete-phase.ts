import { sql } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { at, elapsedMs, leaseHeld } from './util';

/**
 * Persists a phase's output and closes its attempt. When it was the last phase the item becomes
 * `success` with its result and the lease is dropped; otherwise the worker keeps the lease and
 * goes on. Returns false when the lease is gone (the output is then not written).
 */
export async function completePhase(
	database: Database,
	args: {
		itemId: string;
		token: string;
		phase: string;
		attemptId: number;
		output: unknown;
		last: boolean;
		result: unknown;
		now: Date;
	}
): Promise<boolean> {
	const now = at(args.now);
	const rows = await database.rows<{ id: string }>(sql`
		with ok as (
			select id from queue_items
			where ${leaseHeld(args.itemId, args.token, args.now)}
			for update
		), ph as (
			update item_phases p
			set status = 'completed', progress = 100, message = null, completed_at = ${now},
				output = ${JSON.stringify(args.output ?? null)}::jsonb, error = null, error_kind = null, error_code = null
			from ok where p.item_id = ok.id and p.name = ${args.phase}
		), att as (
			update item_attempts a
			set outcome = 'completed', finished_at = ${now},
				duration_ms = ${elapsedMs(now)}
			from ok where a.id = ${args.attemptId} and a.item_id = ok.id
		)
		update queue_items i
		set updated_at = ${now},
			status = case when ${args.last} then 'success' else i.status end,
			result = case when ${args.last} then ${JSON.stringify(args.result ?? null)}::jsonb else i.result end,
			current_phase = case when ${args.last} then null else i.current_phase end,
			finished_at = case when ${args.last} then ${now} else i.finished_at end,
			error = case when ${args.last} then null else i.error end,
			error_kind = case when ${args.last} then null else i.error_kind end,
			error_code = case when ${args.last} then null else i.error_code end,
			lease_owner = case when ${args.last} then null else i.lease_owner end,
			lease_token = case when ${args.last} then null else i.lease_token end,
			lease_expires_at = case when ${args.last} then null else i.lease_expires_at end
		from ok where i.id = ok.id
		returning i.id`);
	return rows.length > 0;
}
