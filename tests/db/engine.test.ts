import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { harness, hangUntilAborted, testPipeline } from '../helpers/engine';
import { ManualClock } from '../helpers/clock';
import { deferred, within } from '../helpers/deferred';
import { PermanentError, RetryableError } from '../../src/lib/server/failures/errors';
import { claimItems } from '../../src/lib/server/queue/sql/claim';
import { applyTransitions } from '../../src/lib/server/queue/sql/apply';
import { reclaimExpired } from '../../src/lib/server/queue/sql/reclaim-expired';
import { extendLeases } from '../../src/lib/server/queue/sql/heartbeat';
import type { Database } from '../../src/lib/server/db/client';
import type { PhaseContext } from '../../src/lib/server/queue/pipeline';

let db: TestDatabase;
beforeEach(async () => {
	db = await createTestDatabase();
});
afterEach(async () => {
	await db.close();
});

const ok = (value: unknown) => async () => value;

describe('claiming', () => {
	it('never hands the same item to two concurrent claimers', async () => {
		const { pipeline } = testPipeline('p', { one: ok(1) });
		const h = await harness(db.database, [pipeline]);
		const ids = await Promise.all(Array.from({ length: 30 }, (_, i) => h.enqueue(`https://example.com/${i}`)));
		const now = new Date();
		const claims = await Promise.all(
			Array.from({ length: 12 }, (_, w) =>
				claimItems(db.database, { worker: `w${w}`, pipelines: ['p'], limit: 4, leaseMs: 10_000, now })
			)
		);
		const claimed = claims.flat().map((c) => c.id);
		expect(new Set(claimed).size).toBe(claimed.length);
		expect(claimed.length).toBe(30);
		expect(new Set(claimed)).toEqual(new Set(ids));
		// Every claim got its own fencing token.
		expect(new Set(claims.flat().map((c) => c.leaseToken)).size).toBe(30);
	});

	it('two workers on one database run every item exactly once', async () => {
		const inFlight = new Set<string>();
		const overlaps: string[] = [];
		const ranBy = new Map<string, number>();
		const { pipeline, runs } = testPipeline('p', {
			first: async ({ item }: PhaseContext) => {
				if (inFlight.has(item.id)) overlaps.push(item.id);
				inFlight.add(item.id);
				await new Promise((r) => setImmediate(r));
				inFlight.delete(item.id);
				ranBy.set(item.id, (ranBy.get(item.id) ?? 0) + 1);
				return item.id;
			},
			second: ok('done')
		});
		const h = await harness(db.database, [pipeline]);
		const ids = await Promise.all(Array.from({ length: 40 }, (_, i) => h.enqueue(`https://example.com/${i}`)));
		const a = h.worker({ concurrency: 3, id: 'worker-a' });
		const b = h.worker({ concurrency: 3, id: 'worker-b' });
		await Promise.all([a.processAvailable(), b.processAvailable()]);

		expect(overlaps).toEqual([]);
		expect(runs).toEqual({ first: 40, second: 40 });
		for (const id of ids) expect(ranBy.get(id)).toBe(1);
		const statuses = await db.database.rows<{ status: string; n: number }>(
			sql`select status, count(*)::int as n from queue_items group by status`
		);
		expect(statuses).toEqual([{ status: 'success', n: 40 }]);
		const attempts = await db.database.rows<{ n: number }>(sql`select count(*)::int as n from item_attempts`);
		expect(attempts[0]!.n).toBe(80);
	});

	it('does not claim items of pipelines the worker does not run, nor items scheduled later', async () => {
		const clock = new ManualClock();
		const { pipeline } = testPipeline('p', { one: ok(1) });
		const h = await harness(db.database, [pipeline], { clock });
		await h.enqueue('https://example.com/a');
		expect(await claimItems(db.database, { worker: 'w', pipelines: ['other'], limit: 5, leaseMs: 1000, now: clock.now() })).toEqual([]);
		const past = new Date(clock.now().getTime() - 60_000);
		expect(await claimItems(db.database, { worker: 'w', pipelines: ['p'], limit: 5, leaseMs: 1000, now: past })).toEqual([]);
	});
});

describe('leases', () => {
	it('reclaims an expired lease, re-runs only the interrupted phase, and records the lost attempt', async () => {
		const clock = new ManualClock();
		const { pipeline, runs } = testPipeline('p', {
			extraction: ok({ page: 1 }),
			parsing: async ({ outputs }: PhaseContext) => ({ parsedFrom: outputs.extraction }),
			uploading: ok({ saved: true })
		});
		const h = await harness(db.database, [pipeline], { clock });
		const id = await h.enqueue('https://example.com/crash');

		// A worker claims (starting extraction), completes extraction (starting parsing), then dies without a word.
		const [claimed] = await claimItems(db.database, { worker: 'crashed', pipelines: ['p'], limit: 1, leaseMs: 5_000, now: clock.now() });
		const advance = { kind: 'advance', output: { page: 1 }, nextPhase: 'parsing' } as const;
		const applied = await applyTransitions(db.database, {
			worker: 'crashed',
			transitions: [{ itemId: id, token: claimed!.leaseToken, phase: 'extraction', attemptId: claimed!.attemptId, transition: advance }],
			now: clock.now()
		});
		expect(applied.get(id)).toMatchObject({ held: true, next: { number: 1 } });

		const worker = h.worker({ id: 'rescuer' });
		// Before the lease expires nobody may take it.
		clock.advance(4_999);
		await worker.processAvailable();
		expect((await h.get(id)).status).toBe('in_progress');
		expect(runs.parsing).toBe(0);

		clock.advance(2);
		await worker.processAvailable();
		const item = await h.get(id);
		expect(item.status).toBe('success');
		expect(runs).toEqual({ extraction: 0, parsing: 1, uploading: 1 });
		expect(item.attempts.map((a) => [a.phase, a.number, a.outcome, a.worker])).toEqual([
			['extraction', 1, 'completed', 'crashed'],
			['parsing', 1, 'lost', 'crashed'],
			['parsing', 2, 'completed', 'rescuer'],
			['uploading', 1, 'completed', 'rescuer']
		]);
		expect(item.results).toEqual({ outputs: { extraction: { page: 1 }, parsing: { parsedFrom: { page: 1 } }, uploading: { saved: true } } });
	});

	it('an idle worker wakes when a lease expires, not at its next poll', async () => {
		const { pipeline, runs } = testPipeline('p', { only: ok('rescued') });
		const h = await harness(db.database, [pipeline]);
		const id = await h.enqueue('https://example.com/expiring');
		await claimItems(db.database, { worker: 'crashed', pipelines: ['p'], limit: 1, leaseMs: 300, now: new Date() });
		const worker = h.worker({ pollMs: 3_600_000 });
		await worker.start();
		const item = await h.waitFor(id, (i) => i.status === 'success', 'the rescue', 10_000);
		expect(runs.only).toBe(1);
		expect(item.attempts.map((a) => a.outcome)).toEqual(['lost', 'completed']);
		await worker.stop();
	});

	it('a worker whose lease was taken over cannot write its result', async () => {
		const clock = new ManualClock();
		const { pipeline } = testPipeline('p', { only: ok('x') });
		const h = await harness(db.database, [pipeline], { clock });
		const id = await h.enqueue('https://example.com/fence');
		const [stale] = await claimItems(db.database, { worker: 'slow', pipelines: ['p'], limit: 1, leaseMs: 1_000, now: clock.now() });
		clock.advance(1_001);
		await h.worker().processAvailable();
		const succeed = { kind: 'succeed', output: 'stale', result: { stale: true } } as const;
		const wrote = await applyTransitions(db.database, {
			worker: 'slow',
			transitions: [{ itemId: id, token: stale!.leaseToken, phase: 'only', attemptId: stale!.attemptId, transition: succeed }],
			now: clock.now()
		});
		expect(wrote.get(id)).toEqual({ held: false });
		expect((await h.get(id)).results).toEqual({ outputs: { only: 'x' } });
	});

	it('a lease that ran out fences its worker out at once, before any reclaim', async () => {
		const clock = new ManualClock();
		const { pipeline } = testPipeline('p', { one: ok(1), two: ok(2) });
		const h = await harness(db.database, [pipeline], { clock });
		const id = await h.enqueue('https://example.com/late');
		const [c] = await claimItems(db.database, { worker: 'late', pipelines: ['p'], limit: 1, leaseMs: 1_000, now: clock.now() });
		clock.advance(1_000);
		// Nobody reclaimed it yet, but another worker may at any moment: this one may write nothing more.
		const advance = { kind: 'advance', output: 1, nextPhase: 'two' } as const;
		const applied = await applyTransitions(db.database, {
			worker: 'late',
			transitions: [{ itemId: id, token: c!.leaseToken, phase: 'one', attemptId: c!.attemptId, transition: advance }],
			now: clock.now()
		});
		expect(applied.get(id)).toEqual({ held: false });
		expect((await h.get(id)).phases.map((p) => p.status)).toEqual(['in_progress', 'pending']);
		expect(await extendLeases(db.database, { tokens: [c!.leaseToken], leaseMs: 1_000, now: clock.now() })).toEqual(new Set());
	});

	it('a worker that cannot reach the database to renew its lease stops the run itself before the lease runs out', async () => {
		const started = deferred<PhaseContext>();
		const { pipeline } = testPipeline('p', { only: hangUntilAborted((ctx) => started.resolve(ctx)) });
		const h = await harness(db.database, [pipeline]);
		const id = await h.enqueue('https://example.com/partitioned');
		let reachable = true;
		const partitioned: Database = {
			...db.database,
			rows: (query) => (reachable ? db.database.rows(query) : Promise.reject(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })))
		};
		const worker = h.worker({ database: partitioned, leaseMs: 600, timeoutMs: 600_000 });
		await worker.start();
		const ctx = await within(started.promise, 10_000, 'the phase to start');
		reachable = false;
		const reason = await within(new Promise((resolve) => ctx.signal.addEventListener('abort', () => resolve(ctx.signal.reason))), 10_000, 'the run to stop');
		expect(reason).toMatchObject({ why: 'lease_lost' });
		reachable = true;
		await worker.stop();
		// The lease was not given back: it runs out, and the item is another worker's to take.
		expect((await h.get(id)).attempts.map((a) => a.outcome)).toEqual(['running']);
	});

	it('renewals that are slow but in time (a loaded machine) do not stop the run', async () => {
		// Each statement answers 1.2 s late while the phase runs: longer than a beat (1 s), so a renewal
		// is still on its way when the next beat comes, yet each one lands with most of the lease left.
		// A worker that gave up whenever the lease had less than a beat left stopped this run.
		const started = deferred();
		const { pipeline } = testPipeline('p', {
			only: async () => {
				started.resolve();
				await new Promise((r) => setTimeout(r, 4_000));
				return 'done';
			}
		});
		const h = await harness(db.database, [pipeline]);
		const id = await h.enqueue('https://example.com/slow-renewals');
		let slow = false;
		const lagging: Database = {
			...db.database,
			rows: async (query) => {
				if (slow) await new Promise((r) => setTimeout(r, 1_200));
				return db.database.rows(query);
			}
		};
		const worker = h.worker({ database: lagging, leaseMs: 3_000, timeoutMs: 600_000 });
		await worker.start();
		await within(started.promise, 10_000, 'the phase to start');
		slow = true;
		await h.waitFor(id, (i) => i.status === 'success', 'the item to succeed', 20_000);
		slow = false;
		await worker.stop();
		expect((await h.get(id)).attempts.map((a) => a.outcome)).toEqual(['completed']);
	});

	it('an item that kills its worker every time ends dead instead of looping', async () => {
		const clock = new ManualClock();
		const { pipeline } = testPipeline('p', { only: ok('never reached') });
		const h = await harness(db.database, [pipeline], { clock, maxAttempts: 2 });
		const id = await h.enqueue('https://example.com/poison');
		for (let i = 0; i < 2; i++) {
			await reclaimExpired(db.database, clock.now());
			await claimItems(db.database, { worker: `victim${i}`, pipelines: ['p'], limit: 1, leaseMs: 1_000, now: clock.now() });
			clock.advance(1_001);
		}
		// The sweep that finds the second lost attempt finds the budget spent: dead, not claimed again.
		await h.worker().processAvailable();
		const item = await h.get(id);
		expect(item.status).toBe('dead');
		expect(item.error).toMatchObject({ code: 'interrupted', message: 'gave up after 2 interrupted attempts of only' });
		expect(item.attempts.map((a) => a.outcome)).toEqual(['lost', 'lost']);
	});
});

describe('failures, backoff and retries', () => {
	it('backs off exponentially with jitter on the injectable clock, then goes dead', async () => {
		const clock = new ManualClock();
		const { pipeline, runs } = testPipeline('p', {
			flaky: async () => {
				throw new RetryableError('network', 'connection reset');
			}
		});
		const h = await harness(db.database, [pipeline], { clock, maxAttempts: 4 });
		const id = await h.enqueue('https://example.com/flaky');
		// random() = 1 gives the top of each jitter window: base · 2^(n-1).
		const worker = h.worker({ backoff: { baseMs: 1_000, maxMs: 3_000 }, random: () => 1 });
		const expected = [1_000, 2_000, 3_000]; // capped at maxMs
		for (const [i, delay] of expected.entries()) {
			const before = clock.now().getTime();
			await worker.processAvailable();
			const item = await h.get(id);
			expect(item.status).toBe('pending');
			expect(item.error).toEqual({ kind: 'retryable', code: 'network', message: 'connection reset' });
			expect(new Date(item.nextRunAt!).getTime() - before).toBe(delay);
			expect(runs.flaky).toBe(i + 1);
			// Not a moment early.
			clock.advance(delay - 1);
			await worker.processAvailable();
			expect(runs.flaky).toBe(i + 1);
			clock.advance(1);
		}
		await worker.processAvailable();
		const item = await h.get(id);
		expect(item.status).toBe('dead');
		expect(runs.flaky).toBe(4);
		expect(item.attempts.map((a) => [a.number, a.outcome, a.errorKind])).toEqual([
			[1, 'failed', 'retryable'],
			[2, 'failed', 'retryable'],
			[3, 'failed', 'retryable'],
			[4, 'failed', 'retryable']
		]);
	});

	it('the jitter never goes below half the schedule', async () => {
		const clock = new ManualClock();
		const { pipeline } = testPipeline('p', {
			flaky: async () => {
				throw new RetryableError('network', 'reset');
			}
		});
		const h = await harness(db.database, [pipeline], { clock });
		const id = await h.enqueue('https://example.com/j');
		await h.worker({ backoff: { baseMs: 8_000, maxMs: 60_000 }, random: () => 0 }).processAvailable();
		expect(new Date((await h.get(id)).nextRunAt!).getTime() - clock.now().getTime()).toBe(4_000);
	});

	it('honours Retry-After on a 429', async () => {
		const clock = new ManualClock();
		const { pipeline } = testPipeline('p', {
			limited: async () => {
				throw Object.assign(new Error('slow down'), { status: 429, headers: new Headers({ 'retry-after': '120' }) });
			}
		});
		const h = await harness(db.database, [pipeline], { clock });
		const id = await h.enqueue('https://example.com/429');
		await h.worker({ backoff: { baseMs: 1_000, maxMs: 5_000 } }).processAvailable();
		const item = await h.get(id);
		expect(item.status).toBe('pending');
		expect(item.error?.code).toBe('http_429');
		expect(new Date(item.nextRunAt!).getTime() - clock.now().getTime()).toBe(120_000);
	});

	it('a permanent error ends the item at once, and a retry resumes at the failed phase', async () => {
		let failUpload = true;
		const { pipeline, runs } = testPipeline('p', {
			extraction: ok('page'),
			parsing: ok('recipe'),
			uploading: async () => {
				if (failUpload) throw new PermanentError('unauthorized', 'check your token');
				return 'saved';
			}
		});
		const h = await harness(db.database, [pipeline]);
		const id = await h.enqueue('https://example.com/resume');
		const worker = h.worker();
		await worker.processAvailable();
		let item = await h.get(id);
		expect(item.status).toBe('error');
		expect(item.error).toEqual({ kind: 'permanent', code: 'unauthorized', message: 'check your token' });
		expect(item.phases.map((p) => p.status)).toEqual(['completed', 'completed', 'error']);
		expect(runs).toEqual({ extraction: 1, parsing: 1, uploading: 1 });

		failUpload = false;
		const retried = await h.service.retry(h.userId, id);
		expect(retried.kind).toBe('ok');
		await worker.processAvailable();
		item = await h.get(id);
		expect(item.status).toBe('success');
		expect(item.error).toBeNull();
		expect(runs).toEqual({ extraction: 1, parsing: 1, uploading: 2 });
		expect(item.attempts.filter((a) => a.phase === 'uploading').map((a) => [a.number, a.outcome])).toEqual([
			[1, 'failed'],
			[1, 'completed']
		]);
	});

	it('a retryable failure in a later phase resumes there after the backoff', async () => {
		const clock = new ManualClock();
		let calls = 0;
		const { pipeline, runs } = testPipeline('p', {
			extraction: ok('page'),
			uploading: async () => {
				if (++calls === 1) throw Object.assign(new Error('bad gateway'), { status: 502 });
				return 'ok';
			}
		});
		const h = await harness(db.database, [pipeline], { clock });
		const id = await h.enqueue('https://example.com/later');
		const worker = h.worker({ backoff: { baseMs: 1_000, maxMs: 1_000 } });
		await worker.processAvailable();
		expect((await h.get(id)).status).toBe('pending');
		clock.advance(1_000);
		await worker.processAvailable();
		expect((await h.get(id)).status).toBe('success');
		expect(runs).toEqual({ extraction: 1, uploading: 2 });
	});

	it('times a phase out even when it ignores its signal', async () => {
		const { pipeline } = testPipeline('p', { stuck: () => new Promise(() => {}) });
		const h = await harness(db.database, [pipeline]);
		const id = await h.enqueue('https://example.com/stuck');
		await h.worker({ timeoutMs: 50 }).processAvailable();
		const item = await h.get(id);
		expect(item.status).toBe('pending');
		expect(item.error).toMatchObject({ kind: 'retryable', code: 'timeout' });
		expect(item.attempts[0]).toMatchObject({ outcome: 'failed', errorKind: 'retryable' });
	});

	it('only failed, dead or canceled items can be retried', async () => {
		const { pipeline } = testPipeline('p', { only: ok(1) });
		const h = await harness(db.database, [pipeline]);
		const id = await h.enqueue('https://example.com/r');
		expect(await h.service.retry(h.userId, id)).toEqual({ kind: 'conflict', status: 'pending' });
		await h.worker().processAvailable();
		expect(await h.service.retry(h.userId, id)).toEqual({ kind: 'conflict', status: 'success' });
		expect(await h.service.retry(h.otherUserId, id)).toEqual({ kind: 'not_found' });
	});
});

describe('progress', () => {
	it('records the latest progress of a running phase', async () => {
		const reported = deferred();
		const release = deferred();
		const { pipeline } = testPipeline('p', {
			slow: async ({ progress }: PhaseContext) => {
				progress(10, 'fetching');
				progress(42, 'reading');
				reported.resolve();
				await release.promise;
				return 'ok';
			}
		});
		const h = await harness(db.database, [pipeline]);
		const id = await h.enqueue('https://example.com/progress');
		const worker = h.worker();
		await worker.start();
		await within(reported.promise, 10_000, 'the phase to report');
		const item = await h.waitFor(id, (i) => i.phases[0]!.progress === 42, 'progress 42');
		expect(item.phases[0]).toMatchObject({ status: 'in_progress', progress: 42, message: 'reading' });
		release.resolve();
		const done = await h.waitFor(id, (i) => i.status === 'success', 'success');
		expect(done.phases[0]).toMatchObject({ status: 'completed', progress: 100, message: null });
		await worker.stop();
	});
});

describe('cancel', () => {
	it('aborts a running phase and records the attempt as canceled', async () => {
		const started = deferred<PhaseContext>();
		const { pipeline } = testPipeline('p', { long: hangUntilAborted((ctx) => started.resolve(ctx)), never: ok(1) });
		const h = await harness(db.database, [pipeline]);
		const worker = h.worker();
		await worker.start();
		const id = await h.enqueue('https://example.com/cancel');
		const ctx = await within(started.promise, 10_000, 'the phase to start');

		const result = await h.service.cancel(h.userId, id);
		expect(result.kind).toBe('ok');
		await within(new Promise((r) => (ctx.signal.aborted ? r(null) : ctx.signal.addEventListener('abort', r))), 10_000, 'the abort');
		expect(ctx.signal.reason).toMatchObject({ why: 'canceled' });

		const item = await h.get(id);
		expect(item.status).toBe('canceled');
		expect(item.attempts.map((a) => a.outcome)).toEqual(['canceled']);
		expect(item.phases.map((p) => p.status)).toEqual(['pending', 'pending']);
		await worker.stop();
		// Nothing was handed back: the item stays canceled.
		expect((await h.get(id)).status).toBe('canceled');
		expect(await h.service.cancel(h.userId, id)).toEqual({ kind: 'conflict', status: 'canceled' });
	});

	it('cancels a pending item, which is then never claimed', async () => {
		const { pipeline, runs } = testPipeline('p', { only: ok(1) });
		const h = await harness(db.database, [pipeline]);
		const id = await h.enqueue('https://example.com/c');
		expect((await h.service.cancel(h.userId, id)).kind).toBe('ok');
		await h.worker().processAvailable();
		expect(runs.only).toBe(0);
		expect((await h.get(id)).status).toBe('canceled');
	});
});

describe('graceful shutdown', () => {
	it('releases the leases of phases still running after the grace period, for another worker at once', async () => {
		const clock = new ManualClock();
		const started = deferred<PhaseContext>();
		let hang = true;
		const { pipeline, runs } = testPipeline('p', {
			first: ok('one'),
			second: async (ctx: PhaseContext) => {
				if (hang) return hangUntilAborted((c) => started.resolve(c))(ctx);
				return 'two';
			}
		});
		const h = await harness(db.database, [pipeline], { clock });
		const id = await h.enqueue('https://example.com/shutdown');
		const a = h.worker({ id: 'a', graceMs: 30 });
		await a.start();
		a.wake();
		const ctx = await within(started.promise, 10_000, 'the second phase to start');
		await a.stop();
		expect(ctx.signal.reason).toMatchObject({ why: 'shutdown' });

		let item = await h.get(id);
		expect(item.status).toBe('pending');
		expect(item.phases.map((p) => [p.status, p.attempts])).toEqual([
			['completed', 1],
			['pending', 0]
		]);
		expect(item.attempts.map((a) => a.outcome)).toEqual(['completed', 'released']);
		const leases = await db.database.rows<{ lease_token: string | null }>(sql`select lease_token from queue_items`);
		expect(leases).toEqual([{ lease_token: null }]);

		// Runnable immediately: the clock has not moved.
		hang = false;
		await h.worker({ id: 'b' }).processAvailable();
		item = await h.get(id);
		expect(item.status).toBe('success');
		expect(runs).toEqual({ first: 1, second: 2 });
	});

	it('lets a running phase finish within the grace period, then hands the rest back', async () => {
		const started = deferred();
		const finish = deferred();
		const { pipeline, runs } = testPipeline('p', {
			first: async () => {
				started.resolve();
				await finish.promise;
				return 'one';
			},
			second: ok('two')
		});
		const h = await harness(db.database, [pipeline]);
		const id = await h.enqueue('https://example.com/drain');
		const worker = h.worker({ graceMs: 10_000 });
		await worker.start();
		await within(started.promise, 10_000, 'the first phase');
		const stopping = worker.stop();
		finish.resolve();
		await stopping;
		const item = await h.get(id);
		expect(item.status).toBe('pending');
		expect(item.phases.map((p) => p.status)).toEqual(['completed', 'pending']);
		expect(runs).toEqual({ first: 1, second: 0 });
	});
});

describe('wake-up', () => {
	it('a new item wakes an idle worker at once, long before its poll', async () => {
		const { pipeline } = testPipeline('p', { only: ok(1) });
		const h = await harness(db.database, [pipeline]);
		const worker = h.worker({ pollMs: 3_600_000 });
		const idle = new Promise((r) => worker.once('idle', () => r(null)));
		await worker.start();
		// Enqueue only once the loop found nothing and went to sleep for an hour.
		await within(idle, 10_000, 'the worker to go idle');
		const id = await h.enqueue('https://example.com/wake');
		await h.waitFor(id, (i) => i.status === 'success', 'the item to finish', 10_000);
		await worker.stop();
	});
});
