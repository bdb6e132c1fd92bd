import { sql } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { channels } from '../channels';
import { at, touched, elapsedMs, lockThen, uuidArray } from './util';

/**
 * Gives leased items back at once (graceful shutdown, or runs a database outage cut short): pending again, runnable now, the
 * interrupted attempt closed as `released` and not counted against the budget, and a NOTIFY
 * so another worker takes them without waiting for the lease to expire.
 */
export async function releaseItems(database: Database, args: { tokens: readonly string[]; now: Date }): Promise<string[]> {
	if (args.tokens.length === 0) return [];
	const now = at(args.now);
	const rows = await lockThen<{ id: string }>(
		database,
		sql`select id from queue_items where lease_token = any(${uuidArray(args.tokens)}) and status = 'in_progress' order by id for update`,
		(ids) => sql`
		with rel as (
			update queue_items
			set status = 'pending', next_run_at = ${now}, updated_at = ${touched(args.now)}, current_phase = null,
				lease_owner = null, lease_token = null, lease_expires_at = null
			where id = any(${uuidArray(ids)})
			returning id
		), ph as (
			update item_phases set status = 'pending', progress = 0, message = null, attempts = greatest(attempts - 1, 0)
			where item_id in (select id from rel) and status = 'in_progress'
		), att as (
			update item_attempts a
			set outcome = 'released', finished_at = ${now}, message = 'handed back to the queue unfinished (the worker stopped, or lost the database)',
				duration_ms = ${elapsedMs(now)}
			where a.item_id in (select id from rel) and a.outcome = 'running'
		)
		select id, pg_notify(${channels.jobs}, '') from rel`
	);
	return rows.map((r) => r.id);
}
