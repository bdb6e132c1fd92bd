import { sql, type SQL } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { channels } from '../channels';
import { at, ownedBy, touched, scopeOf, uuidArray, type ItemScope, type Owner } from './util';

/** What a retry is for: one item, a batch's items, or (the admin's) these items, or every item that failed. */
export type RetryScope = ItemScope | { itemIds: readonly string[] } | { allFailed: true };

/**
 * A retry of failed, dead or canceled items (a person's: one, or a batch's; the admin's: chosen
 * ones or all that failed, whoever owns them): runnable now, with a fresh budget for every phase
 * that has not completed — completed phases keep their outputs and are not re-run. Returns the
 * items retried, with their batches (which are then under way again).
 *
 * One item whose link is already active in another item throws a unique violation (the caller
 * says so). A retry of many leaves such items as they are instead, and of two with the same key
 * retries the newest: one bad item must not stop the rest.
 */
export async function retryItems(
	database: Database,
	args: { owner: Owner; scope: RetryScope; now: Date }
): Promise<Array<{ id: string; batchId: string | null }>> {
	const now = at(args.now);
	const wanted =
		'itemId' in args.scope
			? sql`select id from queue_items q where ${scopeOf(args.scope)} and ${ownedBy(args.owner, 'q')} and status in ('error', 'dead', 'canceled')`
			: sql`select distinct on (q.user_id, coalesce(q.dedupe_key, q.id::text)) q.id from queue_items q
				where ${many(args.scope)} and ${ownedBy(args.owner, 'q')} and q.status in ('error', 'dead', 'canceled')
					and (q.dedupe_key is null or not exists (
						select 1 from queue_items o where o.user_id = q.user_id and o.dedupe_key = q.dedupe_key and o.status in ('pending', 'in_progress')))
				order by q.user_id, coalesce(q.dedupe_key, q.id::text), q.created_at desc`;
	return database.rows<{ id: string; batchId: string | null }>(sql`
		with r as (
			update queue_items
			set status = 'pending', next_run_at = ${now}, updated_at = ${touched(args.now)}, finished_at = null,
				error = null, error_kind = null, error_code = null
			where id in (${wanted}) and status in ('error', 'dead', 'canceled')
			returning id, batch_id
		), ph as (
			update item_phases
			set status = 'pending', attempts = 0, progress = 0, message = null, error = null, error_kind = null, error_code = null
			where item_id in (select id from r) and status <> 'completed'
		), wake as (
			select pg_notify(${channels.jobs}, '') where exists (select 1 from r)
		)
		select id, batch_id as "batchId" from r, wake`);
}

/** The many-item scopes as a condition on `q`. "Failed" leaves out what a person canceled on purpose. */
function many(scope: Exclude<RetryScope, { itemId: string }>): SQL {
	if ('batchId' in scope) return sql`q.batch_id = ${scope.batchId}`;
	if ('itemIds' in scope) return sql`q.id = any(${uuidArray(scope.itemIds)})`;
	return sql`q.status in ('error', 'dead')`;
}
