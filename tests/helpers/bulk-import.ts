import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'vitest';
import { Batch } from '../../src/lib/contract/imports';
import { Item } from '../../src/lib/contract/queue';
import { recipePage } from './recipe-page';
import type { ServerProcess } from './server';

/**
 * A recipe site for bulk imports: any `/r/<n>` is a recipe page, answered after `delayMs`. It
 * counts the requests it is serving at once (all from one host, 127.0.0.1), so a test can hold
 * the fetcher to its per-site limit however many processes fetch.
 */
export async function countingSite(delayMs = 20) {
	let running = 0;
	let most = 0;
	let served = 0;
	const server = http.createServer((req, res) => {
		running++;
		most = Math.max(most, running);
		setTimeout(() => {
			served++;
			running--;
			res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(recipePage(`Recipe ${req.url}`));
		}, delayMs);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	return {
		origin,
		/** The most requests it served at once. */
		most: () => most,
		served: () => served,
		close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve())))
	};
}

/** Uploads `count` links of the site as one batch (a text file), and returns the batch made. */
export async function importLinks(server: ServerProcess, origin: string, count: number, from = 0): Promise<Batch> {
	const form = new FormData();
	form.set('file', new Blob([Array.from({ length: count }, (_, i) => `${origin}/r/${from + i}`).join('\n')], { type: 'text/plain' }), 'links.txt');
	const res = await server.api('/api/batches', { method: 'POST', body: form });
	expect(res.status).toBe(201);
	return Batch.parse(await res.json());
}

export async function batchOf(server: ServerProcess, id: string): Promise<Batch> {
	return Batch.parse(await (await server.api(`/api/batches/${id}`)).json());
}

/** Polls the batch until `predicate` holds. */
export async function waitForBatch(server: ServerProcess, id: string, predicate: (b: Batch) => boolean, ms = 60_000): Promise<Batch> {
	const deadline = Date.now() + ms;
	for (;;) {
		const batch = await batchOf(server, id);
		if (predicate(batch)) return batch;
		if (Date.now() > deadline) throw new Error(`batch ${id}: ${JSON.stringify(batch.progress)}\n${server.logs().slice(-3000)}`);
		await new Promise((r) => setTimeout(r, 50));
	}
}

/**
 * Shares one link (as the account of `token`, or the batch's owner) while a batch runs, and waits
 * for it: it must be saved while the batch still has links waiting, that is, without waiting
 * behind the batch. Returns how long it took, by the server's own times.
 */
export async function shareDuringBatch(server: ServerProcess, url: string, batchId: string, token?: string): Promise<number> {
	const as = token ? { authorization: `Bearer ${token}` } : undefined;
	const res = await server.api('/api/queue', { method: 'POST', json: { url }, headers: as });
	expect(res.status).toBe(201);
	const item = Item.parse(await res.json());
	let done: { status: string; createdAt: string; finishedAt: string };
	for (;;) {
		done = await (await server.api(`/api/queue/${item.id}`, { headers: as })).json();
		if (done.status === 'success') break;
		expect(['pending', 'in_progress']).toContain(done.status);
		await new Promise((r) => setTimeout(r, 20));
	}
	const batch = await batchOf(server, batchId);
	expect(batch.progress.waiting).toBeGreaterThan(0);
	return Date.parse(done.finishedAt) - Date.parse(done.createdAt);
}
