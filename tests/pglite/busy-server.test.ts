import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from 'undici';
import { serverStorage, startServer, type ServerProcess, type ServerStorage } from '../helpers/server';

/**
 * A share must never be lost because the server is busy. Pages that take the extractor a while
 * (a shop page with thousands of tiles and no structured data) are processed eight at a time in
 * the web process, which holds its event loop now and then — the embedded database and the web
 * server share it. Meanwhile a client keeps sharing and listing on one kept-alive connection,
 * with pauses near the advertised keep-alive time, where a held loop used to get it reset.
 */
const PAGES = 30;
const tiles = Array.from({ length: 5_000 }, (_, i) => `<div class="tile"><span>Item</span><span>${i}</span><span>${(i % 9) + 1},99 €</span></div>`).join('');
const page = (n: number) =>
	`<html><head><title>Shop stew ${n}</title></head><body><h1>Shop stew ${n}</h1><h2>Ingredients</h2><ul><li>1 onion</li><li>2 carrots</li><li>500 g beef</li></ul><h2>Method</h2><ol><li>Brown the beef in a hot pan.</li><li>Add the vegetables and simmer for an hour.</li></ol><section>${tiles}</section></body></html>`;

let site: http.Server;
let siteOrigin: string;
let storage: ServerStorage;
let server: ServerProcess;

beforeAll(async () => {
	site = http.createServer((req, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page(Number(req.url!.split('/').pop()))));
	await new Promise<void>((r) => site.listen(0, '127.0.0.1', r));
	siteOrigin = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
	storage = await serverStorage();
	// A one-second keep-alive (adapter-node's KEEP_ALIVE_TIMEOUT) makes the window the client
	// aims for short, so the run needs only a few dozen requests.
	server = await startServer(storage, { QUEUE_CONCURRENCY: '8', FETCH_HOST_CONCURRENCY: '16', FETCH_HOST_RATE_PER_MINUTE: '6000', KEEP_ALIVE_TIMEOUT: '1' });
	await server.signUp();
});

afterAll(async () => {
	await server?.stop();
	await storage?.cleanup();
	site?.closeAllConnections();
	await new Promise((r) => site?.close(r));
});

describe('a busy server loses no request', () => {
	it(`${PAGES} heavy pages in the pipeline while a client shares and lists on a kept-alive connection`, async () => {
		const auth = { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' };
		// Reuses an idle connection for up to the advertised second, as browsers and fetch do.
		const client = new Client(server.origin, { pipelining: 1, keepAliveTimeoutThreshold: 0 });
		const failures: string[] = [];
		const ids: string[] = [];
		let n = 0;
		const share = async () => {
			const res = await client.request({ path: '/api/queue', method: 'POST', headers: auth, body: JSON.stringify({ url: `${siteOrigin}/p/${n++}` }) });
			const body = (await res.body.json()) as { id: string };
			if (res.statusCode !== 201) throw new Error(`share answered ${res.statusCode}`);
			ids.push(body.id);
		};
		const list = async () => {
			const res = await client.request({ path: '/api/queue?limit=100', method: 'GET', headers: auth });
			const body = (await res.body.json()) as { items: Array<{ status: string }> };
			if (res.statusCode !== 200) throw new Error(`list answered ${res.statusCode}`);
			return body.items;
		};
		const attempt = async <T>(what: () => Promise<T>) => what().catch((err: Error & { code?: string }) => void failures.push(err.code ?? err.message));

		for (let i = 0; i < PAGES; i++) await attempt(share);
		for (;;) {
			// Just inside the keep-alive window, where a held loop lands the server's idle timer first.
			await new Promise((r) => setTimeout(r, 700 + Math.random() * 300));
			if (n < PAGES + 20) await attempt(share);
			const items = await attempt(list);
			if (items && ids.length >= PAGES && items.every((i) => i.status === 'success' || i.status === 'error' || i.status === 'dead')) break;
		}
		await client.close();

		expect(failures).toEqual([]);
		const items = (await (await server.api('/api/queue?limit=100')).json()) as { items: Array<{ id: string; status: string }> };
		expect(items.items.map((i) => i.id).sort()).toEqual([...ids].sort()); // every share accepted is there
		expect(items.items.filter((i) => i.status !== 'success')).toEqual([]);
	}, 240_000);
});
