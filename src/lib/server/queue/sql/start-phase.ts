import { sql } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { at, leaseHeld } from './util';

export interface StartedPhase {
	attemptId: number;
	number: number;
}

/**
 * Marks a phase running, counts the attempt and opens its attempt row, fenced on the lease.
 * Returns null when the lease is gone.
 */
export async function startPhase(
	database: Database,
	args: { itemId: string; token: string; phase: string; worker: string; now: Date }
): Promise<StartedPhase | null> {
	const rows = await database.rows<{ attemptId: string | number; number: number }>(sql`
		with ok as (
			select id from queue_items
			where ${leaseHeld(args.itemId, args.token, args.now)}
			for update
		), ph as (
			update item_phases p
			set status = 'in_progress', attempts = p.attempts + 1, progress = 0, message = null,
				started_at = coalesce(p.started_at, ${at(args.now)})
			from ok where p.item_id = ok.id and p.name = ${args.phase}
			returning p.attempts
		), it as (
			update queue_items set current_phase = ${args.phase}, updated_at = ${at(args.now)}
			where id in (select id from ok)
		), ins as (
			insert into item_attempts (item_id, phase, number, worker, started_at, outcome)
			select ${args.itemId}, ${args.phase}, ph.attempts, ${args.worker}, ${at(args.now)}, 'running' from ph
			returning id, number
		)
		select ins.id as "attemptId", ins.number from ins, ok`);
	const row = rows[0];
	return row ? { attemptId: Number(row.attemptId), number: row.number } : null;
}
