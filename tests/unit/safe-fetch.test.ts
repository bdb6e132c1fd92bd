import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gzipSync } from 'node:zlib';
import { guardedLookup, safeFetch } from '../../src/lib/server/net/safe-fetch';
import { classifyError } from '../../src/lib/server/queue/errors';
import { html, startHttpServer } from '../helpers/http-server';

let site: Awaited<ReturnType<typeof startHttpServer>>;
beforeAll(async () => {
	site = await startHttpServer({
		'/page': html('<title>Pie</title>'),
		'/latin1': (_q, res) => res.writeHead(200, { 'content-type': 'text/html; charset=iso-8859-1' }).end(Buffer.from([0x63, 0x72, 0xe8, 0x6d, 0x65])),
		'/gzip': (_q, res) => res.writeHead(200, { 'content-type': 'text/html', 'content-encoding': 'gzip' }).end(gzipSync('<p>zipped</p>')),
		'/big': (_q, res) => {
			res.writeHead(200, { 'content-type': 'text/html' });
			res.end('x'.repeat(300_000));
		},
		'/image': (_q, res) => res.writeHead(200, { 'content-type': 'image/png' }).end('png'),
		'/gone': (_q, res) => res.writeHead(410, { 'content-type': 'text/html' }).end('gone'),
		'/busy': (_q, res) => res.writeHead(503, { 'content-type': 'text/html', 'retry-after': '7' }).end('busy'),
		'/hop': (_q, res) => res.writeHead(302, { location: '/page' }).end(),
		'/loop': (_q, res) => res.writeHead(302, { location: '/loop' }).end(),
		'/to-file': (_q, res) => res.writeHead(302, { location: 'file:///etc/passwd' }).end()
	});
});
afterAll(() => site.close());

const open = { maxBytes: 100_000, timeoutMs: 5_000, allowPrivate: true };
const guarded = { ...open, allowPrivate: false };

async function failure(promise: Promise<unknown>) {
	try {
		await promise;
	} catch (err) {
		return classifyError(err);
	}
	throw new Error('expected the fetch to fail');
}

describe('safeFetch: SSRF guard', () => {
	it.each([
		'http://127.0.0.1/',
		'http://localhost/',
		'http://app.localhost/',
		'http://2130706433/',
		'http://0x7f.1/',
		'http://[::1]/',
		'http://[::ffff:127.0.0.1]/',
		'http://169.254.169.254/latest/meta-data/',
		'http://10.0.0.1/',
		'http://192.168.0.1/'
	])('refuses %s before connecting', async (url) => {
		expect(await failure(safeFetch(url, guarded))).toMatchObject({ kind: 'permanent', code: 'blocked_address' });
	});

	it('refuses the fixture site itself when private addresses are not allowed', async () => {
		const before = site.hits.length;
		expect(await failure(safeFetch(`${site.origin}/page`, guarded))).toMatchObject({ code: 'blocked_address' });
		expect(site.hits.length).toBe(before); // no request reached it
	});

	it('checks every DNS answer at connect time', async () => {
		const result = await new Promise<{ err: unknown }>((resolve) => guardedLookup('localhost', {}, (err) => resolve({ err })));
		expect(classifyError(result.err)).toMatchObject({ kind: 'permanent', code: 'blocked_address' });
	});

	it.each(['file:///etc/passwd', 'ftp://example.com/', 'gopher://x/', 'javascript:alert(1)', 'http://user:pw@example.com/'])(
		'refuses %s',
		async (url) => {
			expect(await failure(safeFetch(url, open))).toMatchObject({ kind: 'permanent', code: 'invalid_url' });
		}
	);

	it('checks each redirect hop again and bounds the number of hops', async () => {
		expect((await safeFetch(`${site.origin}/hop`, open)).url).toBe(`${site.origin}/page`);
		expect(await failure(safeFetch(`${site.origin}/to-file`, open))).toMatchObject({ code: 'invalid_url' });
		expect(await failure(safeFetch(`${site.origin}/loop`, open))).toMatchObject({ code: 'too_many_redirects' });
	});
});

describe('safeFetch: limits and decoding', () => {
	it('reads HTML, follows the declared charset, undoes gzip', async () => {
		expect((await safeFetch(`${site.origin}/page`, open)).body).toBe('<title>Pie</title>');
		expect((await safeFetch(`${site.origin}/latin1`, open)).body).toBe('crème');
		expect((await safeFetch(`${site.origin}/gzip`, open)).body).toBe('<p>zipped</p>');
	});

	it('refuses bodies over the limit and content that is not a web page', async () => {
		expect(await failure(safeFetch(`${site.origin}/big`, open))).toMatchObject({ kind: 'permanent', code: 'too_large' });
		expect(await failure(safeFetch(`${site.origin}/image`, open))).toMatchObject({ kind: 'permanent', code: 'unsupported_content' });
	});

	it('maps statuses onto the engine: 410 permanent, 503 retryable with Retry-After', async () => {
		expect(await failure(safeFetch(`${site.origin}/gone`, open))).toMatchObject({ kind: 'permanent', code: 'http_410' });
		expect(await failure(safeFetch(`${site.origin}/busy`, open))).toMatchObject({ kind: 'retryable', code: 'http_503', retryAfterMs: 7_000 });
	});

	it('gives up after the time limit, as a retryable timeout', async () => {
		const slow = await startHttpServer({ '/slow': () => {} });
		try {
			expect(await failure(safeFetch(`${slow.origin}/slow`, { ...open, timeoutMs: 200 }))).toMatchObject({
				kind: 'retryable',
				code: 'timeout',
				message: `127.0.0.1:${slow.port} did not answer within 200 ms`
			});
		} finally {
			await slow.close();
		}
	});
});

describe('safeFetch: network failures in words a person understands', () => {
	it('a refused connection is retryable', async () => {
		const gone = await startHttpServer({});
		await gone.close(); // nothing listens on its port any more
		expect(await failure(safeFetch(`${gone.origin}/x`, open))).toEqual({
			kind: 'retryable',
			code: 'network',
			message: `127.0.0.1:${gone.port} refused the connection`,
			retryAfterMs: undefined
		});
	});

	it('a name that does not resolve is a retryable DNS failure', async () => {
		expect(await failure(safeFetch('http://recipes.nonexistent.invalid/pie', open))).toMatchObject({
			kind: 'retryable',
			code: 'dns',
			message: 'could not find recipes.nonexistent.invalid (DNS lookup failed)'
		});
	});

	it("a port the fetch standard blocks is refused for good", async () => {
		expect(await failure(safeFetch('http://127.0.0.1:25/', open))).toMatchObject({ kind: 'permanent', code: 'blocked_port' });
	});
});
