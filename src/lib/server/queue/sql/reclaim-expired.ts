import { sql } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { channels } from '../channels';
import { at, elapsedMs, lockThen, uuidArray } from './util';

/**
 * Returns items whose worker stopped heart-beating (crashed, killed, partitioned) to the queue.
 * The interrupted attempt is closed as `lost` and still counts against the phase's budget, so
 * an item that kills its worker every time ends up dead instead of looping forever.
 */
export async function reclaimExpired(database: Database, now: Date): Promise<string[]> {
	const t = at(now);
	const rows = await lockThen<{ id: string }>(
		database,
		// Skips rows a worker holds this moment (its heartbeat may be saving the lease); the next sweep sees them.
		sql`select id from queue_items where status = 'in_progress' and lease_expires_at < ${t} for update skip locked`,
		(ids) => sql`
		with exp as (
			update queue_items
			set status = 'pending', next_run_at = ${t}, updated_at = ${t},
				lease_owner = null, lease_token = null, lease_expires_at = null
			where id = any(${uuidArray(ids)})
			returning id
		), ph as (
			update item_phases set status = 'pending', message = null
			where item_id in (select id from exp) and status = 'in_progress'
		), att as (
			update item_attempts a
			set outcome = 'lost', finished_at = ${t}, error_kind = 'retryable', error_code = 'lease_expired',
				message = 'the worker stopped responding; its lease expired',
				duration_ms = ${elapsedMs(t)}
			where a.item_id in (select id from exp) and a.outcome = 'running'
		)
		select id, pg_notify(${channels.jobs}, id::text) from exp`
	);
	return rows.map((r) => r.id);
}
