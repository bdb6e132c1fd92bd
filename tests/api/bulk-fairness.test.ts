import { afterAll, beforeAll, expect, it } from 'vitest';
import { countingSite, importLinks, shareDuringBatch, waitForBatch } from '../helpers/bulk-import';
import { serverStorage, startServer, type Account, type ServerProcess, type ServerStorage } from '../helpers/server';

/**
 * A bulk import beside single shares, in one process: the site is never fetched more than its
 * limit at once, another person's share and the importer's own share are saved while the batch
 * still waits, and the batch finishes whole. (tests/postgres/bulk-multi-process.test.ts does the
 * same across processes.)
 */
const LIMIT = 3;
const LINKS = 240;
let site: Awaited<ReturnType<typeof countingSite>>;
let storage: ServerStorage;
let server: ServerProcess;
let alice: Account;

beforeAll(async () => {
	site = await countingSite(20);
	storage = await serverStorage();
	server = await startServer(storage, { QUEUE_CONCURRENCY: '6', FETCH_HOST_CONCURRENCY: String(LIMIT), FETCH_HOST_RATE_PER_MINUTE: '6000' });
	alice = await server.signUp('alice');
	expect((await server.api('/api/users', { method: 'POST', json: { username: 'bob', password: 'correct horse battery staple' } })).status).toBe(201);
});
afterAll(async () => {
	await server?.stop();
	await Promise.all([storage?.cleanup(), site?.close()]);
});

it('shares are not stuck behind a batch, the site never gets more than its limit at once, and the batch finishes', async () => {
	const batch = await importLinks(server, site.origin, LINKS);
	expect(batch.total).toBe(LINKS);
	await waitForBatch(server, batch.id, (b) => b.progress.saved >= 10);

	// Alice's own share goes before her batch…
	await shareDuringBatch(server, `${site.origin}/r/alice-single`, batch.id);
	// …and Bob's, though Alice has hundreds waiting.
	const bob = await server.signUp('bob');
	server.token = alice.token;
	await shareDuringBatch(server, `${site.origin}/r/bob-single`, batch.id, bob.token);

	const done = await waitForBatch(server, batch.id, (b) => b.finishedAt !== null, 120_000);
	expect(done.progress).toEqual({ waiting: 0, running: 0, saved: LINKS, failed: 0, canceled: 0 });
	expect(site.most()).toBeLessThanOrEqual(LIMIT);
	expect(site.most()).toBeGreaterThanOrEqual(2);
	expect(site.served()).toBe(LINKS + 2);
});
