import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ItemDetail } from '../../src/lib/contract/queue';
import { expectError } from '../helpers/api-error';
import { deferred, within } from '../helpers/deferred';
import { html, startHttpServer } from '../helpers/http-server';
import { recipePage } from '../helpers/recipe-page';
import { serverStorage, startServer, waitForItem, type ServerProcess, type ServerStorage } from '../helpers/server';
import { openStream } from '../helpers/sse';
import { proxyInFrontOf, type TcpProxy } from '../helpers/tcp-proxy';

/** How long the database stays away; a few seconds here, COOKMARK_TEST_OUTAGE_MS=30000 for the long run. */
const OUTAGE_MS = Number(process.env.COOKMARK_TEST_OUTAGE_MS ?? 4_000);

let proxy: TcpProxy;
let storage: ServerStorage;
let server: ServerProcess;
let site: Awaited<ReturnType<typeof startHttpServer>>;
const pageAsked = deferred();
const pageMayAnswer = deferred();

beforeAll(async () => {
	site = await startHttpServer({
		'/soup': html(recipePage('Leek Soup')),
		// Held until the outage has begun, so its item is in flight when the database goes.
		'/held': async (_req, res) => {
			pageAsked.resolve();
			await pageMayAnswer.promise;
			html(recipePage('Held Stew'))(_req, res);
		}
	});
	storage = await serverStorage();
	const cutOffable = await proxyInFrontOf(storage.env.DATABASE_URL!);
	proxy = cutOffable.proxy;
	server = await startServer(storage, { DATABASE_URL: cutOffable.url, QUEUE_LEASE_MS: '2000', QUEUE_POLL_MS: '500' });
	await server.signUp();
}, 90_000);

afterAll(async () => {
	pageMayAnswer.resolve();
	await server?.stop();
	await proxy?.close();
	await Promise.all([storage?.cleanup(), site?.close()]);
});

const share = (url: string) => server.api('/api/queue', { method: 'POST', json: { url }, signal: AbortSignal.timeout(15_000) });
const linesWith = (text: string) => server.logs().split('\n').filter((l) => l.includes(text)).length;

describe('a database outage', () => {
	it('is answered 503, not 500 or a hang; the worker waits it out; everything accepted finishes after', async () => {
		const accepted: string[] = [];
		const stream = await openStream(server);
		await stream.next((e) => e.event === 'connection');
		const created = await share(`${site.origin}/held`);
		expect(created.status).toBe(201);
		const held = ((await created.json()) as { id: string }).id;
		accepted.push(held);
		await within(pageAsked.promise, 15_000, 'the held item to be in flight');

		proxy.cut();
		const cutAt = Date.now();
		pageMayAnswer.resolve(); // its phase ends during the outage: its result cannot be written

		// Writes and reads: a clear 503 within a bound (the request's own 15 s timeout fails the test).
		for (const res of [await share(`${site.origin}/soup?during`), await server.api('/api/queue', { signal: AbortSignal.timeout(15_000) })]) {
			await expectError(res, 503, 'database_unavailable');
			expect(res.headers.get('retry-after')).toBe('5');
		}
		await expectError(await server.api('/api/ready', { auth: false }), 503, 'database_unavailable');
		await expectError(await server.api('/api/queue/stream', { signal: AbortSignal.timeout(15_000) }), 503, 'database_unavailable');
		// Liveness is not the database's: it answers, with or without credentials.
		expect((await server.api('/api/health')).status).toBe(200);
		expect((await server.api('/api/health', { auth: false })).status).toBe(200);

		// The outage lasts as long as asked; meanwhile the worker keeps trying to claim, on its backoff.
		await new Promise((r) => setTimeout(r, Math.max(0, OUTAGE_MS - (Date.now() - cutAt))));
		expect(server.process.exitCode).toBeNull();
		proxy.restore();
		const restoredAt = Date.now();

		// Ready again without a restart.
		while ((await server.api('/api/ready', { auth: false })).status !== 200) await new Promise((r) => setTimeout(r, 50));
		const readyAfter = Date.now() - restoredAt;
		const after = await share(`${site.origin}/soup?after`);
		expect(after.status).toBe(201);
		accepted.push(((await after.json()) as { id: string }).id);

		for (const id of accepted) await waitForItem<ItemDetail>(server, id, (i) => i.status === 'success', 30_000);
		// The stream opened before the outage stayed open and hears how the item in flight ended.
		await stream.next((e) => e.event === 'queue-update' && e.data.itemId === held && e.data.status === 'success', 15_000, 'the held item done');
		stream.close();
		console.log(`outage ${restoredAt - cutAt} ms; ready ${readyAfter} ms after; all accepted items done ${Date.now() - restoredAt} ms after`);

		// The worker said so once when it began and once when it ended, and never called it a failure of its own.
		expect(linesWith('the database cannot be reached')).toBe(1);
		expect(linesWith('the database answers again')).toBe(1);
		expect(linesWith('claim loop failed')).toBe(0);
		expect(linesWith('"level":50')).toBe(0);
	}, OUTAGE_MS + 60_000);
});
