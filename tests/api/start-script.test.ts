import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverStorage, startServer, type ServerProcess, type ServerStorage } from '../helpers/server';

/** `npm start` with nothing configured, reached over plain http as a newcomer (or a phone on the LAN) does. */
let storage: ServerStorage;
let server: ServerProcess;

beforeAll(async () => {
	storage = await serverStorage();
	server = await startServer(storage, {}, { via: 'npm-start' });
});

afterAll(async () => {
	await server?.stop();
	await storage?.cleanup();
});

describe('npm start without ORIGIN', () => {
	it('accepts the sign-up form posted from the page itself', async () => {
		const res = await server.api('/signup', {
			method: 'POST',
			body: new URLSearchParams({ username: 'newcomer', password: 'correct horse battery staple' }),
			headers: { origin: server.origin, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
			auth: false
		});
		expect(res.status).toBe(303);
		expect(res.headers.get('location')).toBe('/');
		const cookie = res.headers.getSetCookie().find((c) => c.startsWith('cookmark_session='));
		expect(cookie).toBeDefined();
		expect(cookie).not.toMatch(/Secure/); // it is plain http, so no Secure cookie the browser would drop
	});

	it('still refuses a form posted from another site', async () => {
		const res = await server.api('/login', {
			method: 'POST',
			body: new URLSearchParams({ username: 'newcomer', password: 'x' }),
			headers: { origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' },
			auth: false
		});
		expect(res.status).toBe(403);
	});

	it('a client cannot claim https through the protocol header', async () => {
		const res = await server.api('/api/auth/login', {
			method: 'POST',
			json: { username: 'newcomer', password: 'correct horse battery staple' },
			headers: { 'x-cookmark-protocol': 'https' },
			auth: false
		});
		expect(res.status).toBe(200);
		expect(res.headers.getSetCookie().find((c) => c.startsWith('cookmark_session='))).not.toMatch(/Secure/);
	});
});
