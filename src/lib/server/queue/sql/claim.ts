import { sql } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { after, at, textArray } from './util';

export interface ClaimedItem {
	id: string;
	userId: string;
	pipeline: string;
	url: string;
	title: string | null;
	input: unknown;
	leaseToken: string;
	attempt: number;
	maxAttempts: number;
	correlationId: string;
}

/**
 * Takes up to `limit` runnable items and leases them to `worker`. SKIP LOCKED lets any number
 * of workers claim at once without waiting on each other or ever taking the same row; the new
 * lease token fences every later write of this claim.
 */
export async function claimItems(
	database: Database,
	args: { worker: string; pipelines: readonly string[]; limit: number; leaseMs: number; now: Date }
): Promise<ClaimedItem[]> {
	if (args.limit <= 0 || args.pipelines.length === 0) return [];
	return database.rows<ClaimedItem>(sql`
		update queue_items i
		set status = 'in_progress', lease_owner = ${args.worker}, lease_token = gen_random_uuid(),
			lease_expires_at = ${after(args.now, args.leaseMs)}, attempt = i.attempt + 1,
			started_at = coalesce(i.started_at, ${at(args.now)}), updated_at = ${at(args.now)}
		from (
			select id from queue_items
			where status = 'pending' and next_run_at <= ${at(args.now)} and pipeline = any(${textArray(args.pipelines)})
			order by next_run_at, id
			limit ${args.limit}
			for update skip locked
		) c
		where i.id = c.id
		returning i.id, i.user_id as "userId", i.pipeline, i.url, i.title, i.input, i.lease_token as "leaseToken",
			i.attempt, i.max_attempts as "maxAttempts", i.correlation_id as "correlationId"`);
}
