import { afterAll, beforeAll, expect, it } from 'vitest';
import { within } from '../helpers/deferred';
import { countingSite, importLinks, shareDuringBatch, waitForBatch } from '../helpers/bulk-import';
import { serverStorage, startServer, type ServerProcess, type ServerStorage } from '../helpers/server';
import { spawnWorker, type WorkerProcess } from '../helpers/worker-process';

/**
 * A bulk import run by two worker processes beside a web process without one: the per-site
 * limit holds across the processes (the site counts what it serves at once), single shares of two
 * people are saved while the batch still waits, and the batch finishes whole, settled once.
 */
const LIMIT = 3;
const LINKS = 300;
let site: Awaited<ReturnType<typeof countingSite>>;
let storage: ServerStorage;
let web: ServerProcess;
const workers: WorkerProcess[] = [];

beforeAll(async () => {
	site = await countingSite(20);
	storage = await serverStorage();
	const limits = { FETCH_HOST_CONCURRENCY: String(LIMIT), FETCH_HOST_RATE_PER_MINUTE: '6000', FETCH_ALLOW_PRIVATE: 'true' };
	web = await startServer(storage, { ...limits, QUEUE_PROCESSING_ENABLED: 'false' });
	for (let i = 0; i < 2; i++) {
		// Two at a time each, under a site limit of three: the third fetch is always the other
		// process's, so both fetch from the site at once and only the shared limit holds them to it.
		const worker = spawnWorker({ ...storage.env, ...limits, QUEUE_CONCURRENCY: '2', LOG_LEVEL: 'debug' });
		workers.push(worker);
		await within(worker.idle, 30_000, 'a worker process to go idle');
	}
});
afterAll(async () => {
	await Promise.all(workers.map((w) => w.stop('SIGKILL')));
	await web?.stop();
	await Promise.all([storage?.cleanup(), site?.close()]);
});

it('two worker processes: the site never gets more than its limit at once, shares go before the batch, and it finishes', async () => {
	const alice = await web.signUp('alice');
	expect((await web.api('/api/users', { method: 'POST', json: { username: 'bob', password: 'correct horse battery staple' } })).status).toBe(201);
	const bob = await web.signUp('bob');
	web.token = alice.token;

	const batch = await importLinks(web, site.origin, LINKS);
	await waitForBatch(web, batch.id, (b) => b.progress.saved >= 10);
	await shareDuringBatch(web, `${site.origin}/r/alice-single`, batch.id);
	await shareDuringBatch(web, `${site.origin}/r/bob-single`, batch.id, bob.token);

	const done = await waitForBatch(web, batch.id, (b) => b.finishedAt !== null, 120_000);
	expect(done.progress).toEqual({ waiting: 0, running: 0, saved: LINKS, failed: 0, canceled: 0 });
	expect(site.most()).toBeLessThanOrEqual(LIMIT);
	expect(site.most()).toBeGreaterThanOrEqual(2);
	// Both processes did some of it.
	for (const worker of workers) expect(worker.output()).toMatch(/phase completed/);
});
