import { sql } from 'drizzle-orm';
import type { AdminStats, StatsRange } from '../../contract/admin';
import type { Database } from '../db/client';

const HOUR_MS = 60 * 60 * 1000;
const RANGES: Record<StatsRange, { buckets: number; bucketMs: number; bucket: AdminStats['bucket'] }> = {
	'24h': { buckets: 24, bucketMs: HOUR_MS, bucket: 'hour' },
	'7d': { buckets: 7, bucketMs: 24 * HOUR_MS, bucket: 'day' }
};

const at = (d: Date) => sql`${d.toISOString()}::timestamptz`;

/**
 * The queue's last day or week, across users: items saved and failed per hour or day (buckets
 * that end now, so the last one is the most recent hour), the success rate, and each phase's
 * median and 95th-percentile duration over its completed runs. Reads the finished_at indexes only.
 */
export async function queueStats(database: Database, args: { range: StatsRange; now: Date; phaseOrder: readonly string[] }): Promise<AdminStats> {
	const { buckets: count, bucketMs, bucket } = RANGES[args.range];
	const since = new Date(args.now.getTime() - count * bucketMs);
	const [ended, phases, counts] = await Promise.all([
		database.rows<{ i: number; saved: number; failed: number }>(sql`
			select least(floor(extract(epoch from (finished_at - ${at(since)})) * 1000 / ${bucketMs})::int, ${count - 1}) as i,
				count(*) filter (where status = 'success')::int as saved,
				count(*) filter (where status in ('error', 'dead'))::int as failed
			from queue_items where finished_at >= ${at(since)}
			group by 1`),
		database.rows<{ phase: string; runs: number; p50: number; p95: number }>(sql`
			select phase, count(*)::int as runs,
				percentile_cont(0.5) within group (order by duration_ms) as p50,
				percentile_cont(0.95) within group (order by duration_ms) as p95
			from item_attempts
			where finished_at >= ${at(since)} and outcome = 'completed' and duration_ms is not null
			group by phase`),
		database.rows<{ status: string; n: number }>(sql`
			select status, sum(n)::int as n from queue_counts where status in ('pending', 'in_progress') group by status`)
	]);
	const buckets = Array.from({ length: count }, (_, i) => ({ start: new Date(since.getTime() + i * bucketMs).toISOString(), saved: 0, failed: 0 }));
	for (const row of ended) {
		const b = buckets[row.i];
		if (b) Object.assign(b, { saved: b.saved + row.saved, failed: b.failed + row.failed });
	}
	const saved = buckets.reduce((n, b) => n + b.saved, 0);
	const failed = buckets.reduce((n, b) => n + b.failed, 0);
	const position = (phase: string) => {
		const i = args.phaseOrder.indexOf(phase);
		return i < 0 ? args.phaseOrder.length : i;
	};
	const statusCount = (status: string) => counts.find((c) => c.status === status)?.n ?? 0;
	return {
		range: args.range,
		since: since.toISOString(),
		bucket,
		saved,
		failed,
		successRate: saved + failed ? saved / (saved + failed) : null,
		buckets,
		phases: phases
			.map((p) => ({ phase: p.phase, runs: p.runs, p50Ms: Math.round(Number(p.p50)), p95Ms: Math.round(Number(p.p95)) }))
			.sort((a, b) => position(a.phase) - position(b.phase) || a.phase.localeCompare(b.phase)),
		pending: statusCount('pending'),
		running: statusCount('in_progress')
	};
}
