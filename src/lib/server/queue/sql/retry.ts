import { sql } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { channels } from '../channels';
import { at, touched, scopeOf, type ItemScope } from './util';

/**
 * A person's retry of failed, dead or canceled items (one, or a batch's): runnable now, with a
 * fresh budget for every phase that has not completed — completed phases keep their outputs and
 * are not re-run. Returns the ids retried.
 *
 * One item whose link is already active in another item throws a unique violation (the caller
 * says so). A batch's retry leaves such items as they are instead, and of two with the same key
 * retries the newest: one bad item must not stop the rest.
 */
export async function retryItems(database: Database, args: { userId: string; scope: ItemScope; now: Date }): Promise<string[]> {
	const now = at(args.now);
	const wanted =
		'itemId' in args.scope
			? sql`select id from queue_items where ${scopeOf(args.scope)} and user_id = ${args.userId} and status in ('error', 'dead', 'canceled')`
			: sql`select distinct on (coalesce(q.dedupe_key, q.id::text)) q.id from queue_items q
				where q.batch_id = ${args.scope.batchId} and q.user_id = ${args.userId} and q.status in ('error', 'dead', 'canceled')
					and (q.dedupe_key is null or not exists (
						select 1 from queue_items o where o.user_id = q.user_id and o.dedupe_key = q.dedupe_key and o.status in ('pending', 'in_progress')))
				order by coalesce(q.dedupe_key, q.id::text), q.created_at desc`;
	const rows = await database.rows<{ id: string }>(sql`
		with r as (
			update queue_items
			set status = 'pending', next_run_at = ${now}, updated_at = ${touched(args.now)}, finished_at = null,
				error = null, error_kind = null, error_code = null
			where id in (${wanted}) and status in ('error', 'dead', 'canceled')
			returning id
		), ph as (
			update item_phases
			set status = 'pending', attempts = 0, progress = 0, message = null, error = null, error_kind = null, error_code = null
			where item_id in (select id from r) and status <> 'completed'
		), wake as (
			select pg_notify(${channels.jobs}, '') where exists (select 1 from r)
		)
		select id from r, wake`);
	return rows.map((r) => r.id);
}
