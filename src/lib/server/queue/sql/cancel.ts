import { sql } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { channels } from '../channels';
import { at, touched, elapsedMs, lockThen, uuidArray } from './util';

/**
 * Cancels a pending or running item of this user. Dropping the lease fences the worker out;
 * the NOTIFY aborts its phase wherever it runs. Returns false when the item is not cancelable
 * (or not this user's).
 */
export async function cancelItem(database: Database, args: { userId: string; itemId: string; now: Date }): Promise<boolean> {
	const now = at(args.now);
	const rows = await lockThen<{ id: string }>(
		database,
		sql`select id from queue_items where id = ${args.itemId} and user_id = ${args.userId} and status in ('pending', 'in_progress') for update`,
		(ids) => sql`
		with c as (
			update queue_items
			set status = 'canceled', finished_at = ${now}, updated_at = ${touched(args.now)},
				lease_owner = null, lease_token = null, lease_expires_at = null
			where id = any(${uuidArray(ids)})
			returning id
		), ph as (
			update item_phases set status = 'pending', message = null
			where item_id in (select id from c) and status = 'in_progress'
		), att as (
			update item_attempts a
			set outcome = 'canceled', finished_at = ${now}, message = 'canceled',
				duration_ms = ${elapsedMs(now)}
			where a.item_id in (select id from c) and a.outcome = 'running'
		)
		select id, pg_notify(${channels.cancel}, id::text) from c`
	);
	return rows.length > 0;
}
