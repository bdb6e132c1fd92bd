import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../src/lib/contract/errors';
import { PlatformSessionList, PlatformSessionView } from '../../src/lib/contract/platform-sessions';
import { serverStorage, startServer, type Account, type ServerProcess, type ServerStorage } from '../helpers/server';

/**
 * Every route under /api/platform-sessions, as the built app answers them: the answers' shapes,
 * each refusal with its documented status and code, and the saved cookie nowhere but in the
 * database (not in an answer, not in the log).
 */

// Distinct fragments, so a leak of any of them (whole, or one cookie of the header) is seen.
const ALICE_INSTAGRAM = 'csrftoken=aliceCsrf77; sessionid=4242%3AaliceInstaSecret%3A17';
const ALICE_TIKTOK = 'sid_tt=aliceTiktokSecret0b1c; tt_csrf_token=aliceTtCsrf';
const BOB_INSTAGRAM = 'sessionid=5151%3AbobInstaSecret%3A99';
const SECRETS = ['aliceCsrf77', 'aliceInstaSecret', 'aliceTiktokSecret0b1c', 'aliceTtCsrf', 'bobInstaSecret', 'refusedSecretValue'];

let storage: ServerStorage;
let server: ServerProcess;
let alice: Account;
let bob: Account;
/** Every answer body of the run, to be searched for the secrets. */
const bodies: string[] = [];
/** Every error answer of the run, as `METHOD path status code`, to be found in the API document. */
const refusals: { method: string; path: string; status: number; code: string }[] = [];

type Call = { token?: string | null; json?: unknown; body?: string; headers?: Record<string, string> };

/** A request as `token`'s owner (none with null); the answer's text is kept and, for errors, its code. */
async function call(method: string, path: string, { token, json, body, headers = {} }: Call = {}) {
	const auth: Record<string, string> = token === null ? {} : { authorization: `Bearer ${token ?? alice.token}` };
	const res = await server.api(path, { method, json, body, headers: { ...auth, ...headers }, auth: false });
	const text = await res.text();
	bodies.push(text);
	if (res.status >= 400) {
		const { error } = ApiError.parse(JSON.parse(text));
		expect(error.message.length).toBeGreaterThan(0);
		refusals.push({ method, path: path.replace(/\/platform-sessions\/[^/]+$/, '/platform-sessions/{platform}'), status: res.status, code: error.code });
	}
	return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) as unknown };
}

async function refused(answer: ReturnType<typeof call>, status: number, code: string) {
	const res = await answer;
	expect(res.status, res.text).toBe(status);
	expect(res.headers.get('content-type')).toMatch(/^application\/json/);
	const body = ApiError.parse(res.json());
	expect(body.error.code).toBe(code);
	return body.error;
}

const list = async (token?: string) => {
	const res = await call('GET', '/api/platform-sessions', { token });
	expect(res.status).toBe(200);
	const body = res.json();
	// Exactly the contract's keys: a parse that dropped one would differ.
	expect(PlatformSessionList.parse(body)).toEqual(body);
	return (body as PlatformSessionList).sessions;
};

beforeAll(async () => {
	storage = await serverStorage();
	server = await startServer(storage, { SECRET_KEY: 'p'.repeat(40), LOG_LEVEL: 'debug' });
	alice = await server.signUp('alice');
	expect((await server.api('/api/users', { method: 'POST', json: { username: 'bob', password: 'another long password' } })).status).toBe(201);
	bob = await server.signUp('bob', 'another long password');
}, 60_000);

afterAll(async () => {
	await server?.stop();
	await storage?.cleanup();
});

describe('saving, listing and removing a session', () => {
	it('a new account has none', async () => {
		expect(await list()).toEqual([]);
	});

	it('PUT saves the normalised cookie and answers when, never the value', async () => {
		const before = Date.now();
		const res = await call('PUT', '/api/platform-sessions/instagram', { json: { cookie: `Cookie: ${ALICE_INSTAGRAM};` } });
		expect(res.status).toBe(200);
		const saved = res.json();
		expect(PlatformSessionView.parse(saved)).toEqual(saved);
		expect(saved).toEqual({ platform: 'instagram', savedAt: expect.any(String), lastUsedAt: null, expiredAt: null });
		expect(Date.parse((saved as PlatformSessionView).savedAt)).toBeGreaterThanOrEqual(before - 1000);
		expect(await list()).toEqual([saved]);
	});

	it('TikTok takes its own login cookie; the list is in platform order', async () => {
		const res = await call('PUT', '/api/platform-sessions/tiktok', { json: { cookie: ALICE_TIKTOK } });
		expect(res.status).toBe(200);
		expect(res.json()).toMatchObject({ platform: 'tiktok', lastUsedAt: null, expiredAt: null });
		expect((await list()).map((s) => s.platform)).toEqual(['instagram', 'tiktok']);
	});

	it('PUT again replaces the session: still one for the platform, saved later', async () => {
		const [first] = await list();
		await expect.poll(() => Date.now()).toBeGreaterThan(Date.parse(first!.savedAt) + 5);
		const res = await call('PUT', '/api/platform-sessions/instagram', { json: { cookie: ALICE_INSTAGRAM } });
		expect(res.status).toBe(200);
		const sessions = await list();
		expect(sessions.filter((s) => s.platform === 'instagram')).toHaveLength(1);
		expect(Date.parse(sessions[0]!.savedAt)).toBeGreaterThan(Date.parse(first!.savedAt));
	});

	it('DELETE removes it (204, no body); a second DELETE finds nothing to remove', async () => {
		const res = await call('DELETE', '/api/platform-sessions/tiktok');
		expect(res.status).toBe(204);
		expect(res.text).toBe('');
		expect((await list()).map((s) => s.platform)).toEqual(['instagram']);
		const again = await refused(call('DELETE', '/api/platform-sessions/tiktok'), 404, 'not_found');
		expect(again.message).toMatch(/no session saved/);
	});
});

describe('bad input is refused with its documented answer, and changes nothing', () => {
	let saved: PlatformSessionView[];
	beforeAll(async () => {
		saved = await list();
		expect(saved).toHaveLength(1);
	});

	it('an unknown platform: 404, for PUT and DELETE alike', async () => {
		await refused(call('PUT', '/api/platform-sessions/facebook', { json: { cookie: 'sessionid=x' } }), 404, 'not_found');
		await refused(call('DELETE', '/api/platform-sessions/facebook'), 404, 'not_found');
		await refused(call('PUT', '/api/platform-sessions/Instagram', { json: { cookie: 'sessionid=x' } }), 404, 'not_found');
	});

	it('an empty, blank or missing cookie: 400 naming the field', async () => {
		for (const json of [{ cookie: '' }, { cookie: '  \n ' }, {}, { cookie: 42 }, { cookie: null }]) {
			const error = await refused(call('PUT', '/api/platform-sessions/instagram', { json }), 400, 'validation_failed');
			expect(error.issues?.map((i) => i.path), JSON.stringify(json)).toEqual(['cookie']);
		}
		const blank = await refused(call('PUT', '/api/platform-sessions/instagram', { json: { cookie: '   ' } }), 400, 'validation_failed');
		expect(blank.issues![0]!.message).toBe('paste the cookie');
	});

	it('a cookie over 8192 characters: 400; a body over 64 KiB: 413', async () => {
		const long = await refused(call('PUT', '/api/platform-sessions/instagram', { json: { cookie: `sessionid=${'a'.repeat(8192)}` } }), 400, 'validation_failed');
		expect(long.issues![0]!.message).toMatch(/longer than any login cookie/);
		await refused(call('PUT', '/api/platform-sessions/instagram', { json: { cookie: `sessionid=${'a'.repeat(70_000)}` } }), 413, 'payload_too_large');
	});

	it('garbage that is no cookie: 400, and the answer does not repeat it', async () => {
		for (const cookie of ['refusedSecretValue', 'sessionid=refusedSecretValue\r\nHost: evil.example', '[{"name":"sessionid","value":"refusedSecretValue"}]', 'sessionid=refused SecretValue']) {
			const error = await refused(call('PUT', '/api/platform-sessions/instagram', { json: { cookie } }), 400, 'validation_failed');
			expect(error.issues![0]!.message).toMatch(/^that is not a cookie/);
		}
	});

	it("a cookie without the platform's login cookie: 400 saying which is missing", async () => {
		const instagram = await refused(call('PUT', '/api/platform-sessions/instagram', { json: { cookie: 'csrftoken=refusedSecretValue; mid=Z' } }), 400, 'validation_failed');
		expect(instagram.issues![0]!.message).toBe('the Instagram login cookie (sessionid) is missing');
		// TikTok's login cookie is not Instagram's, and the other way round.
		await refused(call('PUT', '/api/platform-sessions/instagram', { json: { cookie: 'sid_tt=refusedSecretValue' } }), 400, 'validation_failed');
		const tiktok = await refused(call('PUT', '/api/platform-sessions/tiktok', { json: { cookie: 'tt_csrf_token=refusedSecretValue' } }), 400, 'validation_failed');
		expect(tiktok.issues![0]!.message).toBe('the TikTok login cookie (sessionid or sessionid_ss or sid_tt) is missing');
	});

	it('a body that is not JSON, or not sent as JSON: 400, 415', async () => {
		await refused(call('PUT', '/api/platform-sessions/instagram', { body: '{"cookie": ', headers: { 'content-type': 'application/json' } }), 400, 'invalid_json');
		await refused(call('PUT', '/api/platform-sessions/instagram', { body: 'sessionid=refusedSecretValue', headers: { 'content-type': 'text/plain' } }), 415, 'unsupported_media_type');
	});

	it('another method: 405 with Allow', async () => {
		for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
			const res = await call(method, '/api/platform-sessions', { json: {} });
			expect(res.status, method).toBe(405);
			expect(res.headers.get('allow')).toBe('GET');
			expect(ApiError.parse(res.json()).error.code).toBe('method_not_allowed');
		}
		for (const method of ['GET', 'POST', 'PATCH']) {
			const res = await call(method, '/api/platform-sessions/instagram', method === 'GET' ? {} : { json: { cookie: 'sessionid=x' } });
			expect(res.status, method).toBe(405);
			expect(res.headers.get('allow')).toBe('PUT, DELETE');
		}
	});

	it('without signing in, or with a revoked token: 401', async () => {
		await refused(call('GET', '/api/platform-sessions', { token: null }), 401, 'unauthorized');
		await refused(call('PUT', '/api/platform-sessions/instagram', { token: null, json: { cookie: 'sessionid=x' } }), 401, 'unauthorized');
		await refused(call('DELETE', '/api/platform-sessions/instagram', { token: null }), 401, 'unauthorized');
		await refused(call('GET', '/api/platform-sessions', { token: 'cm_notatoken' }), 401, 'invalid_token');
	});

	it('a signed-in browser on another site: 403', async () => {
		const res = call('PUT', '/api/platform-sessions/instagram', { token: null, json: { cookie: 'sessionid=x' }, headers: { cookie: alice.cookie, origin: 'https://evil.example' } });
		await refused(res, 403, 'cross_site_request');
	});

	it('none of it changed the saved session', async () => {
		expect(await list()).toEqual(saved);
	});
});

describe("someone else's session", () => {
	it('is not in their list, cannot be removed by them, and theirs is apart', async () => {
		expect(await list(bob.token)).toEqual([]);
		await refused(call('DELETE', '/api/platform-sessions/instagram', { token: bob.token }), 404, 'not_found');
		expect((await list(alice.token)).map((s) => s.platform)).toEqual(['instagram']);

		expect((await call('PUT', '/api/platform-sessions/instagram', { token: bob.token, json: { cookie: BOB_INSTAGRAM } })).status).toBe(200);
		const [bobs] = await list(bob.token);
		const [alices] = await list(alice.token);
		expect(bobs!.savedAt).not.toBe(alices!.savedAt);
		expect((await call('DELETE', '/api/platform-sessions/instagram', { token: bob.token })).status).toBe(204);
		expect(await list(alice.token)).toEqual([alices]);
	});
});

describe('the cookie stays secret, and the API document lists it all', () => {
	it('no answer of the run carried any part of a cookie', () => {
		expect(bodies.length).toBeGreaterThan(40);
		for (const secret of SECRETS) expect(bodies.filter((b) => b.includes(secret)), secret).toEqual([]);
	});

	it('neither did the server log, at debug level', () => {
		const log = server.logs();
		// The log is read at all: the sign-ups above are in it.
		expect(log).toMatch(/account created/);
		for (const secret of SECRETS) expect(log.includes(secret), secret).toBe(false);
	});

	it('GET /api/openapi.json documents every route, and every refusal seen here under its status', async () => {
		const res = await server.api('/api/openapi.json', { auth: false });
		const doc = (await res.json()) as { paths: Record<string, Record<string, { responses: Record<string, { description: string }>; requestBody?: unknown }>> };
		const collection = doc.paths['/api/platform-sessions']!;
		const one = doc.paths['/api/platform-sessions/{platform}']!;
		expect(Object.keys(collection).filter((k) => k !== 'parameters')).toEqual(['get']);
		expect(Object.keys(one).filter((k) => k !== 'parameters').sort()).toEqual(['delete', 'put']);
		expect(collection.get!.responses['200']).toBeDefined();
		expect(one.put!.responses['200']).toBeDefined();
		expect(one.delete!.responses['204']).toBeDefined();
		expect(one.put!.requestBody).toMatchObject({ required: true });

		// 405s are documented once for every path (the document's description), not per operation.
		const seen = refusals.filter((r) => r.status !== 405);
		expect(new Set(seen.map((r) => r.status))).toEqual(new Set([400, 401, 403, 404, 413, 415]));
		for (const { method, path, status, code } of seen) {
			const op = doc.paths[path]?.[method.toLowerCase()];
			expect(op?.responses[String(status)]?.description, `${method} ${path} ${status}`).toContain(`\`${code}\``);
		}
		expect(one.put!.responses['400']!.description).toMatch(/login cookie/);
	});
});
