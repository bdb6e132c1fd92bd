import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverStorage, startServer, type ServerProcess, type ServerStorage } from '../helpers/server';

/** Its own server (and counters), served as https://cookmark.test behind an imagined proxy. */
let storage: ServerStorage;
let server: ServerProcess;
const pw = 'correct horse battery staple';

beforeAll(async () => {
	storage = await serverStorage();
	server = await startServer(storage, { QUEUE_PROCESSING_ENABLED: 'false', ORIGIN: 'https://cookmark.test' });
	// A brand-new server has nobody to log in as: it starts at creating the first account.
	const fresh = await server.api('/', { auth: false });
	expect([fresh.status, fresh.headers.get('location')]).toEqual([303, '/signup']);
	expect((await server.api('/api/auth/signup', { method: 'POST', json: { username: 'alice', password: pw }, auth: false })).status).toBe(201);
});

afterAll(async () => {
	await server?.stop();
	await storage?.cleanup();
});

const login = (username: string, password: string) => server.api('/api/auth/login', { method: 'POST', json: { username, password }, auth: false });

describe('sign-in limits', () => {
	it('over https the session cookie is Secure', async () => {
		const res = await login('alice', pw);
		expect(res.status).toBe(200);
		expect(res.headers.getSetCookie().find((c) => c.startsWith('cookmark_session='))).toMatch(/;\s*Secure/i);
	});

	it('ten wrong passwords lock that username for a while, with a clear 429', async () => {
		for (let i = 0; i < 10; i++) {
			const res = await login('alice', `wrong ${i}`);
			expect(res.status).toBe(401);
			expect((await res.json()).error.code).toBe('invalid_credentials');
		}
		const locked = await login('alice', pw); // even the right password, until the window passes
		expect(locked.status).toBe(429);
		expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(800);
		const body = await locked.json();
		expect(body.error.code).toBe('too_many_attempts');
		expect(body.error.message).toMatch(/too many wrong passwords for this account; try again in \d+ min/);
		// Someone else (unknown here) is judged on their own count.
		expect((await login('somebody', 'whatever')).status).toBe(401);
	});

	it('one address trying many usernames is stopped too', async () => {
		let last: Response | undefined;
		for (let i = 0; i < 30; i++) {
			last = await login(`spray${i}`, 'password123');
			if (last.status === 429) break;
		}
		expect(last!.status).toBe(429);
		expect((await last!.json()).error.message).toMatch(/from your address/);
	});

	it('malformed bodies are answered 400 before any limit applies (this address is blocked by now)', async () => {
		const res = await server.api('/api/auth/login', { method: 'POST', json: { username: '', password: '' }, auth: false });
		expect(res.status).toBe(400);
		expect((await res.json()).error.code).toBe('validation_failed');
		const weak = await server.api('/api/auth/signup', { method: 'POST', json: { username: 'x', password: 'short' }, auth: false });
		expect(weak.status).toBe(400);
		const issues = (await weak.json()).error.issues.map((i: { path: string }) => i.path);
		expect(issues).toEqual(['username', 'password']);
	});
});
