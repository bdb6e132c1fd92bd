import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import { Client } from 'undici';
import { ApiError } from '../../src/lib/contract/errors';
import { serverStorage, startServer, type ServerProcess, type ServerStorage } from '../helpers/server';

let storage: ServerStorage;
let server: ServerProcess;
let auth: Record<string, string>;

beforeAll(async () => {
	storage = await serverStorage();
	server = await startServer(storage, { QUEUE_PROCESSING_ENABLED: 'false' });
	const { token } = await server.signUp();
	auth = { authorization: `Bearer ${token}` };
});

afterAll(async () => {
	await server?.stop();
	await storage?.cleanup();
});

/** One kept-alive connection: a reset fails the request on it instead of quietly opening another. */
async function onOneConnection(run: (client: Client) => Promise<void>) {
	const client = new Client(server.origin, { pipelining: 1 });
	const connections: number[] = [];
	client.on('connect', () => connections.push(Date.now()));
	try {
		await run(client);
	} finally {
		await client.close();
	}
	expect(connections).toHaveLength(1);
}

async function getUsersThrice(client: Client) {
	for (let i = 0; i < 3; i++) {
		const res = await client.request({ path: '/api/users', method: 'GET', headers: auth });
		expect(res.statusCode).toBe(200);
		await res.body.json();
	}
}

async function errorCode(res: Awaited<ReturnType<Client['request']>>) {
	return ApiError.parse(await res.body.json()).error.code;
}

describe('a body answered without being read does not break the connection it came on', () => {
	it('415 for a 200 KB text/plain share, then more requests on the same connection', async () => {
		await onOneConnection(async (client) => {
			const res = await client.request({
				path: '/api/queue',
				method: 'POST',
				headers: { ...auth, 'content-type': 'text/plain' },
				body: 'x'.repeat(200_000)
			});
			expect(res.statusCode).toBe(415);
			expect(await errorCode(res)).toBe('unsupported_media_type');
			await getUsersThrice(client);
		});
	});

	it('413 for a JSON body over the limit, declared or sent in chunks with no length', async () => {
		await onOneConnection(async (client) => {
			// A route with readJson's own 64 KiB limit (the queue takes more, for a page's HTML).
			const big = JSON.stringify({ endpoint: 'y'.repeat(300_000) });
			const declared = await client.request({ path: '/api/notifications/subscribe', method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: big });
			expect(declared.statusCode).toBe(413);
			expect(await errorCode(declared)).toBe('payload_too_large');
			await getUsersThrice(client);

			// No content-length: the server can only count as it reads (past SvelteKit's own 512 KB limit too).
			for (const size of [100_000, 2_000_000]) {
				const chunked = await client.request({
					path: '/api/notifications/subscribe',
					method: 'POST',
					headers: { ...auth, 'content-type': 'application/json' },
					body: Readable.from(
						(function* () {
							for (let sent = 0; sent < size; sent += 10_000) yield Buffer.from('z'.repeat(10_000));
						})()
					)
				});
				expect(chunked.statusCode).toBe(413);
				expect(await errorCode(chunked)).toBe('payload_too_large');
				await getUsersThrice(client);
			}
		});
	});

	it('a cross-site form post refused by a page, then more requests on the same connection', async () => {
		await onOneConnection(async (client) => {
			const res = await client.request({
				path: '/login',
				method: 'POST',
				headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' },
				body: 'username=' + 'a'.repeat(200_000)
			});
			expect(res.statusCode).toBe(403);
			await res.body.text();
			await getUsersThrice(client);
		});
	});

	it("SvelteKit's own 308 (a trailing slash, answered before any hook) to a 450 KB body, then more requests on the same connection", async () => {
		await onOneConnection(async (client) => {
			const res = await client.request({
				path: '/api/?limit=1',
				method: 'PATCH',
				headers: { ...auth, 'content-type': 'application/json' },
				body: JSON.stringify({ text: 'x'.repeat(450_000) })
			});
			expect(res.statusCode).toBe(308);
			await res.body.text();
			await getUsersThrice(client);
		});
	});
});

describe('security headers', () => {
	const common = {
		'x-content-type-options': 'nosniff',
		'x-frame-options': 'DENY',
		'referrer-policy': 'same-origin',
		'cross-origin-opener-policy': 'same-origin'
	};

	function directives(res: Response): Map<string, string[]> {
		const csp = res.headers.get('content-security-policy');
		expect(csp, `${res.url} has a Content-Security-Policy`).toBeTruthy();
		return new Map(csp!.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name!, values]));
	}

	function expectCommon(res: Response) {
		for (const [name, value] of Object.entries(common)) expect(res.headers.get(name), `${name} on ${res.url}`).toBe(value);
		expect(res.headers.get('permissions-policy')).toMatch(/camera=\(\)/);
		expect(directives(res).get('frame-ancestors')).toEqual(["'none'"]);
	}

	it('pages: a policy whose only inline scripts are the ones SvelteKit wrote, each with its nonce', async () => {
		const { cookie } = await server.signUp();
		const pages = [...['/login', '/signup'].map((path) => ({ path, cookie: '' })), ...['/', '/recipes', '/settings', '/no-such-page'].map((path) => ({ path, cookie }))];
		for (const { path, cookie } of pages) {
			const res = await server.api(path, { headers: cookie ? { cookie } : {}, auth: false });
			expect([200, 404], path).toContain(res.status);
			expectCommon(res);
			const policy = directives(res);
			const scripts = policy.get('script-src')!;
			expect(scripts).not.toContain("'unsafe-inline'");
			expect(scripts).not.toContain("'unsafe-eval'");
			expect(policy.get('object-src')).toEqual(["'none'"]);
			expect(policy.get('base-uri')).toEqual(["'self'"]);
			const nonce = scripts.find((s) => s.startsWith("'nonce-"))?.slice(7, -1);
			expect(nonce, `${path} allows its inline script by nonce`).toBeTruthy();
			const html = await res.text();
			const inline = [...html.matchAll(/<script\b([^>]*)>/g)].map((m) => m[1] ?? '').filter((a) => !/\bsrc=/.test(a));
			expect(inline.length, `${path} has SvelteKit's start-up script`).toBeGreaterThan(0);
			for (const attributes of inline) expect(attributes, path).toContain(`nonce="${nonce}"`);
		}
	});

	it('API answers, errors, redirects and the event stream: a policy that allows nothing', async () => {
		const answers = [
			await server.api('/api/health'),
			await server.api('/api/queue'),
			await server.api('/api/queue/not-an-id'),
			await server.api('/api/users', { auth: false }),
			await server.api('/api/queue', { method: 'POST', json: { url: 'not a url' } }),
			await server.api('/settings', { auth: false })
		];
		expect(answers.map((r) => r.status)).toEqual([200, 200, 404, 401, 422, 303]);
		const controller = new AbortController();
		const stream = await server.api('/api/queue/stream', { signal: controller.signal });
		expect(stream.headers.get('content-type')).toMatch(/text\/event-stream/);
		answers.push(stream);
		for (const res of answers) {
			expectCommon(res);
			expect(directives(res).get('default-src')).toEqual(["'none'"]);
		}
		controller.abort();
	});
});
