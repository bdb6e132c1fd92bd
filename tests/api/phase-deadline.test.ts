import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ItemDetail } from '../../src/lib/contract/queue';
import { deferred } from '../helpers/deferred';
import { html, startHttpServer } from '../helpers/http-server';
import { recipePage } from '../helpers/recipe-page';
import { serverStorage, startServer, waitForItem, type ServerProcess, type ServerStorage } from '../helpers/server';

/** A peer that takes every request and never answers; says when all it took were hung up on. */
async function startHangingPeer() {
	let open = 0;
	let taken = 0;
	let allClosed = deferred();
	const server = http.createServer((req) => {
		taken++;
		open++;
		req.socket.once('close', () => {
			if (--open === 0) allClosed.resolve();
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
		get taken() {
			return taken;
		},
		/** Resolves once no request is left open (the app hung up on every one). */
		hungUp() {
			const done = allClosed.promise;
			if (open === 0) allClosed.resolve();
			allClosed = deferred();
			return done;
		},
		close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve())))
	};
}

const DEADLINE_MS = 2_000;
let peer: Awaited<ReturnType<typeof startHangingPeer>>;
let site: Awaited<ReturnType<typeof startHttpServer>>;
let storage: ServerStorage;
let server: ServerProcess;

beforeAll(async () => {
	peer = await startHangingPeer();
	site = await startHttpServer({ '/soup': html(recipePage('Leek Soup')) });
	storage = await serverStorage();
	// One slot, two attempts, no backoff; the fetch's own limits far beyond the phase's deadline.
	server = await startServer(storage, {
		QUEUE_CONCURRENCY: '1',
		QUEUE_TIMEOUT_MS: String(DEADLINE_MS),
		QUEUE_RETRY_ATTEMPTS: '2',
		QUEUE_BACKOFF_BASE_MS: '0',
		FETCH_TIMEOUT_MS: '600000',
		FETCH_CONNECT_TIMEOUT_MS: '600000',
		SECRET_KEY: 'k'.repeat(40)
	});
	await server.signUp();
});

afterAll(async () => {
	await server?.stop();
	await Promise.all([storage?.cleanup(), site?.close(), peer?.close()]);
});

const share = async (url: string) => {
	const res = await server.api('/api/queue', { method: 'POST', json: { url } });
	expect(res.status).toBe(201);
	return ((await res.json()) as { id: string }).id;
};

function expectTimedOut(item: ItemDetail, phase: string) {
	expect(item.status).toBe('dead');
	expect(item.error).toMatchObject({ kind: 'retryable', code: 'timeout', message: 'timed out after 2 s' });
	expect(item.attempts.filter((a) => a.phase === phase).map((a) => [a.phase, a.outcome, a.message])).toEqual([
		[phase, 'failed', 'timed out after 2 s'],
		[phase, 'failed', 'timed out after 2 s']
	]);
}

describe('a phase waiting on a peer that never answers', () => {
	it('a page that never comes is timed out and hung up on, and the one slot serves the next item', async () => {
		const hanging = await share(`${peer.origin}/page`);
		const next = await share(`${site.origin}/soup`);
		expectTimedOut(await waitForItem<ItemDetail>(server, hanging, (i) => i.status === 'dead'), 'extraction');
		expect(peer.taken).toBe(2);
		await peer.hungUp();
		expect((await waitForItem<ItemDetail>(server, next, (i) => i.status === 'success')).results).toMatchObject({ title: 'Leek Soup' });
	});

	it('an upload the recipe manager never answers is timed out and hung up on', async () => {
		const saved = await server.api('/api/targets', { method: 'PUT', json: { kind: 'tandoor', baseUrl: peer.origin, token: 'tda_0123456789abcdef' } });
		expect(saved.status).toBe(200);
		const before = peer.taken;
		const id = await share(`${site.origin}/soup?again`);
		expectTimedOut(await waitForItem<ItemDetail>(server, id, (i) => i.status === 'dead'), 'uploading');
		expect(peer.taken).toBe(before + 2);
		await peer.hungUp();
	});
});
