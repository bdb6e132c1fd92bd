import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { schemaComponents, type SchemaName } from '../../src/lib/server/http/openapi';
import { expectError } from '../helpers/api-error';
import { serverStorage, startServer, type Account, type ServerProcess, type ServerStorage } from '../helpers/server';

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

let storage: ServerStorage;
let server: ServerProcess;

beforeAll(async () => {
	storage = await serverStorage();
	server = await startServer(storage);
});

afterAll(async () => {
	await server?.stop();
	await storage?.cleanup();
});

/**
 * The answer is exactly what the document's schema says: it parses, and parsing drops nothing
 * (zod objects strip unknown keys, so a key the schema does not name would make them differ).
 */
async function answersAs(res: Response, name: SchemaName, status = 200) {
	expect(res.status).toBe(status);
	const body: unknown = await res.json();
	const schema: z.ZodType = schemaComponents[name].schema;
	expect(schema.parse(body)).toEqual(body);
	return body;
}

describe('GET /api/openapi.json', () => {
	it('answers the OpenAPI 3.1 document without signing in', async () => {
		const res = await server.api('/api/openapi.json', { auth: false });
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toMatch(/^application\/json/);
		expect(res.headers.get('cache-control')).toBe('no-cache');
		const doc = (await res.json()) as { openapi: string; info: { title: string; version: string }; servers: { url: string }[]; paths: Record<string, unknown> };
		expect(doc.openapi).toBe('3.1.0');
		expect(doc.info).toMatchObject({ title: 'Cookmark', version });
		expect(doc.servers).toEqual([{ url: server.origin }]);
		expect(doc.paths).toHaveProperty(['/api/queue/{id}']);
		expect(doc.paths).toHaveProperty(['/api/openapi.json']);
	});

	it('other methods get a JSON 405 with Allow', async () => {
		const res = await server.api('/api/openapi.json', { method: 'POST', json: {}, auth: false });
		await expectError(res, 405, 'method_not_allowed');
		expect(res.headers.get('allow')).toBe('GET');
	});
});

describe('the answers the document describes without a route schema are what the routes answer', () => {
	let account: Account;

	it('probes', async () => {
		await answersAs(await server.api('/api/health', { auth: false }), 'Health');
		await answersAs(await server.api('/api/ready', { auth: false }), 'Readiness');
		await answersAs(await server.api('/api/openapi.json', { auth: false }), 'OpenApiDocument');
	});

	it('accounts, sessions and tokens', async () => {
		const credentials = { username: 'olivia', password: 'correct horse battery staple' };
		await answersAs(await server.api('/api/auth/signup', { method: 'POST', json: credentials, auth: false }), 'SignInResponse', 201);
		await answersAs(await server.api('/api/auth/login', { method: 'POST', json: credentials, auth: false }), 'SignInResponse');
		account = await server.signUp(credentials.username, credentials.password);
		await answersAs(await server.api('/api/auth/session'), 'SessionInfo');
		await answersAs(await server.api('/api/tokens', { headers: { cookie: account.cookie } }), 'TokenList');
		await answersAs(await server.api('/api/users'), 'UserList');
		await answersAs(
			await server.api('/api/users', { method: 'POST', json: { username: 'pat', password: 'another long password' } }),
			'CreatedUser',
			201
		);
	});

	it('notifications', async () => {
		await answersAs(await server.api('/api/notifications/vapid-key'), 'VapidKey');
		await answersAs(await server.api('/api/notifications/devices'), 'DeviceList');
		await answersAs(await server.api('/api/notifications/test', { method: 'POST' }), 'TestNotificationResponse');
	});

	it('logging out', async () => {
		const other = await server.api('/api/auth/login', {
			method: 'POST',
			json: { username: account.username, password: account.password },
			auth: false
		});
		const cookie = other.headers.getSetCookie()[0]!.split(';')[0]!;
		await answersAs(await server.api('/api/auth/logout', { method: 'POST', headers: { cookie, origin: server.origin } }), 'OkResponse');
		await answersAs(await server.api('/api/auth/logout-all', { method: 'POST' }), 'LogoutAllResponse');
	});
});
