import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { waitUntil, within } from '../helpers/deferred';
import { spawnWorker, type WorkerProcess } from '../helpers/worker-process';
import { listWorkers } from '../../src/lib/server/admin/workers';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
	while (cleanups.length) await cleanups.pop()!();
});

/** Heartbeats every 300 ms (a third of the lease), so a killed worker is offline within a second. */
const LEASE_MS = '900';

async function startWorker(db: TestDatabase): Promise<WorkerProcess> {
	const worker = spawnWorker({ DATABASE_URL: db.url!, LOG_LEVEL: 'debug', QUEUE_LEASE_MS: LEASE_MS });
	cleanups.push(() => worker.stop('SIGKILL'));
	await within(worker.idle, 30_000, 'a worker process to go idle');
	return worker;
}

describe('worker heartbeats', () => {
	it('two worker processes show as two online workers; a stopped one leaves, a killed one goes stale', async () => {
		const db = await createTestDatabase();
		cleanups.push(() => db.close());
		const a = await startWorker(db);
		const b = await startWorker(db);
		const workers = () => listWorkers(db.database, new Date());
		// Each names itself as its lease owner does: host:pid:random.
		const idOf = (w: WorkerProcess) => /"worker":"([^"]+)"/.exec(w.output())![1]!;

		const both = await workers();
		expect(both.map((w) => w.id).sort()).toEqual([idOf(a), idOf(b)].sort());
		expect(both.every((w) => w.online && w.pid > 0 && w.concurrency === 2)).toBe(true);
		// The heartbeat moves last_seen_at even with nothing to run.
		const seen = both.find((w) => w.id === idOf(a))!.lastSeenAt;
		await waitUntil(async () => (await workers()).find((w) => w.id === idOf(a) && w.lastSeenAt > seen), (on) => poll(on), 10_000, 'a heartbeat');

		expect(await within(b.stop('SIGTERM'), 15_000, 'b to stop')).toBe(0);
		expect((await workers()).map((w) => w.id)).toEqual([idOf(a)]);

		await a.stop('SIGKILL');
		const left = await waitUntil(async () => (await workers()).find((w) => !w.online), (on) => poll(on), 10_000, 'the killed worker to go stale');
		expect(left.id).toBe(idOf(a));
		expect((await workers()).map((w) => w.id)).toEqual([idOf(a)]);
	});
});

/** Nothing announces a heartbeat to an outside reader: look again every 100 ms. */
function poll(onChange: () => void) {
	const timer = setInterval(onChange, 100);
	return Promise.resolve(() => clearInterval(timer));
}
