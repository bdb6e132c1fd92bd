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
 */
export async function claimItems(
	database: Database,
	args: { worker: string; pipelines: readonly string[]; limit: number; leaseMs: number; now: Date }
): Promise<ClaimedItem[]> {
	if (args.limit <= 0 || args.pipelines.length === 0) return [];
	const now = at(args.now);
	const rows = await database.rows<ClaimedItem & { attemptId: number | string }>(sql`
		with c as (
			select id from queue_items
			where status = 'pending' and next_run_at <= ${now} and pipeline = any(${textArray(args.pipelines)})
			order by next_run_at, id
			limit ${args.limit}
			for update skip locked
		), nx as (
			select c.id, p.name from c cross join lateral (
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
			returning i.id, i.user_id, i.pipeline, i.input, i.lease_token, i.attempt, i.max_attempts, i.correlation_id, i.current_phase
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
			it.max_attempts as "maxAttempts", it.correlation_id as "correlationId", it.current_phase as phase,
			att.id as "attemptId", ph.attempts as "phaseAttempt",
			coalesce((select jsonb_object_agg(d.name, d.output) from item_phases d where d.item_id = it.id and d.status = 'completed'), '{}'::jsonb) as outputs
		from it join ph on ph.item_id = it.id join att on att.item_id = it.id`);
	return rows.map((r) => ({ ...r, attemptId: Number(r.attemptId) }));
}
