import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDbKind } from '../helpers/db';
import { serverStorage, sessionCookie, startServer, type ServerProcess, type ServerStorage } from '../helpers/server';

/**
 * Every route × {anonymous, user A, user B, A's API token, a revoked token}. Items stay pending
 * (no worker), so the states are known. Another user's id answers 404, never 403.
 */
let storage: ServerStorage;
/**
 * On PostgreSQL two app processes share the database behind one origin, as behind a load
 * balancer, and requests take turns between them: every session and token is made on one process
 * and used, revoked or ended on the other. PGlite is one process's database: one server.
 */
const servers: ServerProcess[] = [];
let turn = 0;
const server = { api: (...args: Parameters<ServerProcess['api']>) => servers[turn++ % servers.length]!.api(...args) };
const appOrigin = 'http://cookmark.test';

const pw = 'correct horse battery staple';
type Who = 'anon' | 'A' | 'B' | 'tokenA' | 'revoked';
const headersFor: Record<Who, Record<string, string>> = { anon: {}, A: {}, B: {}, tokenA: {}, revoked: {} };
let itemA: string;
let itemB: string;
let tokenIdA: string;
let userIdA: string;

async function call(who: Who, method: string, path: string, json?: unknown) {
	const res = await server.api(path, { method, headers: headersFor[who], auth: false, ...(json !== undefined ? { json } : {}) });
	const text = await res.text();
	let body: any = null;
	try {
		body = text ? JSON.parse(text) : null;
	} catch {
		body = text;
	}
	return { status: res.status, body, headers: res.headers };
}

async function enqueue(who: Who, url: string): Promise<string> {
	const res = await call(who, 'POST', '/api/queue', { url });
	expect(res.status).toBe(201);
	return res.body.id;
}

beforeAll(async () => {
	storage = await serverStorage();
	const env = { QUEUE_PROCESSING_ENABLED: 'false', ORIGIN: appOrigin };
	servers.push(await startServer(storage, env));
	if (testDbKind() === 'postgres') servers.push(await startServer(storage, env));

	const signup = await server.api('/api/auth/signup', { method: 'POST', json: { username: 'alice', password: pw }, auth: false });
	expect(signup.status).toBe(201);
	userIdA = (await signup.json()).user.id;
	headersFor.A = { cookie: sessionCookie(signup) };

	const madeB = await call('A', 'POST', '/api/users', { username: 'bob', password: pw });
	expect(madeB.status).toBe(201);
	const loginB = await server.api('/api/auth/login', { method: 'POST', json: { username: 'bob', password: pw }, auth: false });
	expect(loginB.status).toBe(200);
	headersFor.B = { cookie: sessionCookie(loginB) };

	const token = await call('A', 'POST', '/api/tokens', { name: 'matrix' });
	expect(token.status).toBe(201);
	tokenIdA = token.body.id;
	headersFor.tokenA = { authorization: `Bearer ${token.body.token}` };
	const doomed = await call('A', 'POST', '/api/tokens', { name: 'doomed' });
	expect((await call('A', 'DELETE', `/api/tokens/${doomed.body.id}`)).status).toBe(204);
	headersFor.revoked = { authorization: `Bearer ${doomed.body.token}` };

	itemA = await enqueue('A', 'https://example.com/a/1');
	itemB = await enqueue('B', 'https://example.com/b/1');
});

afterAll(async () => {
	await Promise.all(servers.map((s) => s.stop()));
	await storage?.cleanup();
});

function expectStatuses(results: Record<Who, { status: number }>, expected: Record<Who, number>) {
	const actual = Object.fromEntries(Object.entries(results).map(([who, r]) => [who, r.status]));
	expect(actual).toEqual(expected);
}

type Body = Record<string, unknown> | ((who: Who) => Record<string, unknown>);

/** The same request from each identity in turn. */
async function everyone(method: string, path: string, json?: Body) {
	const out = {} as Record<Who, Awaited<ReturnType<typeof call>>>;
	for (const who of ['anon', 'A', 'B', 'tokenA', 'revoked'] as Who[]) {
		out[who] = await call(who, method, path, typeof json === 'function' ? json(who) : json);
	}
	return out;
}

describe('who may call what', () => {
	it('GET /api/health and /api/ready are public (a bad token is still refused)', async () => {
		expectStatuses(await everyone('GET', '/api/health'), { anon: 200, A: 200, B: 200, tokenA: 200, revoked: 401 });
		expectStatuses(await everyone('GET', '/api/ready'), { anon: 200, A: 200, B: 200, tokenA: 200, revoked: 401 });
	});

	it('anonymous and revoked callers get a JSON 401 that says why', async () => {
		const anon = await call('anon', 'GET', '/api/queue');
		expect(anon.body.error.code).toBe('unauthorized');
		expect(anon.headers.get('www-authenticate')).toMatch(/^Bearer/);
		const revoked = await call('revoked', 'GET', '/api/queue');
		expect(revoked.body.error.code).toBe('invalid_token');
		const malformed = await server.api('/api/queue', { headers: { authorization: 'Basic YWxpY2U6cHc=' }, auth: false });
		expect(malformed.status).toBe(401);
		expect((await malformed.json()).error.code).toBe('bad_authorization');
	});

	it('GET /api/auth/session', async () => {
		const r = await everyone('GET', '/api/auth/session');
		expectStatuses(r, { anon: 401, A: 200, B: 200, tokenA: 200, revoked: 401 });
		expect(r.A.body).toMatchObject({ user: { username: 'alice', isAdmin: true }, via: 'session' });
		expect(r.B.body).toMatchObject({ user: { username: 'bob', isAdmin: false } });
		expect(r.tokenA.body).toMatchObject({ user: { username: 'alice' }, via: 'token' });
	});

	it('POST /api/queue puts the item in the caller\'s own queue', async () => {
		const r = await everyone('POST', '/api/queue', (who) => ({ url: `https://example.com/post/${who}` }));
		expectStatuses(r, { anon: 401, A: 201, B: 201, tokenA: 201, revoked: 401 });
		expect((await call('A', 'GET', `/api/queue/${r.tokenA.body.id}`)).status).toBe(200);
		expect((await call('B', 'GET', `/api/queue/${r.tokenA.body.id}`)).status).toBe(404);
	});

	it('GET /api/queue lists only the caller\'s items', async () => {
		const r = await everyone('GET', '/api/queue?limit=100');
		expectStatuses(r, { anon: 401, A: 200, B: 200, tokenA: 200, revoked: 401 });
		const ids = (who: Who) => r[who].body.items.map((i: { id: string }) => i.id);
		expect(ids('A')).toContain(itemA);
		expect(ids('A')).not.toContain(itemB);
		expect(ids('B')).toContain(itemB);
		expect(ids('B')).not.toContain(itemA);
		expect(ids('tokenA')).toEqual(ids('A'));
	});

	it('GET /api/queue/:id: another user\'s item does not exist for them', async () => {
		const r = await everyone('GET', `/api/queue/${itemA}`);
		expectStatuses(r, { anon: 401, A: 200, B: 404, tokenA: 200, revoked: 401 });
		expect(r.B.body.error.code).toBe('not_found');
		expect(JSON.stringify(r.B.body)).not.toContain('example.com/a/1');
	});

	it('POST /api/queue/:id/cancel and /retry', async () => {
		const target = await enqueue('A', 'https://example.com/a/actions');
		// Strangers first: nothing may change.
		for (const who of ['anon', 'B', 'revoked'] as Who[]) {
			expect((await call(who, 'POST', `/api/queue/${target}/cancel`)).status).toBe(who === 'B' ? 404 : 401);
			expect((await call(who, 'POST', `/api/queue/${target}/retry`)).status).toBe(who === 'B' ? 404 : 401);
		}
		expect((await call('A', 'GET', `/api/queue/${target}`)).body.status).toBe('pending');
		expect((await call('tokenA', 'POST', `/api/queue/${target}/cancel`)).status).toBe(200);
		expect((await call('A', 'POST', `/api/queue/${target}/retry`)).status).toBe(200);
		expect((await call('tokenA', 'POST', `/api/queue/${target}/cancel`)).status).toBe(200);
		expect((await call('tokenA', 'POST', `/api/queue/${target}/retry`)).status).toBe(200);
	});

	it('DELETE /api/queue/:id', async () => {
		const target = await enqueue('A', 'https://example.com/a/delete');
		for (const who of ['anon', 'B', 'revoked'] as Who[]) {
			expect((await call(who, 'DELETE', `/api/queue/${target}`)).status).toBe(who === 'B' ? 404 : 401);
		}
		expect((await call('A', 'GET', `/api/queue/${target}`)).status).toBe(200);
		expect((await call('tokenA', 'DELETE', `/api/queue/${target}`)).status).toBe(204);
		expect((await call('A', 'GET', `/api/queue/${target}`)).status).toBe(404);
	});

	it('tokens are managed from a browser session only, each user their own', async () => {
		const made = await everyone('POST', '/api/tokens', (who) => ({ name: `made by ${who}` }));
		expectStatuses(made, { anon: 401, A: 201, B: 201, tokenA: 403, revoked: 401 });
		expect(made.tokenA.body.error.code).toBe('session_required');

		const listed = await everyone('GET', '/api/tokens');
		expectStatuses(listed, { anon: 401, A: 200, B: 200, tokenA: 403, revoked: 401 });
		const names = (who: Who) => listed[who].body.tokens.map((t: { name: string }) => t.name);
		expect(names('A')).toEqual(expect.arrayContaining(['matrix', 'made by A']));
		expect(names('A')).not.toContain('made by B');
		expect(names('B')).toEqual(['made by B']);
		expect(JSON.stringify(listed.A.body)).not.toMatch(/cm_[a-z2-7]{32}\./); // never shown again

		const aToken = made.A.body.id;
		const refusals: [Who, number][] = [['anon', 401], ['B', 404], ['tokenA', 403], ['revoked', 401]];
		for (const [who, status] of refusals) expect((await call(who, 'DELETE', `/api/tokens/${aToken}`)).status).toBe(status);
		expect((await call('A', 'DELETE', `/api/tokens/${aToken}`)).status).toBe(204);
		expect((await call('A', 'DELETE', `/api/tokens/${aToken}`)).status).toBe(404);
		// The matrix token still works.
		expect((await call('tokenA', 'GET', '/api/queue')).status).toBe(200);
		expect(tokenIdA).toBeTruthy();
	});

	it('users are the admin\'s to list and create', async () => {
		const listed = await everyone('GET', '/api/users');
		expectStatuses(listed, { anon: 401, A: 200, B: 403, tokenA: 200, revoked: 401 });
		expect(listed.A.body.users.map((u: { username: string }) => u.username)).toEqual(['alice', 'bob']);
		expect(listed.B.body.error.code).toBe('admin_only');
		expect(JSON.stringify(listed.A.body)).not.toMatch(/argon2|passwordHash/);

		const created = await everyone('POST', '/api/users', (who) => ({ username: `new-${who}`, password: pw }));
		expectStatuses(created, { anon: 401, A: 201, B: 403, tokenA: 201, revoked: 401 });
		expect((await call('A', 'POST', '/api/users', { username: 'NEW-A', password: pw })).status).toBe(409);
	});

	it('sign-up is closed after the first account (SIGNUP=first-only)', async () => {
		const r = await call('anon', 'POST', '/api/auth/signup', { username: 'mallory', password: pw });
		expect(r.status).toBe(403);
		expect(r.body.error.code).toBe('signup_closed');
	});

	it('password changes need a session and the current password', async () => {
		const r = await everyone('POST', '/api/auth/password', { currentPassword: 'not it', newPassword: 'another long password' });
		expectStatuses(r, { anon: 401, A: 403, B: 403, tokenA: 403, revoked: 401 });
		expect(r.A.body.error.code).toBe('wrong_password');
		expect(r.tokenA.body.error.code).toBe('session_required');
	});

	it('pages send a signed-out person to log in and back', async () => {
		const home = await call('anon', 'GET', '/');
		expect(home.status).toBe(303);
		expect(home.headers.get('location')).toBe('/login');
		const settings = await call('anon', 'GET', '/settings');
		expect(settings.headers.get('location')).toBe('/login?redirectTo=%2Fsettings');
		const share = await call('anon', 'GET', '/share?url=https%3A%2F%2Fexample.com%2Fpie');
		expect(share.status).toBe(303);
		expect(share.headers.get('location')).toBe(`/login?redirectTo=${encodeURIComponent('/share?url=https%3A%2F%2Fexample.com%2Fpie')}`);
		expect((await call('A', 'GET', '/')).status).toBe(200);
		expect((await call('A', 'GET', '/settings')).status).toBe(200);
		expect((await call('anon', 'GET', '/login')).status).toBe(200);
	});

	it("the share target's POST while signed out: a link rides through signing in; pictures or a long text get a 401 page", async () => {
		// As the system's share sheet launches it: no Origin, Sec-Fetch-Site none.
		const launch = (fields: Record<string, string>, pictures = 0) => {
			const form = new FormData();
			for (const [name, value] of Object.entries(fields)) form.append(name, value);
			for (let i = 0; i < pictures; i++) form.append('images', new Blob([new Uint8Array([0xff, 0xd8, 0xff, 0xe0, i])], { type: 'image/jpeg' }), `${i}.jpg`);
			return server.api('/share', { method: 'POST', body: form, headers: { 'sec-fetch-site': 'none', accept: 'text/html' }, auth: false });
		};
		const totals = async () => [(await call('A', 'GET', '/api/queue')).body.total, (await call('B', 'GET', '/api/queue')).body.total];
		const before = await totals();
		const link = await launch({ title: 'Pie', text: 'see https://example.com/pie' });
		expect(link.status).toBe(303);
		expect(link.headers.get('location')).toBe(`/login?redirectTo=${encodeURIComponent('/share?text=see+https%3A%2F%2Fexample.com%2Fpie&title=Pie')}`);

		const pictures = await launch({ title: 'Pie' }, 2);
		expect(pictures.status).toBe(401);
		expect(await pictures.text()).toContain('the 2 pictures could not be kept. Sign in, then share them again.');
		// A recipe pasted whole is longer than a sign-in address may be.
		const long = await launch({ text: 'Stir the pot. '.repeat(1000) });
		expect(long.status).toBe(401);
		expect(await long.text()).toContain('what you shared could not be kept. Sign in, then share it again.');
		// Nothing was enqueued for anybody.
		expect(await totals()).toEqual(before);
	});

	it('the share page enqueues for the signed-in person and goes to the dashboard', async () => {
		const r = await call('B', 'GET', '/share?text=' + encodeURIComponent('so good https://example.com/b/shared'));
		expect(r.status).toBe(303);
		const id = r.headers.get('location')!.replace('/?highlight=', '');
		expect((await call('B', 'GET', `/api/queue/${id}`)).body.url).toBe('https://example.com/b/shared');
		expect((await call('A', 'GET', `/api/queue/${id}`)).status).toBe(404);
		// Words without a link are a text share of B's own; a share of nothing is refused on the page.
		const words = await call('B', 'GET', '/share?text=' + encodeURIComponent('just words'));
		expect(words.status).toBe(303);
		const textItem = (await call('B', 'GET', `/api/queue/${words.headers.get('location')!.replace('/?highlight=', '')}`)).body;
		expect([textItem.kind, textItem.url]).toEqual(['text', null]);
		const none = await call('B', 'GET', '/share?text=' + encodeURIComponent('   '));
		expect(none.status).toBe(200);
		expect(none.body).toContain('No link found');
	});

	it('unknown API paths: 401 before signing in, 404 after', async () => {
		expect((await call('anon', 'GET', '/api/nothing')).status).toBe(401);
		expect((await call('A', 'GET', '/api/nothing')).status).toBe(404);
	});
});

describe('cookies and cross-site requests', () => {
	it('the session cookie is httpOnly, SameSite=Lax, for the whole site, with an expiry', async () => {
		const res = await server.api('/api/auth/login', { method: 'POST', json: { username: 'alice', password: pw }, auth: false });
		const cookie = res.headers.getSetCookie().find((c) => c.startsWith('cookmark_session='))!;
		expect(cookie).toMatch(/HttpOnly/i);
		expect(cookie).toMatch(/SameSite=Lax/i);
		expect(cookie).toMatch(/Path=\//);
		expect(cookie).toMatch(/Expires=/);
		expect(cookie).not.toMatch(/Secure/); // served over http here; the https case has its own test
	});

	it('a cross-origin POST riding on the cookie is refused, whatever its content type; a token is not ambient and passes', async () => {
		const evil = { origin: 'https://evil.example' };
		const withCookie = await server.api('/api/queue', { method: 'POST', json: { url: 'https://example.com/csrf' }, headers: { ...headersFor.A, ...evil }, auth: false });
		expect(withCookie.status).toBe(403);
		expect((await withCookie.json()).error.code).toBe('cross_site_request');
		const fetchMeta = await server.api('/api/queue', { method: 'POST', json: { url: 'https://example.com/csrf2' }, headers: { ...headersFor.A, 'sec-fetch-site': 'cross-site' }, auth: false });
		expect(fetchMeta.status).toBe(403);
		const sameOrigin = await server.api('/api/queue', { method: 'POST', json: { url: 'https://example.com/csrf3' }, headers: { ...headersFor.A, origin: appOrigin }, auth: false });
		expect(sameOrigin.status).toBe(201);
		const withToken = await server.api('/api/queue', { method: 'POST', json: { url: 'https://example.com/csrf4' }, headers: { ...headersFor.tokenA, ...evil }, auth: false });
		expect(withToken.status).toBe(201);
		// The login form itself refuses a cross-site post.
		const form = await server.api('/login', { method: 'POST', body: 'username=alice&password=x', headers: { 'content-type': 'application/x-www-form-urlencoded', ...evil }, auth: false });
		expect(form.status).toBe(403);
	});

	it('log out ends the session; log out everywhere ends them all', async () => {
		const login = async () => {
			const res = await server.api('/api/auth/login', { method: 'POST', json: { username: 'bob', password: pw }, auth: false });
			return { cookie: sessionCookie(res) };
		};
		const one = await login();
		const two = await login();
		const out = await server.api('/api/auth/logout', { method: 'POST', headers: one, auth: false });
		expect(out.status).toBe(200);
		expect(out.headers.getSetCookie().join()).toMatch(/cookmark_session=;/);
		expect((await server.api('/api/auth/session', { headers: one, auth: false })).status).toBe(401);
		expect((await server.api('/api/auth/session', { headers: two, auth: false })).status).toBe(200);

		const all = await server.api('/api/auth/logout-all', { method: 'POST', headers: two, auth: false });
		expect(await all.json()).toMatchObject({ ok: true });
		expect((await server.api('/api/auth/session', { headers: two, auth: false })).status).toBe(401);
		expect((await server.api('/api/auth/session', { headers: headersFor.B, auth: false })).status).toBe(401);
		// Tokens are not sessions: A's token is untouched by B logging out.
		expect((await call('tokenA', 'GET', '/api/auth/session')).status).toBe(200);
		expect(userIdA).toBeTruthy();
	});
});
