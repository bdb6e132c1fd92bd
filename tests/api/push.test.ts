import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { html, startHttpServer } from '../helpers/http-server';
import { recipePage } from '../helpers/recipe-page';
import { browserSubscription, startPushService, verifyVapid } from '../helpers/push-service';
import { serverStorage, startServer, waitForItem, type ServerProcess, type ServerStorage } from '../helpers/server';

let site: Awaited<ReturnType<typeof startHttpServer>>;
let push: Awaited<ReturnType<typeof startPushService>>;
let storage: ServerStorage;
let server: ServerProcess;
let env: Record<string, string>;
let token: string;
const BULK = 20;
const held: Array<() => void> = [];

beforeAll(async () => {
	const cake = html(recipePage('Carrot Cake'));
	site = await startHttpServer({
		'/cake': cake,
		'/gone': (_q, res) => res.writeHead(404).end(),
		// Holds each fetch until all of a bulk import's are waiting, then answers them together.
		'/bulk-cake': (req, res) => {
			held.push(() => cake(req, res));
			if (held.length === BULK) held.splice(0).forEach((answer) => answer());
		}
	});
	push = await startPushService();
	storage = await serverStorage();
	// The push service's certificate is trusted the way an admin would do it: no code change.
	env = { NODE_EXTRA_CA_CERTS: push.certFile, VAPID_SUBJECT: 'mailto:admin@cookmark.test', PUSH_COALESCE_MS: '300' };
	server = await startServer(storage, env);
	token = (await server.signUp()).token;
});

afterAll(async () => {
	await server?.stop();
	await Promise.all([storage?.cleanup(), site?.close(), push?.close()]);
});

async function subscribe(name: string, as: ServerProcess = server) {
	const device = browserSubscription(`${push.origin}/push/${name}`);
	const res = await as.api('/api/notifications/subscribe', {
		method: 'POST',
		json: { subscription: device.json },
		headers: { 'user-agent': 'Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/130.0 Mobile Safari/537.36' }
	});
	expect(res.status).toBe(201);
	expect((await res.json()).device).toBe('Chrome on Android');
	return device;
}

async function devices(): Promise<string[]> {
	return (await (await server.api('/api/notifications/devices')).json()).devices.map((d: { device: string; id: string }) => d.id);
}

const enqueue = async (url: string) => (await (await server.api('/api/queue', { method: 'POST', json: { url } })).json()).id as string;

describe('web push', () => {
	it('keeps one VAPID key pair, stored once and the same after a restart', async () => {
		const first = await (await server.api('/api/notifications/vapid-key')).json();
		expect(Buffer.from(first.publicKey, 'base64url')).toHaveLength(65);
		// One process at a time on an embedded database: stop, then start again on the same data.
		expect(await server.stop()).toBe(0);
		server = await startServer(storage, env);
		server.token = token;
		expect(await (await server.api('/api/notifications/vapid-key')).json()).toEqual(first);
	});

	it('a saved recipe reaches the push service encrypted, with a valid VAPID signature', async () => {
		const phone = await subscribe('saved');
		const id = await enqueue(`${site.origin}/cake`);
		await waitForItem(server, id, (i) => i.status === 'success');
		const request = await push.next((r) => r.path === '/push/saved');

		expect(request.headers['content-encoding']).toBe('aes128gcm');
		expect(Number(request.headers.ttl)).toBe(24 * 3600);
		expect(request.headers.urgency).toBe('normal');
		expect(phone.decrypt(request.body)).toEqual({
			kind: 'item',
			title: 'Recipe saved: Carrot Cake',
			body: 'From 127.0.0.1',
			url: `/?highlight=${id}`,
			tag: `item-${id}`,
			image: null,
			itemId: id,
			actions: [{ action: 'open', title: 'Open' }]
		});

		const { publicKey } = await (await server.api('/api/notifications/vapid-key')).json();
		const vapid = verifyVapid(request.headers.authorization as string, push.origin);
		expect(vapid).toMatchObject({ valid: true, alg: 'ES256', audienceOk: true, sub: 'mailto:admin@cookmark.test', publicKey });
		const now = Date.now() / 1000;
		expect(vapid.exp).toBeGreaterThan(now);
		expect(vapid.exp).toBeLessThanOrEqual(now + 24 * 3600);
		await server.api('/api/notifications/subscribe', { method: 'DELETE', json: { endpoint: phone.json.endpoint } });
	});

	it('a failure says what went wrong and offers Retry', async () => {
		const phone = await subscribe('failed');
		const id = await enqueue(`${site.origin}/gone`);
		await waitForItem(server, id, (i) => i.status === 'error');
		const request = await push.next((r) => r.path === '/push/failed');
		expect(request.headers.urgency).toBe('high');
		expect(phone.decrypt(request.body)).toMatchObject({
			kind: 'item',
			title: "Couldn't import 127.0.0.1",
			body: expect.stringMatching(/does not exist \(404\)/),
			itemId: id,
			actions: [{ action: 'retry', title: 'Retry' }]
		});
		await server.api('/api/notifications/subscribe', { method: 'DELETE', json: { endpoint: phone.json.endpoint } });
	});

	it('410 Gone and 404 delete the subscription', async () => {
		push.script('/push/gone410', [{ status: 410 }]);
		push.script('/push/gone404', [{ status: 404 }]);
		await subscribe('gone410');
		await subscribe('gone404');
		expect((await devices()).length).toBe(2);
		const test = await (await server.api('/api/notifications/test', { method: 'POST' })).json();
		expect(test.devices).toBe(2);
		await push.next((r) => r.path === '/push/gone410');
		await push.next((r) => r.path === '/push/gone404');
		const deadline = Date.now() + 5_000;
		while ((await devices()).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
		expect(await devices()).toEqual([]);
	});

	it('429 with Retry-After is tried again after the wait', async () => {
		push.script('/push/busy', [{ status: 429, headers: { 'retry-after': '1' } }]);
		const phone = await subscribe('busy');
		await server.api('/api/notifications/test', { method: 'POST' });
		const first = await push.next((r) => r.path === '/push/busy');
		const second = await push.next((r) => r.path === '/push/busy' && r !== first, 10_000);
		expect(push.requests.indexOf(second)).toBeGreaterThan(push.requests.indexOf(first));
		expect(phone.decrypt(second.body)).toMatchObject({ kind: 'test' });
		await server.api('/api/notifications/subscribe', { method: 'DELETE', json: { endpoint: phone.json.endpoint } });
	});

	it('a push service that never answers does not hold up the item', async () => {
		push.script('/push/stuck', ['hang', 'hang', 'hang', 'hang']);
		const stuck = await subscribe('stuck');
		const first = await enqueue(`${site.origin}/cake?1`);
		await waitForItem(server, first, (i) => i.status === 'success');
		await push.next((r) => r.path === '/push/stuck'); // the first delivery hangs from here on
		// The next item runs and finishes while that delivery is still hanging.
		const second = await enqueue(`${site.origin}/cake?2`);
		await waitForItem(server, second, (i) => i.status === 'success');
		expect(push.requests.filter((r) => r.path === '/push/stuck')).toHaveLength(1);
		await server.api('/api/notifications/subscribe', { method: 'DELETE', json: { endpoint: stuck.json.endpoint } });
	});

	it('bad subscriptions are refused with a 400', async () => {
		const good = browserSubscription(`${push.origin}/push/x`).json;
		for (const subscription of [
			{ ...good, endpoint: 'http://127.0.0.1/push/plain' },
			{ ...good, endpoint: 'not a url' },
			{ ...good, keys: { ...good.keys, p256dh: 'short' } },
			{ ...good, keys: { ...good.keys, auth: Buffer.alloc(8).toString('base64url') } },
			{ endpoint: good.endpoint }
		]) {
			const res = await server.api('/api/notifications/subscribe', { method: 'POST', json: { subscription } });
			expect(res.status).toBe(400);
			expect((await res.json()).error.code).toBe('validation_failed');
		}
		expect((await server.api('/api/notifications/subscribe', { method: 'POST', json: { subscription: good }, auth: false })).status).toBe(401);
	});
});

describe('a bulk import', () => {
	let bulkStorage: ServerStorage;
	let bulk: ServerProcess;
	beforeAll(async () => {
		bulkStorage = await serverStorage();
		// All the import's fetches run at once and are answered together (/bulk-cake), so the items
		// finish within moments of each other however slow the machine; the window is wide besides.
		bulk = await startServer(bulkStorage, {
			...env,
			PUSH_COALESCE_MS: '5000',
			QUEUE_CONCURRENCY: String(BULK),
			FETCH_HOST_CONCURRENCY: String(BULK),
			FETCH_HOST_RATE_PER_MINUTE: '6000'
		});
		await bulk.signUp('baker');
	});
	afterAll(async () => {
		await bulk?.stop();
		await bulkStorage?.cleanup();
	});

	it('20 items finishing together make one summary per device, not a flood', async () => {
		const phone = await subscribe('bulk-phone', bulk);
		const laptop = await subscribe('bulk-laptop', bulk);
		const ids: string[] = [];
		for (let i = 0; i < BULK; i++) ids.push((await (await bulk.api('/api/queue', { method: 'POST', json: { url: `${site.origin}/bulk-cake?n=${i}` } })).json()).id);
		for (const id of ids) await waitForItem(bulk, id, (i) => i.status === 'success');
		const toPhone = await push.next((r) => r.path === '/push/bulk-phone', 15_000);
		const toLaptop = await push.next((r) => r.path === '/push/bulk-laptop', 15_000);
		for (const [device, request] of [[phone, toPhone], [laptop, toLaptop]] as const) {
			expect(device.decrypt(request.body)).toEqual({ kind: 'summary', title: '20 recipes saved', body: 'Tap to see them.', url: '/', tag: 'summary' });
		}
		expect(push.requests.filter((r) => r.path.startsWith('/push/bulk-'))).toHaveLength(2);
	});

	it('a batch from the import page gets one notification when it ends, and its items none of their own', async () => {
		const phone = await subscribe('batch-phone', bulk);
		const links = [`${site.origin}/cake?batch=1`, `${site.origin}/cake?batch=2`, `${site.origin}/gone`].join('\n');
		const res = await bulk.api('/api/batches', { method: 'POST', json: { text: links, label: 'Weekend baking' } });
		expect(res.status).toBe(201);
		const batch = await res.json();
		const request = await push.next((r) => r.path === '/push/batch-phone', 20_000);
		expect(phone.decrypt(request.body)).toEqual({
			kind: 'batch',
			title: '2 recipes saved, 1 failed',
			body: 'Import “Weekend baking” finished. Tap to see what failed.',
			url: `/imports/${batch.id}`,
			tag: `batch-${batch.id}`
		});
		expect(request.headers.urgency).toBe('high');
		const items = (await (await bulk.api(`/api/queue?batch=${batch.id}`)).json()).items as Array<{ status: string }>;
		expect(items.map((i) => i.status).sort()).toEqual(['error', 'success', 'success']);
		// A single share after it is announced alone: had the batch's items been gathered for
		// notifications of their own, they would go out with it (a summary of four), or before it.
		const single = (await (await bulk.api('/api/queue', { method: 'POST', json: { url: `${site.origin}/cake?single=1` } })).json()).id;
		await waitForItem(bulk, single, (i) => i.status === 'success');
		const next = await push.next((r) => r.path === '/push/batch-phone' && r !== request, 20_000);
		expect(phone.decrypt(next.body)).toMatchObject({ kind: 'item', title: 'Recipe saved: Carrot Cake', itemId: single });
		expect(push.requests.filter((r) => r.path === '/push/batch-phone')).toHaveLength(2);
	});
});
