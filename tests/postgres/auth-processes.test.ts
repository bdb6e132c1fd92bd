import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverStorage, sessionCookie, startServer, type ServerProcess, type ServerStorage } from '../helpers/server';

/** Two app processes on one PostgreSQL database, behind one origin. */
const origin = 'http://cookmark.test';
const pw = 'correct horse battery staple';
let storage: ServerStorage;
let one: ServerProcess;
let two: ServerProcess;

beforeAll(async () => {
	storage = await serverStorage();
	const env = { QUEUE_PROCESSING_ENABLED: 'false', ORIGIN: origin };
	one = await startServer(storage, env);
	two = await startServer(storage, env);
	expect((await one.api('/api/auth/signup', { method: 'POST', json: { username: 'alice', password: pw }, auth: false })).status).toBe(201);
});

afterAll(async () => {
	await Promise.all([one?.stop(), two?.stop()]);
	await storage?.cleanup();
});

const login = (on: ServerProcess, username: string, password: string, cookie?: string) =>
	on.api('/api/auth/login', { method: 'POST', json: { username, password }, headers: cookie ? { cookie } : {}, auth: false });
const session = (on: ServerProcess, cookie: string) => on.api('/api/auth/session', { headers: { cookie }, auth: false });

describe('sessions across processes', () => {
	it('sign-in never adopts a session id the browser brought: a planted one stays invalid, a fresh one is issued', async () => {
		const planted = 'cookmark_session=attackerchosenvalue0000000000000';
		const res = await login(one, 'alice', pw, planted);
		expect(res.status).toBe(200);
		const fresh = sessionCookie(res);
		expect(fresh).not.toBe(planted);
		expect((await session(two, planted)).status).toBe(401);
		expect((await session(two, fresh)).status).toBe(200);
		// Signing in again while signed in also gets a new id.
		expect(sessionCookie(await login(two, 'alice', pw, fresh))).not.toBe(fresh);
	});

	it('a password change on one process ends the other sessions on both; the changing browser keeps a fresh one', async () => {
		const elsewhere = sessionCookie(await login(two, 'alice', pw));
		const here = sessionCookie(await login(one, 'alice', pw));
		const changed = await one.api('/api/auth/password', { method: 'POST', json: { currentPassword: pw, newPassword: `${pw} 2` }, headers: { cookie: here, origin }, auth: false });
		expect(changed.status).toBe(200);
		const renewed = sessionCookie(changed);
		expect(renewed).not.toBe(here);
		for (const on of [one, two]) {
			expect((await session(on, elsewhere)).status).toBe(401);
			expect((await session(on, here)).status).toBe(401);
			expect((await session(on, renewed)).status).toBe(200);
		}
	});
});

describe('sign-in throttling is kept in the database', () => {
	it('wrong passwords count across both processes, and the lock survives a restart', async () => {
		for (let i = 0; i < 10; i++) expect((await login(i % 2 ? one : two, 'alice', `wrong ${i}`)).status).toBe(401);
		expect((await login(one, 'alice', `${pw} 2`)).status).toBe(429);
		expect((await login(two, 'alice', `${pw} 2`)).status).toBe(429);
		await one.stop();
		one = await startServer(storage, { QUEUE_PROCESSING_ENABLED: 'false', ORIGIN: origin });
		expect((await login(one, 'alice', `${pw} 2`)).status).toBe(429);
	});
});
