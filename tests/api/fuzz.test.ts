import http from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../src/lib/contract/errors';
import { openApiDocument, operations, schemaComponents, type SchemaName } from '../../src/lib/server/http/openapi';
import { anyText, fuzzRuns, oddChar } from '../helpers/fuzz';
import { serverStorage, startServer, type Account, type ServerProcess, type ServerStorage } from '../helpers/server';

/**
 * Every API route, documented or not, on random and malformed requests: odd ids and paths, odd
 * query strings, random and broken JSON, wrong media types, bodies over the limit, from every kind
 * of caller. The answer is a 2xx, or a 4xx in the `{error:{code,message}}` shape with a status the
 * OpenAPI document lists for the route; never a 5xx. At the end the server still answers and has
 * logged no error. Requests go out through node:http, which sends a path as written (fetch would
 * resolve "..", re-encode "%" and refuse some bytes).
 */

let storage: ServerStorage;
let server: ServerProcess;
let account: Account;
const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });

beforeAll(async () => {
	storage = await serverStorage();
	// No worker: the links it enqueues stay pending rather than being fetched.
	server = await startServer(storage, { QUEUE_PROCESSING_ENABLED: 'false' });
	account = await server.signUp();
});

afterAll(async () => {
	agent.destroy();
	await server?.stop();
	await storage?.cleanup();
});

interface Answer {
	status: number;
	contentType: string;
	location: string;
	body: string;
}

/**
 * One raw request. An event stream is cut off once its status is known. A body's length is said
 * outright: node:http sends a DELETE's body without one, which the server then reads as the next
 * request (and answers with its HTTP parser's bare 400).
 */
function send(method: string, path: string, headers: Record<string, string>, body?: Buffer): Promise<Answer> {
	const { hostname, port } = new URL(server.origin);
	if (body) headers = { ...headers, 'content-length': String(body.length) };
	return new Promise((resolve, reject) => {
		const req = http.request({ host: hostname, port, method, path, headers, agent, timeout: 15_000 }, (res) => {
			const contentType = res.headers['content-type'] ?? '';
			if (contentType.startsWith('text/event-stream')) {
				res.destroy();
				return resolve({ status: res.statusCode!, contentType, location: '', body: '' });
			}
			const chunks: Buffer[] = [];
			res.on('data', (c: Buffer) => chunks.push(c));
			res.on('end', () => resolve({ status: res.statusCode!, contentType, location: res.headers.location ?? '', body: Buffer.concat(chunks).toString('utf8') }));
			res.on('error', reject);
		});
		req.on('timeout', () => req.destroy(new Error(`no answer to ${method} ${path.slice(0, 200)} within 15 s`)));
		req.on('error', reject);
		req.end(body);
	});
}

// --- Who calls ------------------------------------------------------------------------------------

type Caller = 'anonymous' | 'token' | 'session' | 'cross-site session' | 'bad token' | 'bad cookie';
const callers: Caller[] = ['anonymous', 'token', 'session', 'cross-site session', 'bad token', 'bad cookie'];

function credentials(caller: Caller, odd: string): Record<string, string> {
	switch (caller) {
		case 'anonymous':
			return {};
		case 'token':
			return { authorization: `Bearer ${account.token}` };
		case 'session':
			return { cookie: account.cookie, origin: server.origin };
		case 'cross-site session':
			return { cookie: account.cookie, origin: 'https://evil.example' };
		case 'bad token':
			return { authorization: `Bearer cm_${encodeURIComponent(odd.toWellFormed())}` };
		case 'bad cookie':
			return { cookie: `cookmark_session=${encodeURIComponent(odd.toWellFormed())}`, origin: server.origin };
	}
}

// --- Where ----------------------------------------------------------------------------------------

/** Path segments that are no id: not UUIDs, huge numbers, traversal, encoded slashes, bad escapes. */
const oddSegment = fc.oneof(
	fc.uuid(),
	fc.constantFrom(
		'..', '%2e%2e', '..%2f..%2fetc%2fpasswd', '%2F', 'a%2Fb', '%00', '%', '%zz', '%E0%A4%A', '%ED%A0%80', '%C0%AF', '-1', '0',
		'9'.repeat(400), '1e309', 'NaN', 'null', 'undefined', '__proto__', 'constructor', 'a'.repeat(5_000), '00000000-0000-0000-0000-000000000000',
		'AAAAAAAA-AAAA-AAAA-AAAA-AAAAAAAAAAAA', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', ';', '%3B', '@', '~', '%20', '+'
	),
	anyText(40).map((s) => encodeURIComponent(s.toWellFormed()))
);

/** Query strings: repeated keys, huge values, bad escapes, keys of the routes' own. */
const queryKey = fc.constantFrom('status', 'limit', 'offset', 'batch', 'q', 'cursor', 'itemId', 'lastEventId', 'highlight', '__proto__', '', 'a[]');
const queryValue = fc.oneof(
	fc.constantFrom('', '-1', '0', '1', '100', '101', '1e309', '9'.repeat(400), 'NaN', 'pending,error', 'nope', '%', '%zz', '%ED%A0%80', 'x'.repeat(8_000)),
	fc.integer().map(String),
	fc.uuid(),
	anyText(30).map((s) => encodeURIComponent(s.toWellFormed()))
);
const query = fc.oneof(
	fc.constant(''),
	fc.array(fc.tuple(queryKey, queryValue), { minLength: 1, maxLength: 6 }).map((pairs) => '?' + pairs.map(([k, v]) => `${k}=${v}`).join('&')),
	fc.constantFrom('?', '?&&&', '?=', '?%', '?limit', '?limit=1&limit=2&limit=3')
);

const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'];
const UNKNOWN_PATHS = ['/api', '/api/', '/api/nope', '/api/queue/x/y/z', '/api//queue', '/api/queue/', '/api/QUEUE', '/api/queue/stream/x', '/api/tokens/x/y'];

/** A documented route with `{id}` filled in, or a path no route has. */
const target = fc.oneof(
	{ weight: 5, arbitrary: fc.tuple(fc.constantFrom(...operations), oddSegment, fc.boolean()).map(([op, id, sameMethod]) => ({ op, path: op.path.replace('{id}', id), sameMethod })) },
	{ weight: 1, arbitrary: fc.tuple(fc.constantFrom(...UNKNOWN_PATHS), fc.array(oddSegment, { maxLength: 2 })).map(([p, rest]) => ({ op: null, path: [p, ...rest].join('/'), sameMethod: false })) }
);

// --- What -----------------------------------------------------------------------------------------

const MAX_BODY = 64 * 1024;
const bodyKeys = [
	...new Set(
		operations.flatMap((op) => {
			const schema = op.body ? (schemaComponents[op.body as SchemaName].schema as { shape?: object }) : null;
			return schema?.shape ? Object.keys(schema.shape) : [];
		})
	),
	'__proto__',
	'constructor'
];
/** Wrong types, edge numbers, unicode edges, strings near and over the body limit. */
const hostileValue = fc.oneof(
	fc.jsonValue({ maxDepth: 3 }),
	anyText(200),
	fc.constantFrom(
		'https://example.com/pie', 'example.com', 'javascript:alert(1)', 'http://127.0.0.1:1/', 'alice', 'correct horse battery staple', 'tandoor', 'mealie',
		1e308, -0, Number.MAX_SAFE_INTEGER + 2, -1, 0.5, true, null, [], {}, '\u202eevil', '\0', 'a\u0000b'
	),
	fc.tuple(oddChar, fc.integer({ min: 10_000, max: 100_000 })).map(([c, n]) => c.repeat(n))
);
const jsonBody = fc.oneof(
	fc.dictionary(fc.constantFrom(...bodyKeys), hostileValue, { maxKeys: 5 }).map((o) => JSON.stringify(o)),
	fc.jsonValue().map((v) => JSON.stringify(v) ?? 'null'),
	fc.constantFrom('{', '{"url":', '[', '', ' ', 'null', 'NaN', '{"a":1}x', '\ufeff{}', '{"url":"\\ud800"}', '{"__proto__":{"admin":true}}'),
	fc.integer({ min: 1_000, max: 40_000 }).map((n) => '['.repeat(n) + ']'.repeat(n)),
	fc.integer({ min: 1_000, max: 20_000 }).map((n) => '{"a":'.repeat(n) + '1' + '}'.repeat(n)),
	anyText(300)
);
const contentType = fc.constantFrom(
	'application/json', 'application/json', 'application/json; charset=utf-8', 'APPLICATION/JSON', 'application/json;charset=latin1',
	'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/jsonx', '', 'application/ld+json'
);
const body = fc.option(fc.record({ text: jsonBody, contentType, huge: fc.boolean() }), { nil: undefined });

const request = fc.record({ target, method: fc.constantFrom(...METHODS), query, body, caller: fc.constantFrom(...callers), odd: anyText(30) });
type Request = typeof request extends fc.Arbitrary<infer R> ? R : never;

// --- What may come back ---------------------------------------------------------------------------

const documented = (() => {
	const doc = openApiDocument({ version: 'fuzz' }) as { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };
	return (path: string, method: string) => Object.keys(doc.paths[path]?.[method]?.responses ?? {}).map(Number);
})();

// Ending a session while the fuzzer still uses it would leave the rest of the run signed out.
const endsSession = (path: string) => path === '/api/auth/logout' || path === '/api/auth/logout-all';

async function check(r: Request): Promise<void> {
	const op = r.target.op;
	const method = op && r.target.sameMethod ? op.method.toUpperCase() : r.method;
	const caller = op && endsSession(op.path) && ['token', 'session'].includes(r.caller) ? 'bad cookie' : r.caller;
	const headers: Record<string, string> = { ...credentials(caller, r.odd) };
	let payload: Buffer | undefined;
	if (r.body && !['GET', 'HEAD'].includes(method)) {
		// A body just over the limit, most of it a valid JSON string.
		const text = r.body.huge ? JSON.stringify({ text: 'x'.repeat(MAX_BODY) }) : r.body.text;
		payload = Buffer.from(text);
		if (r.body.contentType) headers['content-type'] = r.body.contentType;
	}
	const path = r.target.path + r.query;
	const answer = await send(method, path, headers, payload);
	const where = `${method} ${path.slice(0, 300)} as ${caller} → ${answer.status} ${answer.body.slice(0, 300)}`;

	expect(answer.status, where).toBeLessThan(500);
	// "/api/.." is the app's home page, which sends a visitor to sign in: only the API answers in JSON.
	if (!/^\/api(?:\/|$)/.test(new URL(path, server.origin).pathname)) return;
	// The one redirect, to the path written plainly (no slash at the end, no "."): on this server.
	if (answer.status >= 300 && answer.status < 400) {
		expect(answer.status, where).toBe(308);
		expect(answer.location, where).toMatch(/^\/(?!\/)/);
	}
	if (answer.status >= 400 && method !== 'HEAD') {
		expect(answer.contentType, where).toMatch(/^application\/json/);
		expect(() => ApiError.parse(JSON.parse(answer.body)), where).not.toThrow();
	}
	// The route this request names, as written: a documented status. (Paths whose id holds
	// a slash, a dot segment or a bad escape, or is empty, may name another route, or none.)
	const id = op?.path.includes('{id}') ? decodeSafely(r.target.path.split('/').at(op.path.split('/').indexOf('{id}'))!) : '';
	const plainPath = id !== null && /^[^/]+$/.test(id) && id !== '.' && id !== '..';
	if (op && method === op.method.toUpperCase() && plainPath) {
		expect(documented(op.path, op.method), where).toContain(answer.status);
	}
}

const decodeSafely = (s: string) => {
	try {
		return decodeURIComponent(s);
	} catch {
		return null;
	}
};

describe('what the fuzzer found, as plain requests', () => {
	it('a request line over Node’s 16 KB header limit is a JSON 431, not an empty answer', async () => {
		const answer = await send('PATCH', `/api/00000000-0000-0000-0000-000000000000?status=${'x'.repeat(20_000)}`, credentials('token', ''));
		expect(answer.status).toBe(431);
		expect(answer.contentType).toMatch(/^application\/json/);
		expect(ApiError.parse(JSON.parse(answer.body)).error.code).toBe('headers_too_large');
	});

	it('a path that is no valid percent-encoding is a JSON 400, not the HTML error page', async () => {
		for (const path of ['/api/recipes/%C0%AF/jsonld', '/api/queue/%E0%A4%A', '/api/nope/%ff']) {
			const answer = await send('GET', path, credentials('token', ''));
			expect(answer.status, path).toBe(400);
			expect(ApiError.parse(JSON.parse(answer.body)).error.code).toBe('malformed_path');
		}
	});

	it('a share of 19,000 brackets after a link is answered at once (findLink was cubic on them)', async () => {
		const start = Date.now();
		const answer = await send('POST', '/api/queue', { ...credentials('token', ''), 'content-type': 'application/json' }, Buffer.from(JSON.stringify({ text: 'https://a.example/x' + ')'.repeat(19_000) })));
		expect(answer.status).toBe(201);
		expect(JSON.parse(answer.body).url).toBe('https://a.example/x');
		expect(Date.now() - start).toBeLessThan(5_000);
	});

	it('HEAD on the event stream is answered with its headers (it waited for a stream that never ends)', async () => {
		const answer = await send('HEAD', '/api/queue/stream', credentials('token', ''));
		expect(answer.status).toBe(200);
		expect(answer.contentType).toMatch(/^text\/event-stream/);
	});
});

describe('every API route on random and malformed requests', () => {
	it('answers 2xx or a documented 4xx in the error shape, never a 5xx', async () => {
		await fc.assert(fc.asyncProperty(request, check), fuzzRuns(400));
	}, 120_000);

	it('is still up, and logged no error', async () => {
		const res = await server.api('/api/health', { auth: false });
		expect(res.status).toBe(200);
		expect(server.process.exitCode).toBeNull();
		const errors = server
			.logs()
			.split('\n')
			.filter((line) => /"level":(50|60)|unhandled|uncaught/i.test(line));
		expect(errors).toEqual([]);
	});
});
