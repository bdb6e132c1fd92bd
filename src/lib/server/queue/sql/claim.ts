import { sql } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { after, at, textArray, touched } from './util';

/** A claimed item with its first phase to run already started (its attempt is open). */
export interface ClaimedItem {
	id: string;
	userId: string;
	pipeline: string;
	input: unknown;
	leaseToken: string;
	attempt: number;
	maxAttempts: number;
	correlationId: string;
	batchId: string | null;
	/** The phase started by the claim: the first one not completed yet. */
	phase: string;
	attemptId: number;
	/** This phase's attempt number (1 for its first). */
	phaseAttempt: number;
	/** Outputs of the phases completed before, by name. */
	outputs: Record<string, unknown>;
}

/**
 * Takes up to `limit` runnable items, leases them to `worker` and starts each one's next phase,
 * in one statement. SKIP LOCKED lets any number of workers claim at once without waiting on each
 * other or ever taking the same row; the new lease token fences every later write of this claim.
 *
 * Which items, fairly: lower `priority` first, whoever owns them (a share a person waits on
 * before anyone's bulk import). Within a priority, round robin across owners: each owner's k-th
 * waiting item counts as k plus the items that owner already has running, so an owner with 10,000
 * waiting and 8 running yields to one with a single item and none running; then oldest first.
 * Items whose concurrency key already has `keyLimit` items running (counting those this claim
 * takes) wait, and do not hold a worker while they do. Owners come from queue_counts (only those
 * with waiting items), and each one's items from its own index range, so a claim reads a few
 * rows per owner however long the queue.
 * The per-key limit is checked against what has committed: workers claiming at the same instant
 * may together pass it by a little, so the fetcher keeps its own per-host limit as the hard one.
 */
export async function claimItems(
	database: Database,
	args: { worker: string; pipelines: readonly string[]; limit: number; leaseMs: number; now: Date; keyLimit?: number | null }
): Promise<ClaimedItem[]> {
	if (args.limit <= 0 || args.pipelines.length === 0) return [];
	const now = at(args.now);
	const keyLimit = args.keyLimit ?? null;
	const rows = await database.rows<ClaimedItem & { attemptId: number | string }>(sql`
		with busy as (
			select concurrency_key from queue_items
			where status = 'in_progress' and concurrency_key is not null and ${keyLimit}::int is not null
			group by concurrency_key having count(*) >= ${keyLimit}::int
		), cand as (
			select q.*, coalesce(r.n, 0) as owner_running
			from queue_counts o
			left join queue_counts r on r.user_id = o.user_id and r.status = 'in_progress'
			cross join lateral (
				select id, user_id, priority, next_run_at, concurrency_key from queue_items q
				where q.user_id = o.user_id and q.status = 'pending' and q.next_run_at <= ${now}
					and q.pipeline = any(${textArray(args.pipelines)})
					and (q.concurrency_key is null or q.concurrency_key not in (select concurrency_key from busy))
				order by q.priority, q.next_run_at, q.id
				limit ${args.limit}
				-- Locked as they are read: workers claiming at the same time pass over each other's to
				-- the next ones, instead of picking the same and getting none. No more than asked for
				-- per owner, so one owner's claim leaves the rest to the others.
				for update skip locked
			) q
			where o.status = 'pending' and o.n > 0
		), ranked as (
			select id, priority, next_run_at, concurrency_key, owner_running,
				row_number() over (partition by user_id order by priority, next_run_at, id) as owner_rank,
				row_number() over (partition by concurrency_key order by priority, next_run_at, id) as key_rank
			from cand
		), pick as (
			select id, row_number() over (order by priority, owner_running + owner_rank, next_run_at, id) as ord from ranked
			where concurrency_key is null or ${keyLimit}::int is null
				or key_rank + (select count(*) from queue_items b where b.status = 'in_progress' and b.concurrency_key = ranked.concurrency_key) <= ${keyLimit}::int
			order by ord
			limit ${args.limit}
		), nx as (
			select c.id, p.name from pick c cross join lateral (
				select name from item_phases
				where item_id = c.id and status not in ('completed', 'skipped')
				order by position limit 1
			) p
		), it as (
			update queue_items i
			set status = 'in_progress', lease_owner = ${args.worker}, lease_token = gen_random_uuid(),
				lease_expires_at = ${after(args.now, args.leaseMs)}, attempt = i.attempt + 1, current_phase = nx.name,
				started_at = coalesce(i.started_at, ${now}), updated_at = ${touched(args.now, 'i.updated_at')}
			from nx where i.id = nx.id
			returning i.id, i.user_id, i.pipeline, i.input, i.lease_token, i.attempt, i.max_attempts, i.correlation_id, i.current_phase, i.batch_id
		), ph as (
			update item_phases p
			set status = 'in_progress', attempts = p.attempts + 1, progress = 0, message = null,
				started_at = coalesce(p.started_at, ${now})
			from it where p.item_id = it.id and p.name = it.current_phase
			returning p.item_id, p.attempts
		), att as (
			insert into item_attempts (item_id, phase, number, worker, started_at, outcome)
			select it.id, it.current_phase, ph.attempts, ${args.worker}, ${now}, 'running' from it join ph on ph.item_id = it.id
			returning id, item_id
		)
		select it.id, it.user_id as "userId", it.pipeline, it.input, it.lease_token as "leaseToken", it.attempt,
			it.max_attempts as "maxAttempts", it.correlation_id as "correlationId", it.batch_id as "batchId", it.current_phase as phase,
			att.id as "attemptId", ph.attempts as "phaseAttempt",
			coalesce((select jsonb_object_agg(d.name, d.output) from item_phases d where d.item_id = it.id and d.status = 'completed'), '{}'::jsonb) as outputs
		from it join ph on ph.item_id = it.id join att on att.item_id = it.id join pick on pick.id = it.id
		-- In the order taken: the worker starts them so.
		order by pick.ord`);
	return rows.map((r) => ({ ...r, attemptId: Number(r.attemptId) }));
}
