import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { AdminStats, AdminUserList, FailedList, RetentionSettings, WorkerList } from '../../src/lib/contract/admin';
import { openDatabase } from '../../src/lib/server/db/client';
import { testDbKind } from '../helpers/db';
import { auditLines as auditLinesOf, lastAudit as lastAuditOf } from '../helpers/audit';
import { html, startHttpServer, type Route } from '../helpers/http-server';
import { recipePage } from '../helpers/recipe-page';
import { serverStorage, sessionCookie, startServer, waitForItem, type ServerProcess, type ServerStorage } from '../helpers/server';

/**
 * The admin API on a server with its worker: every route refuses anyone but the admin, and every
 * action does what it says and leaves one audit line in the server's log.
 */
const pw = 'correct horse battery staple';
let storage: ServerStorage;
let server: ServerProcess;
let site: Awaited<ReturnType<typeof startHttpServer>>;
/** The site's pages: a path missing here answers 404 (the item fails), until the test adds it. */
const pages: Record<string, Route> = {};
const users: Record<string, { id: string; token: string; cookie: string }> = {};

async function call(method: string, path: string, options: { json?: unknown; as?: string; headers?: Record<string, string> } = {}) {
	const headers = options.headers ?? (options.as ? { authorization: `Bearer ${users[options.as]!.token}` } : {});
	const res = await server.api(path, { method, headers, auth: options.as === undefined && !options.headers ? undefined : false, json: options.json });
	const text = await res.text();
	return { status: res.status, body: text ? JSON.parse(text) : null };
}

const auditLines = () => auditLinesOf(server);
const lastAudit = (action: string, since = 0) => lastAuditOf(server, action, since);

async function makeUser(username: string) {
	const made = await call('POST', '/api/users', { json: { username, password: pw } });
	expect(made.status).toBe(201);
	const login = await server.api('/api/auth/login', { method: 'POST', json: { username, password: pw }, auth: false });
	expect(login.status).toBe(200);
	const cookie = sessionCookie(login);
	const token = await server.api('/api/tokens', { method: 'POST', json: { name: 'tests' }, headers: { cookie } });
	users[username] = { id: made.body.user.id, cookie, token: (await token.json()).token };
}

async function share(as: string, path: string): Promise<string> {
	const res = await call('POST', '/api/queue', { as, json: { url: `${site.origin}${path}` } });
	expect(res.status).toBe(201);
	return res.body.id;
}

const itemOf = (as: string, id: string) =>
	waitForItem({ ...server, api: (p, init) => server.api(p, { ...init, headers: { authorization: `Bearer ${users[as]!.token}` } }) } as ServerProcess, id, (i) =>
		['success', 'error', 'dead'].includes(i.status)
	);

beforeAll(async () => {
	site = await startHttpServer(pages);
	storage = await serverStorage();
	server = await startServer(storage);
	const admin = await server.signUp('admin', pw);
	users.admin = { id: (await call('GET', '/api/auth/session')).body.user.id, token: admin.token, cookie: admin.cookie };
	for (const name of ['bob', 'carol', 'dave']) await makeUser(name);
}, 60_000);

afterAll(async () => {
	await server?.stop();
	await site?.close();
	await storage?.cleanup();
});

describe('admin API', () => {
	const routes: Array<[string, string, unknown?]> = [
		['GET', '/api/admin/stats'],
		['GET', '/api/admin/failed'],
		['POST', '/api/admin/failed/retry', { all: true }],
		['GET', '/api/admin/workers'],
		['GET', '/api/admin/users'],
		['DELETE', '/api/admin/users/00000000-0000-4000-8000-000000000000'],
		['POST', '/api/admin/users/00000000-0000-4000-8000-000000000000/password', {}],
		['POST', '/api/admin/users/00000000-0000-4000-8000-000000000000/disable'],
		['POST', '/api/admin/users/00000000-0000-4000-8000-000000000000/enable'],
		['GET', '/api/admin/retention'],
		['PUT', '/api/admin/retention', { eventsDays: 5, outputDays: 5 }],
		['POST', '/api/admin/retention/prune'],
		['GET', '/api/admin/services'],
		['POST', '/api/admin/services/test', { service: 'chat' }]
	];

	it('every admin route answers 401 to nobody and 403 admin_only to a signed-in person who is not the admin', async () => {
		const before = auditLines().length;
		for (const [method, path, json] of routes) {
			const anonymous = await call(method, path, { json, headers: {} });
			expect(anonymous.status, `${method} ${path}`).toBe(401);
			const asBob: Array<Record<string, string>> = [{ authorization: `Bearer ${users.bob!.token}` }, { cookie: users.bob!.cookie }];
			for (const headers of asBob) {
				const refused = await call(method, path, { json, headers });
				expect(refused.status, `${method} ${path}`).toBe(403);
				expect(refused.body.error.code, `${method} ${path}`).toBe('admin_only');
			}
		}
		expect(auditLines()).toHaveLength(before);
		// The page too: a 403 page, not the admin's figures.
		const page = await server.api('/admin', { headers: { cookie: users.bob!.cookie }, auth: false });
		expect(page.status).toBe(403);
		expect(await page.text()).not.toContain('Failed items');
		expect((await server.api('/admin', { headers: { cookie: users.admin!.cookie }, auth: false })).status).toBe(200);
	});

	it('lists the failed items of every user and re-queues chosen ones, then all', async () => {
		const bobs = await share('bob', '/bob-soup');
		const carols = await share('carol', '/carol-stew');
		expect((await itemOf('bob', bobs)).status).toBe('error');
		expect((await itemOf('carol', carols)).status).toBe('error');

		const failed = FailedList.parse((await call('GET', '/api/admin/failed')).body);
		expect(failed.total).toBe(2);
		expect(failed.items.map((i) => [i.id, i.user.username]).sort()).toEqual([[bobs, 'bob'], [carols, 'carol']].sort());
		expect(failed.items.every((i) => i.kind === 'link' && i.link?.startsWith(site.origin) && i.phase === 'extraction' && i.error)).toBe(true);
		expect(FailedList.parse((await call('GET', '/api/admin/failed?limit=1&offset=1')).body)).toMatchObject({ total: 2, hasMore: false });

		// The site is back: a retry now saves them.
		pages['/bob-soup'] = html(recipePage('Bob Soup'));
		pages['/carol-stew'] = html(recipePage('Carol Stew'));
		const chosen = await call('POST', '/api/admin/failed/retry', { json: { ids: [bobs] } });
		expect(chosen).toMatchObject({ status: 200, body: { retried: 1 } });
		expect(await lastAudit('items.retry')).toMatchObject({ actor: { id: users.admin!.id, username: 'admin' }, target: { ids: [bobs], retried: 1 } });
		expect((await itemOf('bob', bobs)).status).toBe('success');

		const retried = auditLines().length;
		const all = await call('POST', '/api/admin/failed/retry', { json: { all: true } });
		expect(all).toMatchObject({ status: 200, body: { retried: 1 } });
		expect((await lastAudit('items.retry', retried)).target).toEqual({ all: true, retried: 1 });
		expect((await itemOf('carol', carols)).status).toBe('success');
		expect(FailedList.parse((await call('GET', '/api/admin/failed')).body).total).toBe(0);
		expect((await call('POST', '/api/admin/failed/retry', { json: { ids: [] } })).status).toBe(400);
	});

	it('figures: items saved, the success rate and phase durations, for 24 h and 7 days', async () => {
		const day = AdminStats.parse((await call('GET', '/api/admin/stats?range=24h')).body);
		expect(day).toMatchObject({ range: '24h', bucket: 'hour', saved: 2, failed: 0, successRate: 1 });
		expect(day.buckets).toHaveLength(24);
		expect(day.buckets.at(-1)!.saved).toBe(2);
		expect(day.phases.map((p) => p.phase)).toEqual(['extraction', 'parsing', 'uploading']);
		// Only completed runs count: the two fetches that failed are not among them.
		for (const p of day.phases) expect(p.runs, p.phase).toBe(2);
		for (const p of day.phases) expect(p.p95Ms).toBeGreaterThanOrEqual(p.p50Ms);
		const week = AdminStats.parse((await call('GET', '/api/admin/stats?range=7d')).body);
		expect(week).toMatchObject({ range: '7d', bucket: 'day', saved: 2 });
		expect(week.buckets).toHaveLength(7);
		expect((await call('GET', '/api/admin/stats?range=1y')).status).toBe(400);
	});

	it('shows the worker online, from its heartbeats', async () => {
		const health = await (await server.api('/api/health')).json();
		const { workers } = WorkerList.parse((await call('GET', '/api/admin/workers')).body);
		expect(workers).toHaveLength(1);
		expect(workers[0]).toMatchObject({ id: health.worker, online: true, running: [] });
	});

	it('disabling ends sessions, refuses tokens and sign-in; enabling restores the tokens and sign-in', async () => {
		const bob = users.bob!;
		const disabled = await call('POST', `/api/admin/users/${bob.id}/disable`);
		expect(disabled.status).toBe(200);
		expect(disabled.body.user).toMatchObject({ username: 'bob', disabledAt: expect.any(String) });
		expect(await lastAudit('user.disable')).toMatchObject({ actor: { username: 'admin' }, target: { userId: bob.id, username: 'bob' } });

		expect((await call('GET', '/api/auth/session', { headers: { cookie: bob.cookie } })).status).toBe(401);
		expect((await call('GET', '/api/queue', { as: 'bob' })).status).toBe(401);
		const login = await call('POST', '/api/auth/login', { json: { username: 'bob', password: pw }, headers: {} });
		expect(login).toMatchObject({ status: 403, body: { error: { code: 'account_disabled' } } });
		// A wrong password says nothing about the account.
		expect((await call('POST', '/api/auth/login', { json: { username: 'bob', password: 'wrong password' }, headers: {} })).status).toBe(401);

		expect((await call('POST', `/api/admin/users/${bob.id}/enable`)).body.user.disabledAt).toBeNull();
		expect((await lastAudit('user.enable')).target).toMatchObject({ username: 'bob' });
		expect((await call('GET', '/api/queue', { as: 'bob' })).status).toBe(200);
		expect((await call('POST', '/api/auth/login', { json: { username: 'bob', password: pw }, headers: {} })).status).toBe(200);
		// The session that was ended stays ended.
		expect((await call('GET', '/api/auth/session', { headers: { cookie: bob.cookie } })).status).toBe(401);
	});

	it('a password reset ends the sessions; a generated password is answered once and never logged', async () => {
		const carol = users.carol!;
		const reset = await call('POST', `/api/admin/users/${carol.id}/password`, { json: {} });
		expect(reset.status).toBe(200);
		expect(reset.body).toMatchObject({ generatedPassword: expect.stringMatching(/^[\w-]{16}$/), sessionsEnded: 1 });
		const generated = reset.body.generatedPassword as string;
		expect(await lastAudit('user.reset_password')).toMatchObject({ target: { username: 'carol', generated: true, sessionsEnded: 1 } });
		expect(server.logs()).not.toContain(generated);

		expect((await call('GET', '/api/auth/session', { headers: { cookie: carol.cookie } })).status).toBe(401);
		expect((await call('POST', '/api/auth/login', { json: { username: 'carol', password: pw }, headers: {} })).status).toBe(401);
		expect((await call('POST', '/api/auth/login', { json: { username: 'carol', password: generated }, headers: {} })).status).toBe(200);

		const chosen = await call('POST', `/api/admin/users/${carol.id}/password`, { json: { password: 'a chosen password' } });
		expect(chosen.body).toMatchObject({ generatedPassword: null, sessionsEnded: 1 });
		expect(server.logs()).not.toContain('a chosen password');
		expect((await call('POST', `/api/admin/users/${carol.id}/password`, { json: { password: 'short' } })).status).toBe(400);
	});

	it('refuses to disable or delete the admin themself, and answers 404 for no such account', async () => {
		const me = users.admin!.id;
		expect(await call('POST', `/api/admin/users/${me}/disable`)).toMatchObject({ status: 409, body: { error: { code: 'self' } } });
		expect(await call('DELETE', `/api/admin/users/${me}`)).toMatchObject({ status: 409, body: { error: { code: 'self' } } });
		expect((await call('DELETE', '/api/admin/users/not-a-uuid')).status).toBe(404);
		expect((await call('POST', '/api/admin/users/00000000-0000-4000-8000-000000000000/disable')).status).toBe(404);
		expect(auditLines().filter((l) => l.target.userId === me)).toEqual([]);
	});

	it('retention: settings override the defaults, null goes back, prune now reports its counts', async () => {
		const defaults = RetentionSettings.parse((await call('GET', '/api/admin/retention')).body);
		expect(defaults).toMatchObject({ eventsDays: 2, outputDays: 30, defaults: { eventsDays: 2, outputDays: 30 } });
		// The worker's process ran retention once at start-up.
		expect(defaults.lastRun).toMatchObject({ trigger: 'schedule' });

		const set = await call('PUT', '/api/admin/retention', { json: { eventsDays: 3, outputDays: 0 } });
		expect(set.body).toMatchObject({ eventsDays: 3, outputDays: 0 });
		expect((await lastAudit('retention.update')).target).toEqual({ eventsDays: 3, outputDays: 0 });
		expect((await call('PUT', '/api/admin/retention', { json: { eventsDays: 0, outputDays: 0 } })).status).toBe(400);

		const run = await call('POST', '/api/admin/retention/prune');
		expect(run.body).toMatchObject({ trigger: 'admin', events: 0, outputs: 0, workers: 0 });
		expect((await lastAudit('retention.prune')).target).toEqual({ events: 0, outputs: 0, workers: 0 });
		expect(RetentionSettings.parse((await call('GET', '/api/admin/retention')).body).lastRun).toMatchObject({ trigger: 'admin' });

		const back = await call('PUT', '/api/admin/retention', { json: { eventsDays: null, outputDays: null } });
		expect(back.body).toMatchObject({ eventsDays: 2, outputDays: 30 });
	});

	it('deleting an account removes every row that was theirs', async () => {
		const dave = users.dave!;
		pages['/dave-pie'] = html(recipePage('Dave Pie'));
		expect((await itemOf('dave', await share('dave', '/dave-pie'))).status).toBe('success');
		const listed = AdminUserList.parse((await call('GET', '/api/admin/users')).body).users.find((u) => u.username === 'dave');
		expect(listed).toMatchObject({ items: 1, recipes: 1, disabledAt: null });

		const gone = await call('DELETE', `/api/admin/users/${dave.id}`);
		expect(gone).toMatchObject({ status: 200, body: { deleted: true, items: 1, recipes: 1 } });
		expect(await lastAudit('user.delete')).toMatchObject({ target: { userId: dave.id, username: 'dave', items: 1, recipes: 1 } });
		expect((await call('GET', '/api/queue', { as: 'dave' })).status).toBe(401);
		expect((await call('POST', '/api/auth/login', { json: { username: 'dave', password: pw }, headers: {} })).status).toBe(401);
		expect(AdminUserList.parse((await call('GET', '/api/admin/users')).body).users.map((u) => u.username)).toEqual(['admin', 'bob', 'carol']);

		// Row by row, in the database itself (PGlite's is the server's alone: looked at once it stopped).
		await server.stop();
		const database = await openDatabase(testDbKind() === 'postgres' ? { databaseUrl: storage.env.DATABASE_URL } : { dataDir: storage.env.DATA_DIR });
		try {
			const tables = ['sessions', 'api_tokens', 'queue_items', 'queue_batches', 'queue_counts', 'item_events', 'recipes', 'recipe_sources', 'push_subscriptions', 'user_targets'];
			for (const table of tables) {
				const [row] = await database.rows<{ n: number }>(sql`select count(*)::int as n from ${sql.identifier(table)} where user_id = ${dave.id}`);
				expect(row!.n, table).toBe(0);
			}
			const [pictures] = await database.rows<{ n: number }>(sql`select count(*)::int as n from recipe_pictures p where not exists (select 1 from recipes r where r.id = p.recipe_id)`);
			expect(pictures!.n).toBe(0);
			const [others] = await database.rows<{ n: number }>(sql`select count(*)::int as n from recipes`);
			expect(others!.n).toBe(2);
		} finally {
			await database.close();
		}
	});
});
