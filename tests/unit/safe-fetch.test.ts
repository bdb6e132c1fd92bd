import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import http from 'node:http';
import net, { isIP, type AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { isPublicAddress } from '../../src/lib/server/net/address';
import { guardedLookupWith, lanPolicy, type AddressPolicy } from '../../src/lib/server/net/guarded-lookup';
import { guardedLookup, safeFetch } from '../../src/lib/server/net/safe-fetch';
import { classifyError } from '../../src/lib/server/failures/errors';
import { deferred, within } from '../helpers/deferred';
import { html, startHttpServer } from '../helpers/http-server';

/** A fixture on another address: an internal service the fetcher must never reach. */
async function listenOn(host: string, port: number) {
	const hits: string[] = [];
	const server = http.createServer((req, res) => {
		hits.push(req.url ?? '');
		res.writeHead(200, { 'content-type': 'text/html' }).end('<p>internal secret</p>');
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, host, resolve);
	});
	const bound = (server.address() as AddressInfo).port;
	return {
		hits,
		port: bound,
		origin: `http://${isIP(host) === 6 ? `[${host}]` : host}:${bound}`,
		close: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			})
	};
}

let site: Awaited<ReturnType<typeof startHttpServer>>;
/** Same port as `site`, on 127.0.0.2: where a rebinding answer would lead. */
let internal: Awaited<ReturnType<typeof listenOn>>;
let internal6: Awaited<ReturnType<typeof listenOn>>;

const bytes = (...parts: (string | number[])[]) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))));
const raw = (contentType: string | undefined, body: Buffer | string) => (_q: http.IncomingMessage, res: http.ServerResponse) =>
	res.writeHead(200, contentType ? { 'content-type': contentType } : {}).end(body);

beforeAll(async () => {
	site = await startHttpServer({
		'/page': html('<title>Pie</title>'),
		'/latin1': raw('text/html; charset=iso-8859-1', bytes([0x63, 0x72, 0xe8, 0x6d, 0x65])),
		'/cp1252-meta': raw('text/html', bytes('<meta charset="windows-1252"><p>', [0x63, 0x72, 0xe8, 0x6d, 0x65, 0x20, 0x80])),
		'/sjis-meta': raw(
			'text/html',
			bytes('<html><head><meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS"><title>', [0x93, 0xfa, 0x96, 0x7b, 0x82, 0xcc, 0x97, 0xbf, 0x97, 0x9d], '</title>')
		),
		'/header-beats-meta': raw('text/html; charset=utf-8', '<meta charset="windows-1252"><p>crème'),
		'/bom-beats-header': raw('text/html; charset=windows-1252', bytes([0xef, 0xbb, 0xbf], '<p>crème')),
		'/unknown-label': raw('text/html; charset=no-such-charset', bytes('<meta charset=latin1><p>', [0x63, 0x72, 0xe8, 0x6d, 0x65])),
		'/gzip': (_q, res) => res.writeHead(200, { 'content-type': 'text/html', 'content-encoding': 'gzip' }).end(gzipSync('<p>zipped</p>')),
		'/big': (_q, res) => {
			res.writeHead(200, { 'content-type': 'text/html' });
			res.end('x'.repeat(300_000));
		},
		'/big-chunked': (_q, res) => {
			res.writeHead(200, { 'content-type': 'text/html' }); // no content-length: chunked
			for (let i = 0; i < 4; i++) res.write('x'.repeat(40_000));
			res.end();
		},
		'/image': raw('image/png', 'png'),
		'/json': raw('application/json', '{}'),
		'/text': raw('text/plain', 'pie'),
		'/no-type': raw(undefined, 'pie'),
		'/shouting': raw('Text/HTML; Charset=UTF-8', '<p>ok</p>'),
		'/xhtml': raw('application/xhtml+xml', '<p>ok</p>'),
		'/to-image': (_q, res) => res.writeHead(302, { location: '/image' }).end(),
		'/missing': (_q, res) => res.writeHead(404, { 'content-type': 'text/html' }).end('missing'),
		'/gone': (_q, res) => res.writeHead(410, { 'content-type': 'text/html' }).end('gone'),
		'/forbidden': (_q, res) => res.writeHead(403, { 'content-type': 'text/html' }).end('no'),
		'/slow-down': (_q, res) => res.writeHead(429, { 'content-type': 'text/html', 'retry-after': '30' }).end('slow down'),
		'/broken': (_q, res) => res.writeHead(500, { 'content-type': 'text/html' }).end('oops'),
		'/busy': (_q, res) => res.writeHead(503, { 'content-type': 'text/html', 'retry-after': '7' }).end('busy'),
		'/hop': (_q, res) => res.writeHead(302, { location: '/page' }).end(),
		'/hop-close': (_q, res) => res.writeHead(302, { location: '/page', connection: 'close' }).end(),
		'/redirect': (req, res) => res.writeHead(302, { location: new URL(req.url!, 'http://x').searchParams.get('to')! }).end(),
		'/loop': (_q, res) => res.writeHead(302, { location: '/loop' }).end(),
		'/to-file': (_q, res) => res.writeHead(302, { location: 'file:///etc/passwd' }).end(),
		'/echo-cookie': (req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(`cookie: ${req.headers.cookie ?? '(none)'}`)
	});
	internal = await listenOn('127.0.0.2', site.port);
	internal6 = await listenOn('::1', 0);
});
afterAll(() => Promise.all([site.close(), internal.close(), internal6.close()]));

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

/**
 * The test-only address policy: staged DNS answers (each lookup takes the next; the last one
 * repeats), and by default the fixture's 127.0.0.1 plays a public address, so `site` stands in
 * for a site on the internet while 127.0.0.2, ::1 and the rest stay private.
 */
function staged(answers: Record<string, string[][]>, isPublic = (a: string) => a === '127.0.0.1' || isPublicAddress(a)) {
	const lookups: string[] = [];
	const policy: AddressPolicy = {
		isPublic,
		async resolve(hostname) {
			lookups.push(hostname);
			const queue = answers[hostname];
			const answer = queue && queue.length > 1 ? queue.shift() : queue?.[0];
			if (!answer) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
			return answer.map((address) => ({ address, family: isIP(address) }));
		}
	};
	return { policy, lookups };
}

// Every class of address a server-side fetch must not reach, in URL-literal and DNS-answer form.
const privateAddresses = {
	'loopback': '127.0.0.1',
	'loopback elsewhere in 127/8': '127.53.0.1',
	'IPv6 loopback': '::1',
	'RFC 1918 10/8': '10.0.0.1',
	'RFC 1918 172.16/12': '172.16.0.1',
	'RFC 1918 192.168/16': '192.168.1.1',
	'link-local (cloud metadata)': '169.254.169.254',
	'IPv6 link-local': 'fe80::1',
	'CGNAT 100.64/10': '100.64.0.1',
	'multicast': '224.0.0.1',
	'IPv6 multicast': 'ff02::1',
	'broadcast': '255.255.255.255',
	'unspecified': '0.0.0.0',
	'IPv6 unspecified': '::',
	'reserved 240/4': '240.0.0.1',
	'unique-local fc00::/7': 'fc00::1',
	'unique-local (AWS metadata over IPv6)': 'fd00:ec2::254',
	'IPv4-mapped loopback': '::ffff:127.0.0.1',
	'IPv4-mapped loopback, hex': '::ffff:7f00:1',
	'NAT64 loopback': '64:ff9b::7f00:1'
};
const literal = (address: string) => (isIP(address) === 6 ? `[${address}]` : address);

describe('safeFetch: SSRF guard, addresses', () => {
	it.each(Object.entries(privateAddresses))('refuses a URL naming the %s address %s', async (_, address) => {
		expect(await failure(safeFetch(`http://${literal(address)}/latest/meta-data/`, guarded))).toMatchObject({
			kind: 'permanent',
			code: 'blocked_address',
			message: `refusing to fetch ${new URL(`http://${literal(address)}/`).hostname.replace(/^\[|\]$/g, '')}: it is a private or reserved address`
		});
	});

	it.each(Object.entries(privateAddresses))('refuses a host name that resolves to the %s address %s', async (_, address) => {
		const { policy } = staged({ 'recipes.example': [[address]] }, isPublicAddress);
		expect(await failure(safeFetch(`http://recipes.example:${site.port}/page`, { ...guarded, policy }))).toMatchObject({
			kind: 'permanent',
			code: 'blocked_address',
			message: `refusing to fetch recipes.example: it resolves to a private or reserved address (${address})`
		});
	});

	it('refuses a name when any of its answers is private, not only the first', async () => {
		const { policy } = staged({ 'recipes.example': [['93.184.216.34', '10.0.0.1']] }, isPublicAddress);
		expect(await failure(safeFetch('http://recipes.example/', { ...guarded, policy }))).toMatchObject({ code: 'blocked_address' });
	});

	// Each spelling reaches the fixture when allowed, so "no hit" proves the refusal happened first.
	it.each([
		['dotted', '127.0.0.1'],
		['decimal', '2130706433'],
		['octal', '0177.0.0.1'],
		['octal, one number', '017700000001'],
		['hex', '0x7f000001'],
		['hex, dotted', '0x7f.0.0.1'],
		['short', '127.1'],
		['zero-padded', '127.000.000.001'],
		['unspecified (Linux routes it to loopback)', '0.0.0.0'],
		['unspecified, short', '0'],
		['IPv4-mapped', '[::ffff:127.0.0.1]'],
		['IPv4-mapped, hex', '[::ffff:7f00:1]'],
		['localhost', 'localhost'],
		['localhost, upper case', 'LOCALHOST'],
		['localhost, fully qualified', 'localhost.'],
		['a .localhost name', 'app.localhost']
	])('refuses the fixture site spelled %s (%s) and never reaches it', async (_, host) => {
		const before = site.hits.length;
		expect(await failure(safeFetch(`http://${host}:${site.port}/page`, guarded))).toMatchObject({ kind: 'permanent', code: 'blocked_address' });
		expect(site.hits.length).toBe(before);
	});

	it('refuses IPv6 loopback literals however they are written', async () => {
		for (const host of ['[::1]', '[0:0:0:0:0:0:0:1]', '[::0001]']) {
			expect(await failure(safeFetch(`http://${host}:${internal6.port}/`, guarded))).toMatchObject({ code: 'blocked_address' });
		}
		expect(internal6.hits).toEqual([]);
	});

	it('checks DNS answers with the system resolver too', async () => {
		const result = await new Promise<{ err: unknown }>((resolve) => guardedLookup('localhost', {}, (err) => resolve({ err })));
		expect(classifyError(result.err)).toMatchObject({ kind: 'permanent', code: 'blocked_address' });
	});

	it('a fetch allowed into private space (a person\'s own server) still never reaches link-local: cloud metadata stays out', async () => {
		for (const url of ['http://169.254.169.254/latest/meta-data/', 'http://[fe80::1]/', 'http://[::ffff:169.254.169.254]/', 'http://0.0.0.0/']) {
			expect(await failure(safeFetch(url, open)), url).toMatchObject({ kind: 'permanent', code: 'blocked_address' });
		}
		const byName = await new Promise<{ err: unknown }>((resolve) =>
			guardedLookupWith({ ...lanPolicy, resolve: async () => [{ address: '169.254.169.254', family: 4 }] })('metadata.internal', {}, (err) => resolve({ err }))
		);
		expect(classifyError(byName.err)).toMatchObject({ code: 'blocked_address' });
		// …while the LAN and this machine are reachable for it (the fixture answers).
		expect((await safeFetch(`${site.origin}/page`, open)).status).toBe(200);
	});

	it.each(['file:///etc/passwd', 'ftp://example.com/', 'gopher://x/', 'javascript:alert(1)', 'http://user:pw@example.com/', 'not a url'])(
		'refuses %s',
		async (url) => {
			expect(await failure(safeFetch(url, open))).toMatchObject({ kind: 'permanent', code: 'invalid_url' });
		}
	);
});

describe('safeFetch: SSRF guard, redirects and DNS rebinding', () => {
	beforeEach(() => {
		internal.hits.length = 0;
		internal6.hits.length = 0;
	});

	it('the staged public site is fetched (the test policy refuses only what it should)', async () => {
		const { policy, lookups } = staged({ 'recipes.example': [['127.0.0.1']] });
		const page = await safeFetch(`http://recipes.example:${site.port}/hop`, { ...guarded, policy });
		expect(page).toMatchObject({ url: `http://recipes.example:${site.port}/page`, body: '<title>Pie</title>' });
		expect(new Set(lookups)).toEqual(new Set(['recipes.example']));
	});

	it('the internal fixtures do answer when private addresses are allowed, so "never reached" below means something', async () => {
		expect((await safeFetch(`${internal.origin}/allowed`, open)).body).toBe('<p>internal secret</p>');
		expect((await safeFetch(`${internal6.origin}/allowed`, open)).body).toBe('<p>internal secret</p>');
	});

	const privateTargets: Record<string, () => string> = {
		'127.0.0.2': () => `${internal.origin}/secret`,
		'127.0.0.2 in decimal': () => `http://2130706434:${internal.port}/secret`,
		'127.0.0.2 IPv4-mapped': () => `http://[::ffff:127.0.0.2]:${internal.port}/secret`,
		'[::1]': () => `${internal6.origin}/secret`,
		'localhost': () => `http://localhost:${site.port}/page`,
		'a name resolving to 127.0.0.2': () => `http://intranet.example:${internal.port}/secret`,
		'10.0.0.1': () => 'http://10.0.0.1/admin',
		'the cloud metadata service': () => 'http://169.254.169.254/latest/meta-data/iam/',
		'the IPv6 cloud metadata service': () => 'http://[fd00:ec2::254]/latest/meta-data/'
	};

	it.each(Object.keys(privateTargets))('a redirect from a public site to %s is refused and never followed', async (label) => {
		const { policy } = staged({ 'recipes.example': [['127.0.0.1']], 'intranet.example': [['127.0.0.2']] });
		const from = `http://recipes.example:${site.port}/redirect?to=${encodeURIComponent(privateTargets[label]!())}`;
		expect(await failure(safeFetch(from, { ...guarded, policy }))).toMatchObject({ kind: 'permanent', code: 'blocked_address' });
		expect(internal.hits).toEqual([]);
		expect(internal6.hits).toEqual([]);
	});

	it('the address checked is the address connected to: one lookup per connection, inside the connect', async () => {
		// A rebinding name: public on the first answer, private ever after. A guard that resolved once
		// to check and again to connect would land on 127.0.0.2.
		const { policy, lookups } = staged({ 'rebind.example': [['127.0.0.1'], ['127.0.0.2']] });
		const page = await safeFetch(`http://rebind.example:${site.port}/page`, { ...guarded, policy });
		expect(page.body).toBe('<title>Pie</title>');
		expect(lookups).toEqual(['rebind.example']);
		expect(internal.hits).toEqual([]);
	});

	it('a rebinding answer for a later connection is refused', async () => {
		// The redirect closes the connection, so the next hop connects (and resolves) again.
		const { policy, lookups } = staged({ 'rebind.example': [['127.0.0.1'], ['127.0.0.2']] });
		const before = site.hits.length;
		expect(await failure(safeFetch(`http://rebind.example:${site.port}/hop-close`, { ...guarded, policy }))).toMatchObject({
			kind: 'permanent',
			code: 'blocked_address',
			message: 'refusing to fetch rebind.example: it resolves to a private or reserved address (127.0.0.2)'
		});
		expect(lookups).toEqual(['rebind.example', 'rebind.example']);
		expect(site.hits.slice(before)).toEqual(['/hop-close']);
		expect(internal.hits).toEqual([]);
	});

	it('a lookup that never answers is ended by the connect timeout, as a retryable failure', async () => {
		const policy: AddressPolicy = { isPublic: () => true, resolve: () => deferred<never>().promise };
		expect(await failure(safeFetch(`http://stalled.example:${site.port}/page`, { ...guarded, policy, connectTimeoutMs: 200 }))).toMatchObject({
			kind: 'retryable',
			code: 'network',
			message: `connecting to stalled.example:${site.port} timed out`
		});
	});

	it('checks each redirect hop again and bounds the number of hops', async () => {
		expect((await safeFetch(`${site.origin}/hop`, open)).url).toBe(`${site.origin}/page`);
		expect(await failure(safeFetch(`${site.origin}/to-file`, open))).toMatchObject({ code: 'invalid_url' });
		expect(await failure(safeFetch(`${site.origin}/loop`, open))).toMatchObject({ code: 'too_many_redirects' });
	});
});

describe('safeFetch: a login cookie goes only to its own hosts', () => {
	const cookie = { header: 'sessionid=alice-secret', sendTo: (host: string) => /(?:^|\.)instagram\.com$/.test(host) };
	const names = () => staged({ 'www.instagram.com': [['127.0.0.1']], 'elsewhere.example': [['127.0.0.1']] }).policy;
	const at = (host: string, path: string) => `http://${host}:${site.port}${path}`;
	const via = (from: string, to: string) => at(from, `/redirect?to=${encodeURIComponent(to)}`);

	it('is sent to its host, also after a redirect that stays there', async () => {
		expect((await safeFetch(at('www.instagram.com', '/echo-cookie'), { ...guarded, policy: names(), cookie })).body).toBe('cookie: sessionid=alice-secret');
		const stayed = via('www.instagram.com', at('www.instagram.com', '/echo-cookie'));
		expect((await safeFetch(stayed, { ...guarded, policy: names(), cookie })).body).toBe('cookie: sessionid=alice-secret');
	});

	it('is never sent to another host: not when asked directly, not after a redirect there, not back on its host after leaving', async () => {
		expect((await safeFetch(at('elsewhere.example', '/echo-cookie'), { ...guarded, policy: names(), cookie })).body).toBe('cookie: (none)');
		const left = via('www.instagram.com', at('elsewhere.example', '/echo-cookie'));
		expect((await safeFetch(left, { ...guarded, policy: names(), cookie })).body).toBe('cookie: (none)');
		const back = via('www.instagram.com', via('elsewhere.example', at('www.instagram.com', '/echo-cookie')));
		expect((await safeFetch(back, { ...guarded, policy: names(), cookie })).body).toBe('cookie: (none)');
	});
});

describe('safeFetch: a login cookie is not sent in the clear', () => {
	it('goes over https only: a plain http hop on the real network is made without it', async () => {
		const everywhere = { header: 'sessionid=alice-secret', sendTo: () => true };
		expect((await safeFetch(`${site.origin}/echo-cookie`, { ...open, cookie: everywhere })).body).toBe('cookie: (none)');
	});
});

describe('safeFetch: decoding', () => {
	it('reads HTML and undoes gzip', async () => {
		expect((await safeFetch(`${site.origin}/page`, open)).body).toBe('<title>Pie</title>');
		expect((await safeFetch(`${site.origin}/gzip`, open)).body).toBe('<p>zipped</p>');
	});

	it.each([
		['the Content-Type charset', '/latin1', 'crème'],
		['a <meta charset> alone (windows-1252)', '/cp1252-meta', '<meta charset="windows-1252"><p>crème €'],
		['a <meta http-equiv> alone (Shift_JIS)', '/sjis-meta', '日本の料理'],
		['the header before the meta tag', '/header-beats-meta', '<meta charset="windows-1252"><p>crème'],
		['a byte order mark before the header', '/bom-beats-header', '<p>crème'],
		['the meta tag when the header names no known charset', '/unknown-label', '<meta charset=latin1><p>crème']
	])('honours %s', async (_, path, expected) => {
		expect((await safeFetch(`${site.origin}${path}`, open)).body).toContain(expected);
	});
});

describe('safeFetch: size, time and content type', () => {
	it('refuses a body over the limit, declared or streamed without a length', async () => {
		expect(await failure(safeFetch(`${site.origin}/big`, open))).toMatchObject({ kind: 'permanent', code: 'too_large' });
		expect(await failure(safeFetch(`${site.origin}/big-chunked`, open))).toMatchObject({ kind: 'permanent', code: 'too_large' });
	});

	it('cuts an endless body at the limit and closes the connection', async () => {
		const closed = deferred();
		const endless = await startHttpServer({
			'/endless': (req, res) => {
				req.socket.once('close', () => closed.resolve());
				res.writeHead(200, { 'content-type': 'text/html' });
				const pump = () => {
					while (!res.destroyed && res.write('x'.repeat(16_384)));
				};
				res.on('drain', pump);
				pump();
			}
		});
		try {
			expect(await failure(safeFetch(`${endless.origin}/endless`, open))).toMatchObject({ kind: 'permanent', code: 'too_large' });
			await within(closed.promise, 5_000, 'the connection to close');
		} finally {
			await endless.close();
		}
	});

	it('ends a slow-loris body (headers, then a byte now and then) at the time limit, as a retryable timeout', async () => {
		const closed = deferred();
		const loris = await startHttpServer({
			'/trickle': (req, res) => {
				res.writeHead(200, { 'content-type': 'text/html' });
				const drip = setInterval(() => res.write('x'), 100);
				req.socket.once('close', () => {
					clearInterval(drip);
					closed.resolve();
				});
			}
		});
		try {
			expect(await failure(safeFetch(`${loris.origin}/trickle`, { ...open, timeoutMs: 400 }))).toMatchObject({
				kind: 'retryable',
				code: 'timeout',
				message: `127.0.0.1:${loris.port} sent the page too slowly (not done within 400 ms)`
			});
			await within(closed.promise, 5_000, 'the connection to close');
		} finally {
			await loris.close();
		}
	});

	it('gives up on a server that accepts and never answers, and closes the connection', async () => {
		const closed = deferred();
		// It reads (and ignores) the request: a socket that is never read does not notice the close.
		const mute = net.createServer((socket) => socket.resume());
		mute.once('connection', (socket) => socket.once('close', () => closed.resolve()));
		await new Promise<void>((resolve) => mute.listen(0, '127.0.0.1', resolve));
		const { port } = mute.address() as AddressInfo;
		try {
			expect(await failure(safeFetch(`http://127.0.0.1:${port}/`, { ...open, timeoutMs: 300 }))).toMatchObject({
				kind: 'retryable',
				code: 'timeout',
				message: `127.0.0.1:${port} did not answer within 300 ms`
			});
			await within(closed.promise, 5_000, 'the connection to close');
		} finally {
			await new Promise((resolve) => mute.close(resolve));
		}
	});

	it.each([
		['/image', 'image/png'],
		['/json', 'application/json'],
		['/text', 'text/plain'],
		['/no-type', 'no content type'],
		['/to-image', 'image/png']
	])('refuses %s (%s) for good: not a web page', async (path, type) => {
		expect(await failure(safeFetch(`${site.origin}${path}`, open))).toMatchObject({
			kind: 'permanent',
			code: 'unsupported_content',
			message: `127.0.0.1:${site.port} sent ${type}, not a web page`
		});
	});

	it('accepts HTML media types in any case, and XHTML', async () => {
		expect((await safeFetch(`${site.origin}/shouting`, open)).body).toBe('<p>ok</p>');
		expect((await safeFetch(`${site.origin}/xhtml`, open)).body).toBe('<p>ok</p>');
	});
});

describe('safeFetch: answers mapped onto the engine', () => {
	it.each([
		['/missing', { kind: 'permanent', code: 'http_404' }],
		['/gone', { kind: 'permanent', code: 'http_410' }],
		['/forbidden', { kind: 'permanent', code: 'http_403' }],
		['/slow-down', { kind: 'retryable', code: 'http_429', retryAfterMs: 30_000 }],
		['/broken', { kind: 'retryable', code: 'http_500' }],
		['/busy', { kind: 'retryable', code: 'http_503', retryAfterMs: 7_000 }]
	])('%s', async (path, expected) => {
		expect(await failure(safeFetch(`${site.origin}${path}`, open))).toMatchObject(expected);
	});

	it('says what happened in words', async () => {
		expect(await failure(safeFetch(`${site.origin}/missing`, open))).toMatchObject({ message: `127.0.0.1:${site.port} says this page does not exist (404)` });
		expect(await failure(safeFetch(`${site.origin}/slow-down`, open))).toMatchObject({ message: `127.0.0.1:${site.port} asked us to slow down (429)` });
	});

	it("the caller's own abort is passed through for the caller to explain", async () => {
		const reason = new Error('canceled');
		await expect(safeFetch(`${site.origin}/page`, { ...open, signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
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
		const { policy } = staged({});
		expect(await failure(safeFetch('http://recipes.example/pie', { ...guarded, policy }))).toMatchObject({ kind: 'retryable', code: 'dns' });
	});

	it('a port the fetch standard blocks is refused for good', async () => {
		expect(await failure(safeFetch('http://127.0.0.1:25/', open))).toMatchObject({ kind: 'permanent', code: 'blocked_port' });
	});
});

describe('safeFetch: a connection cut off under a request', () => {
	/** A site that counts connections and requests, and does to each request what `answer` says. */
	async function siteThat(answer: (req: http.IncomingMessage, res: http.ServerResponse, nthOnSocket: number) => void) {
		const perSocket = new WeakMap<object, number>();
		const seen = { connections: 0, requests: 0 };
		const server = http.createServer((req, res) => {
			seen.requests++;
			const n = (perSocket.get(req.socket) ?? 0) + 1;
			perSocket.set(req.socket, n);
			answer(req, res, n);
		});
		server.on('connection', () => seen.connections++);
		await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
		const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
		const close = () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r())));
		return { origin, seen, close };
	}

	it('a kept-alive connection the site had retired is asked again on a new one, once', async () => {
		// The site closes a connection at its second request, as one does that has just timed it out.
		const s = await siteThat((req, res, n) => (n > 1 ? req.socket.destroy() : res.writeHead(200, { 'content-type': 'text/html' }).end('<p>pie</p>')));
		try {
			expect((await safeFetch(`${s.origin}/a`, open)).body).toBe('<p>pie</p>');
			await new Promise((r) => setImmediate(r)); // undici pools the connection again a tick after the body ends
			expect((await safeFetch(`${s.origin}/b`, open)).body).toBe('<p>pie</p>');
			expect(s.seen).toEqual({ connections: 2, requests: 3 });
		} finally {
			await s.close();
		}
	});

	it('a site that cuts off every connection gets one more try, not a loop', async () => {
		const s = await siteThat((req) => req.socket.destroy());
		try {
			expect(await failure(safeFetch(`${s.origin}/a`, open))).toMatchObject({ kind: 'retryable', code: 'network', message: expect.stringContaining('was cut off') });
			expect(s.seen).toEqual({ connections: 2, requests: 2 });
		} finally {
			await s.close();
		}
	});

	it('a page cut off after it began is not asked for again here: the engine retries the attempt', async () => {
		const s = await siteThat((_req, res) => {
			res.writeHead(200, { 'content-type': 'text/html', 'content-length': '1000' });
			res.write('<p>half', () => res.destroy());
		});
		try {
			expect(await failure(safeFetch(`${s.origin}/a`, open))).toMatchObject({ kind: 'retryable', code: 'network' });
			expect(s.seen.requests).toBe(1);
		} finally {
			await s.close();
		}
	});
});
