import { sql } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { channels } from '../channels';
import { at, touched, elapsedMs, lockThen, scopeOf, uuidArray, type ItemScope } from './util';

/**
 * Cancels the pending and running items in scope (one item, or the rest of a batch) of this user.
 * Dropping the lease fences the worker out; a NOTIFY for each running one aborts its phase
 * wherever it runs. Returns the ids canceled (none: nothing there was cancelable, or this user's).
 */
export async function cancelItems(database: Database, args: { userId: string; scope: ItemScope; now: Date }): Promise<string[]> {
	const now = at(args.now);
	const rows = await lockThen<{ id: string }>(
		database,
		sql`select id from queue_items where ${scopeOf(args.scope)} and user_id = ${args.userId} and status in ('pending', 'in_progress') for update`,
		(ids) => sql`
		with c as (
			update queue_items q
			set status = 'canceled', finished_at = ${now}, updated_at = ${touched(args.now)},
				lease_owner = null, lease_token = null, lease_expires_at = null
			from (select id, status as was from queue_items where id = any(${uuidArray(ids)})) old
			where q.id = old.id
			returning q.id, old.was
		), ph as (
			update item_phases set status = 'pending', message = null
			where item_id in (select id from c where was = 'in_progress') and status = 'in_progress'
		), att as (
			update item_attempts a
			set outcome = 'canceled', finished_at = ${now}, message = 'canceled',
				duration_ms = ${elapsedMs(now)}
			where a.item_id in (select id from c where was = 'in_progress') and a.outcome = 'running'
		)
		select id, case when was = 'in_progress' then pg_notify(${channels.cancel}, id::text) end from c`
	);
	return rows.map((r) => r.id);
}
