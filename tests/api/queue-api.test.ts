import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ItemDetail, ItemList, Item, MAX_SHARE_BODY_BYTES } from '../../src/lib/contract/queue';
import { expectError } from '../helpers/api-error';
import { html, startHttpServer } from '../helpers/http-server';
import { recipePage } from '../helpers/recipe-page';
import { serverStorage, startServer, waitForItem, type ServerProcess, type ServerStorage } from '../helpers/server';

let site: Awaited<ReturnType<typeof startHttpServer>>;
let storage: ServerStorage;
let server: ServerProcess;
let idleStorage: ServerStorage;
/** The web app alone, QUEUE_PROCESSING_ENABLED=false: items stay pending, which dedupe tests need. */
let idle: ServerProcess;

beforeAll(async () => {
	site = await startHttpServer({
		'/pie': html(
			recipePage("Grandma's Apple Pie", '<meta property="og:image" content="/img/pie.jpg"><meta name="description" content="Flaky and sweet.">')
		),
		'/missing': (_q, res) => res.writeHead(404, { 'content-type': 'text/html' }).end('nope')
	});
	[storage, idleStorage] = await Promise.all([serverStorage(), serverStorage()]);
	[server, idle] = await Promise.all([startServer(storage), startServer(idleStorage, { QUEUE_PROCESSING_ENABLED: 'false' })]);
	await Promise.all([server.signUp(), idle.signUp()]);
});

afterAll(async () => {
	await Promise.all([server?.stop(), idle?.stop()]);
	await Promise.all([storage?.cleanup(), idleStorage?.cleanup(), site?.close()]);
});


describe('a shared link runs through the pipeline', () => {
	it('extraction → parsing → uploading to success, with phase times and one attempt per phase', async () => {
		const res = await server.api('/api/queue', { method: 'POST', json: { url: `${site.origin}/pie` } });
		expect(res.status).toBe(201);
		const created = Item.parse(await res.json());
		expect(res.headers.get('location')).toBe(`/api/queue/${created.id}`);
		expect(created.phases.map((p) => p.name)).toEqual(['extraction', 'parsing', 'uploading']);

		const done = ItemDetail.parse(await waitForItem(server, created.id, (i) => i.status === 'success'));
		expect(done.error).toBeNull();
		expect(done.results).toMatchObject({ title: "Grandma's Apple Pie", image: `${site.origin}/img/pie.jpg` });
		for (const phase of done.phases) {
			expect(phase).toMatchObject({ status: 'completed', progress: 100, attempts: 1 });
			expect(Date.parse(phase.completedAt!)).toBeGreaterThanOrEqual(Date.parse(phase.startedAt!));
		}
		expect(done.attempts.map((a) => [a.phase, a.number, a.outcome])).toEqual([
			['extraction', 1, 'completed'],
			['parsing', 1, 'completed'],
			['uploading', 1, 'completed']
		]);
		for (const a of done.attempts) expect(a.durationMs).toBeGreaterThanOrEqual(0);
		expect(done.finishedAt).not.toBeNull();
	});

	it('takes the link from `text` the way Android share sheets send it', async () => {
		const res = await server.api('/api/queue', {
			method: 'POST',
			json: { title: 'Pie!', text: `Look at this pie ${site.origin}/pie?from=android. So good` }
		});
		expect(res.status).toBe(201);
		const item = Item.parse(await res.json());
		expect(item.url).toBe(`${site.origin}/pie?from=android`);
		expect(item.title).toBe('Pie!');
		await waitForItem(server, item.id, (i) => i.status === 'success');
	});

	it('a 404 page fails permanently at once, with a message for the person', async () => {
		const res = await server.api('/api/queue', { method: 'POST', json: { url: `${site.origin}/missing` } });
		const item = Item.parse(await res.json());
		const failed = ItemDetail.parse(await waitForItem(server, item.id, (i) => i.status === 'error'));
		expect(failed.error).toMatchObject({ kind: 'permanent', code: 'http_404' });
		expect(failed.error!.message).toMatch(/does not exist/);
		expect(failed.phases.map((p) => p.status)).toEqual(['error', 'pending', 'pending']);
		expect(failed.attempts).toHaveLength(1);

		// Retry is allowed from error; it runs again (and fails again, the page is still gone).
		const retried = await server.api(`/api/queue/${item.id}/retry`, { method: 'POST' });
		expect(retried.status).toBe(200);
		const again = ItemDetail.parse(await waitForItem(server, item.id, (i) => i.status === 'error' && (i as ItemDetail).attempts.length === 2));
		expect(again.attempts.map((a) => a.number)).toEqual([1, 1]);
	});

	it('reports liveness and readiness', async () => {
		const health = await (await server.api('/api/health')).json();
		expect(health).toMatchObject({ ok: true });
		expect(typeof health.worker).toBe('string');
		const ready = await server.api('/api/ready');
		expect(ready.status).toBe(200);
		expect(await ready.json()).toMatchObject({ ok: true });
	});
});

describe('enqueue is idempotent', () => {
	it('the same link while it is still active answers 200 with the same item and duplicate:true', async () => {
		const first = await idle.api('/api/queue', { method: 'POST', json: { url: 'https://example.com/recipes/soup' } });
		expect(first.status).toBe(201);
		const a = Item.parse(await first.json());
		for (const variant of ['https://www.example.com/recipes/soup/', 'https://example.com/recipes/soup?utm_source=ig#top']) {
			const again = await idle.api('/api/queue', { method: 'POST', json: { text: `try ${variant}` } });
			expect(again.status).toBe(200);
			const b = await again.json();
			expect(b).toMatchObject({ id: a.id, duplicate: true });
		}
	});

	it('concurrent shares of one link create exactly one item', async () => {
		const answers = await Promise.all(
			Array.from({ length: 8 }, () => idle.api('/api/queue', { method: 'POST', json: { url: 'https://example.com/race' } }))
		);
		const bodies = await Promise.all(answers.map((r) => r.json()));
		expect(answers.filter((r) => r.status === 201)).toHaveLength(1);
		expect(new Set(bodies.map((b) => b.id)).size).toBe(1);
	});

	it('a repeated Idempotency-Key returns the same item; reusing it for another link is refused', async () => {
		const headers = { 'idempotency-key': 'share-42' };
		const first = await idle.api('/api/queue', { method: 'POST', headers, json: { url: 'https://example.com/k' } });
		expect(first.status).toBe(201);
		const { id } = await first.json();
		// Cancel it, so only the key (not the active-URL rule) can make the repeat match.
		expect((await idle.api(`/api/queue/${id}/cancel`, { method: 'POST' })).status).toBe(200);
		const repeat = await idle.api('/api/queue', { method: 'POST', headers, json: { url: 'https://example.com/k' } });
		expect(repeat.status).toBe(200);
		expect(repeat.headers.get('idempotent-replayed')).toBe('true');
		expect(await repeat.json()).toMatchObject({ id, status: 'canceled', duplicate: true });
		await expectError(await idle.api('/api/queue', { method: 'POST', headers, json: { url: 'https://example.com/other' } }), 422, 'idempotency_key_reused');
		await expectError(
			await idle.api('/api/queue', { method: 'POST', headers: { 'idempotency-key': 'x'.repeat(300) }, json: { url: 'https://example.com/z' } }),
			400,
			'invalid_idempotency_key'
		);
	});

	it('a link whose earlier item finished is queued again as a new item', async () => {
		const first = Item.parse(await (await idle.api('/api/queue', { method: 'POST', json: { url: 'https://example.com/again' } })).json());
		await idle.api(`/api/queue/${first.id}/cancel`, { method: 'POST' });
		const second = await idle.api('/api/queue', { method: 'POST', json: { url: 'https://example.com/again' } });
		expect(second.status).toBe(201);
		expect((await second.json()).id).not.toBe(first.id);
		// Retrying the first now would make two active items for one link.
		await expectError(await idle.api(`/api/queue/${first.id}/retry`, { method: 'POST' }), 409, 'duplicate_active');
	});
});

describe('listing, cancel, retry and delete', () => {
	it('lists newest first with filters and pagination', async () => {
		for (const n of [1, 2, 3]) await idle.api('/api/queue', { method: 'POST', json: { url: `https://example.com/list/${n}` } });
		const page = ItemList.parse(await (await idle.api('/api/queue?limit=2&offset=0&status=pending')).json());
		expect(page.items).toHaveLength(2);
		expect(page.hasMore).toBe(true);
		expect(page.items.every((i) => i.status === 'pending')).toBe(true);
		expect(page.items[0]!.url).toBe('https://example.com/list/3');
		const rest = ItemList.parse(await (await idle.api(`/api/queue?limit=100&offset=2&status=pending`)).json());
		expect(rest.hasMore).toBe(false);
		expect(rest.total).toBe(page.total);
		expect(page.items.length + rest.items.length).toBe(page.total);
		const canceled = ItemList.parse(await (await idle.api('/api/queue?status=canceled,error')).json());
		expect(canceled.items.every((i) => i.status === 'canceled' || i.status === 'error')).toBe(true);
		// The cursor gives the same next page as the offset did.
		const byCursor = ItemList.parse(await (await idle.api(`/api/queue?limit=100&status=pending&cursor=${page.nextCursor}`)).json());
		expect(byCursor.items.map((i) => i.id)).toEqual(rest.items.map((i) => i.id));
		expect(byCursor.nextCursor).toBeNull();
		await expectError(await idle.api('/api/queue?cursor=not-ours'), 400, 'invalid_cursor');
	});

	it('cancel is allowed while active, retry only after; both answer 409 otherwise', async () => {
		const { id } = await (await idle.api('/api/queue', { method: 'POST', json: { url: 'https://example.com/states' } })).json();
		await expectError(await idle.api(`/api/queue/${id}/retry`, { method: 'POST' }), 409, 'invalid_state');
		const canceled = await idle.api(`/api/queue/${id}/cancel`, { method: 'POST' });
		expect(canceled.status).toBe(200);
		expect((await canceled.json()).status).toBe('canceled');
		await expectError(await idle.api(`/api/queue/${id}/cancel`, { method: 'POST' }), 409, 'invalid_state');
		const retried = await idle.api(`/api/queue/${id}/retry`, { method: 'POST' });
		expect(retried.status).toBe(200);
		expect((await retried.json()).status).toBe('pending');
	});

	it('DELETE answers 204, after which the item is gone', async () => {
		const { id } = await (await idle.api('/api/queue', { method: 'POST', json: { url: 'https://example.com/delete-me' } })).json();
		const res = await idle.api(`/api/queue/${id}`, { method: 'DELETE' });
		expect(res.status).toBe(204);
		expect(await res.text()).toBe('');
		await expectError(await idle.api(`/api/queue/${id}`), 404, 'not_found');
		await expectError(await idle.api(`/api/queue/${id}`, { method: 'DELETE' }), 404, 'not_found');
	});

	it('the web app runs without a worker when processing is disabled', async () => {
		expect(await (await idle.api('/api/health')).json()).toMatchObject({ ok: true, worker: null });
	});
});

describe('bad input gets a clear 4xx in JSON, never a 500', () => {
	const missing = '00000000-0000-4000-8000-000000000000';
	const post = (json: unknown) => idle.api('/api/queue', { method: 'POST', json });

	it('POST /api/queue', async () => {
		await expectError(await idle.api('/api/queue', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{oops' }), 400, 'invalid_json');
		await expectError(await idle.api('/api/queue', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '' }), 400, 'invalid_json');
		await expectError(await idle.api('/api/queue', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'https://example.com' }), 415, 'unsupported_media_type');
		await expectError(await idle.api('/api/queue', { method: 'POST', body: 'url=https://example.com', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: idle.origin } }), 415, 'unsupported_media_type');
		await expectError(
			await idle.api('/api/queue', { method: 'POST', body: 'url=https://example.com', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' } }),
			403,
			'cross_site_request'
		);
		const invalid = await expectError(await post([1, 2]), 400, 'validation_failed');
		expect(invalid.error.issues?.length).toBeGreaterThan(0);
		const typed = await expectError(await post({ url: 42 }), 400, 'validation_failed');
		expect(typed.error.issues?.[0]?.path).toBe('url');
		await expectError(await post({}), 422, 'no_link');
		await expectError(await post({ text: ' … !! \n ' }), 422, 'no_link');
		await expectError(await post({ url: 'javascript:alert(1)' }), 422, 'no_link');
		await expectError(await post({ url: 'ftp://example.com/x' }), 422, 'no_link');
		await expectError(await post({ url: 'https://example.com/' + 'a'.repeat(5000) }), 400, 'validation_failed');
		await expectError(await post({ text: 'x'.repeat(70_000) }), 400, 'validation_failed');
		await expectError(await post({ text: 'x'.repeat(MAX_SHARE_BODY_BYTES) }), 413, 'payload_too_large');
	});

	it('a body over the limit is 413 JSON however it is sent: streamed without a length, or as a form', async () => {
		// Chunked, past the route's own cap (3 MiB, for a page's HTML): it used to end as a 400 "could not be read".
		const chunked = await new Promise<{ status?: number; body: string }>((resolve, reject) => {
			const token = idle.token!;
			const req = http.request(`${idle.origin}/api/queue`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` } }, (res) => {
				let body = '';
				res.on('data', (d) => (body += d)).on('end', () => resolve({ status: res.statusCode, body }));
			});
			req.on('error', reject);
			for (let i = 0; i < 50; i++) req.write(' '.repeat(64 * 1024));
			req.end();
		});
		expect(chunked.status).toBe(413);
		expect(JSON.parse(chunked.body).error.code).toBe('payload_too_large');
		const form = await idle.api('/login', {
			method: 'POST',
			// Past the server's whole-body limit (BODY_SIZE_LIMIT, 21 MB): refused before the action.
			body: new URLSearchParams({ username: 'x'.repeat(22 * 1024 * 1024), password: 'x' }),
			headers: { origin: idle.origin },
			auth: false
		});
		expect([form.status, form.headers.get('content-type')]).toEqual([413, 'application/json']);
	});

	it('GET /api/queue', async () => {
		for (const q of ['limit=0', 'limit=101', 'limit=abc', 'offset=-1', 'status=bogus', 'status=pending,nope', 'batch=not-a-uuid']) {
			await expectError(await idle.api(`/api/queue?${q}`), 400, 'validation_failed');
		}
	});

	it('item routes', async () => {
		for (const id of [missing, 'not-a-uuid', "1' or '1'='1"]) {
			await expectError(await idle.api(`/api/queue/${encodeURIComponent(id)}`), 404, 'not_found');
			await expectError(await idle.api(`/api/queue/${encodeURIComponent(id)}`, { method: 'DELETE' }), 404, 'not_found');
			await expectError(await idle.api(`/api/queue/${encodeURIComponent(id)}/retry`, { method: 'POST' }), 404, 'not_found');
			await expectError(await idle.api(`/api/queue/${encodeURIComponent(id)}/cancel`, { method: 'POST' }), 404, 'not_found');
		}
	});

	it('wrong methods and unknown paths', async () => {
		const res = await idle.api('/api/queue', { method: 'PUT' });
		await expectError(res, 405, 'method_not_allowed');
		expect(res.headers.get('allow')).toBe('GET, POST');
		await expectError(await idle.api(`/api/queue/${missing}`, { method: 'POST' }), 405, 'method_not_allowed');
		await expectError(await idle.api(`/api/queue/${missing}/retry`), 405, 'method_not_allowed');
		await expectError(await idle.api(`/api/queue/${missing}/cancel`, { method: 'DELETE' }), 405, 'method_not_allowed');
		await expectError(await idle.api('/api/health', { method: 'POST' }), 405, 'method_not_allowed');
		await expectError(await idle.api('/api/ready', { method: 'DELETE' }), 405, 'method_not_allowed');
		await expectError(await idle.api('/api/nothing/here'), 404, 'not_found');
	});

	it('survived all of it', async () => {
		expect((await idle.api('/api/ready')).status).toBe(200);
		expect(idle.logs()).not.toMatch(/request failed|unhandled error/);
	});
});
