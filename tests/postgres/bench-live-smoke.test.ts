import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { runPipelineBench } from '../../bench/pipeline';
import { runSseBench } from '../../bench/sse';
import { createPostgresDatabase } from '../helpers/db';

// CI's smoke run of `npm run bench:sse` and `npm run bench:pipeline` (issue 22): the same code
// paths with tiny numbers, on a database of the test PostgreSQL. The figures mean nothing here;
// what is checked is that every update and every item arrived and each figure is a number.
const finite = (value: unknown) => expect(Number.isFinite(value), String(value)).toBe(true);

describe('live benchmarks, smoke run', () => {
	// A database each: the benches count what is in theirs.
	const dbs: Array<{ url: string; drop(): Promise<void> }> = [];
	let db: { url: string; drop(): Promise<void> };
	beforeEach(async () => {
		db = await createPostgresDatabase();
		dbs.push(db);
	});
	afterAll(async () => {
		await Promise.all(dbs.map((d) => d.drop()));
	});

	it('bench:sse delivers every progress update to every stream', async () => {
		const r = await runSseBench({ databaseUrl: db.url, users: 5, tabs: 4, itemsPerUser: 1, periodMs: 300, durationMs: 1_500, connectParallel: 10, settleMs: 100 });
		expect(r.setup.streams).toBe(20);
		expect(r.delivery.failedWrites).toBe(0);
		expect(r.delivery.missingFinal).toBe(0);
		expect(r.delivery.framesReceived).toBe(r.delivery.framesExpected);
		expect(r.delivery.framesExpected).toBe(20 * 5);
		for (const v of [r.delivery.latencyMs.p50, r.delivery.latencyMs.p99, r.delivery.latencyMs.max, r.memory.perStreamKiB, r.connect.seconds, r.delivery.server.eventLoopDelayMs.p99])
			finite(v);
	});

	it('bench:pipeline takes every item through to Tandoor', async () => {
		const r = await runPipelineBench({ databaseUrl: db.url, items: 10, concurrency: 8, enqueueParallel: 4, pageKb: 50, targetLatencyMs: 5, timeoutMs: 20_000 });
		expect(r.result.succeeded).toBe(10);
		expect(r.result.failed).toBe(0);
		expect(r.phases.map((p) => p.phase)).toEqual(['extraction', 'parsing', 'uploading']);
		for (const p of r.phases) {
			expect(p.n).toBe(10);
			finite(p.p50Ms);
			finite(p.p95Ms);
		}
		finite(r.result.itemsPerMinute);
		finite(r.itemTimeMs.createdToFinished.p95);
	});
});
