import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import http from 'node:http';
import { isIP, type AddressInfo } from 'node:net';
import { createApp, type App } from '../../src/lib/server/app';
import { parseConfig } from '../../src/lib/server/config';
import { isPublicAddress } from '../../src/lib/server/net/address';
import type { AddressPolicy } from '../../src/lib/server/net/guarded-lookup';
import { signUp } from '../../src/lib/server/auth/users';
import { enqueueShare } from '../../src/lib/server/shares/enqueue';
import type { ItemDetail } from '../../src/lib/contract/queue';
import { deferred, within } from '../helpers/deferred';
import { testLogger } from '../helpers/logger';
import { recipePage } from '../helpers/recipe-page';
import { serverStorage, type ServerStorage } from '../helpers/server';
import { startTandoorServer, type TandoorServer } from '../helpers/tandoor-server';
import { itemEnded } from '../helpers/item-end';

/**
 * The SSRF guard as the whole pipeline uses it: a link shared the way the API shares it, run by
 * the app's own worker with private addresses refused (the production default). The app is the
 * real composition (createApp); only its address policy is staged, so that a fixture on
 * 127.0.0.3 plays a public site and names resolve as the test says. Every private address below
 * has a peer listening behind it on the public site's port (127.0.0.1 and ::1), which answers a
 * good recipe: an item that fails without a hit there was refused before any request left.
 */

const PUBLIC = '127.0.0.3';
type Handler = (req: http.IncomingMessage, res: http.ServerResponse, url: URL) => void;

const closes: Array<() => void> = [];
let port = 0;
const peerHits: string[] = [];

const slowSockets: Array<ReturnType<typeof deferred<void>>> = [];
/** Resolves when the server side of the next slow answer is closed (its slot is free). */
function nextSlowClose() {
	const closed = deferred();
	slowSockets.push(closed);
	return closed.promise;
}

const onPublic: Record<string, Handler> = {
	'/soup': (_q, res, url) => {
		const image = url.searchParams.get('image');
		res.writeHead(200, { 'content-type': 'text/html' }).end(recipePage('Pea Soup', image ? `<meta property="og:image" content="${image.replace(/"/g, '&quot;')}">` : ''));
	},
	'/redirect': (_q, res, url) => res.writeHead(302, { location: url.searchParams.get('to')! }).end(),
	// Closing makes the next hop open (and resolve) a new connection: where a rebinding name strikes.
	'/hop-close': (_q, res) => res.writeHead(302, { location: '/soup', connection: 'close' }).end(),
	'/slow-headers': (req, res) => trickle(req, res, 'HTTP/1.1 200 OK\r\ncontent-type: text/html\r\n'),
	'/slow-body': (req, res) => {
		res.writeHead(200, { 'content-type': 'text/html' });
		trickle(req, res);
	},
	'/huge-header': (_q, res) => res.writeHead(200, { 'content-type': 'text/html', 'x-filler': 'a'.repeat(1024 * 1024) }).end(recipePage('Pea Soup')),
	'/many-headers': (_q, res) => {
		for (let i = 0; i < 10_000; i++) res.setHeader(`x-filler-${i}`, 'v');
		res.writeHead(200, { 'content-type': 'text/html' }).end(recipePage('Pea Soup'));
	}
};

/** One byte a second, forever: raw bytes on the socket (headers) or the body through `res`. */
function trickle(req: http.IncomingMessage, res: http.ServerResponse, raw?: string) {
	const socket = req.socket;
	let i = 0;
	const drip = setInterval(() => {
		if (raw) socket.write(raw[i++ % raw.length]!);
		else res.write('x');
	}, 1000);
	socket.once('close', () => {
		clearInterval(drip);
		slowSockets.shift()?.resolve();
	});
}

async function listen(host: string, handler: Handler, at: number): Promise<number> {
	const server = http.createServer((req, res) => handler(req, res, new URL(req.url ?? '/', 'http://x')));
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(at, host, resolve);
	});
	closes.push(() => {
		server.closeAllConnections();
		server.close();
	});
	return (server.address() as AddressInfo).port;
}

/** The public site on 127.0.0.3 and, on the same port, the private peer on 127.0.0.1 and ::1. */
async function startSites() {
	for (let tries = 0; ; tries++) {
		port = await listen(PUBLIC, (req, res, url) => (onPublic[url.pathname] ?? ((_q, r) => r.writeHead(404).end()))(req, res, url), 0);
		try {
			const peer: Handler = (req, res) => {
				peerHits.push(`${req.socket.localAddress} ${req.url}`);
				res.writeHead(200, { 'content-type': 'text/html' }).end(recipePage('Internal Secret'));
			};
			await listen('127.0.0.1', peer, port);
			await listen('::1', peer, port);
			return;
		} catch (err) {
			// Another suite took the port on 127.0.0.1: start over on a fresh one.
			if (tries > 5) throw err;
			closes.splice(0).forEach((close) => close());
		}
	}
}

/** DNS as the test stages it (each lookup takes the next answer; the last repeats). */
let answers: Record<string, string[][]> = {};
const policy: AddressPolicy = {
	isPublic: (address) => address === PUBLIC || isPublicAddress(address),
	async resolve(hostname) {
		const queue = answers[hostname];
		const answer = queue && queue.length > 1 ? queue.shift() : queue?.[0];
		if (!answer) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
		return answer.map((address) => ({ address, family: isIP(address) }));
	}
};

let storage: ServerStorage;
let app: App;
let userId: string;
let tandoor: TandoorServer;

beforeAll(async () => {
	await startSites();
	storage = await serverStorage();
	const config = parseConfig({
		...storage.env,
		LOG_LEVEL: 'silent',
		QUEUE_POLL_MS: '100',
		QUEUE_CONCURRENCY: '8',
		// One attempt: a retryable failure (a timeout) ends the item at once, as `dead`.
		QUEUE_RETRY_ATTEMPTS: '1',
		FETCH_TIMEOUT_MS: '1500',
		// One page at a time per host: a later share to the same site proves the slot was freed.
		FETCH_HOST_CONCURRENCY: '1',
		FETCH_HOST_RATE_PER_MINUTE: '6000'
	});
	expect(config.FETCH_ALLOW_PRIVATE).toBe(false);
	app = await createApp({ config, log: testLogger, addressPolicy: policy });
	userId = (await signUp(app.database, 'alice', 'correct horse battery staple', 'first-only')).id;
	tandoor = await startTandoorServer({ token: 'tandoor-token' });
});

afterAll(async () => {
	await app?.shutdown();
	await storage?.cleanup();
	await tandoor?.close();
	closes.forEach((close) => close());
});

beforeEach(() => {
	peerHits.length = 0;
	answers = { 'recipes.example': [[PUBLIC]], 'intranet.example': [['127.0.0.1']] };
});

async function share(url: string): Promise<string> {
	const result = await enqueueShare(app, userId, { url });
	if (result.kind === 'saved') throw new Error(`${url} is already a saved recipe`);
	return result.item.id;
}

function finished(id: string): Promise<ItemDetail> {
	return itemEnded(app, userId, id);
}

const site = (path: string) => `http://recipes.example:${port}${path}`;

// Every way to spell a private address in a link; each reaches the peer if it is not refused.
const privateLinks: Record<string, () => string> = {
	'loopback': () => `http://127.0.0.1:${port}/secret`,
	'IPv6 loopback': () => `http://[::1]:${port}/secret`,
	'the cloud metadata service': () => 'http://169.254.169.254/latest/meta-data/iam/',
	'decimal IPv4': () => `http://2130706433:${port}/secret`,
	'octal IPv4': () => `http://0177.0.0.1:${port}/secret`,
	'hex IPv4, short': () => `http://0x7f.1:${port}/secret`,
	'short IPv4': () => `http://127.1:${port}/secret`,
	'the unspecified address (Linux connects it to loopback)': () => `http://0.0.0.0:${port}/secret`,
	'IPv4-mapped': () => `http://[::ffff:127.0.0.1]:${port}/secret`,
	'IPv4-mapped, hex': () => `http://[::ffff:7f00:1]:${port}/secret`,
	'IPv4-mapped, long form': () => `http://[0:0:0:0:0:ffff:7f00:0001]:${port}/secret`,
	'IPv6 unspecified': () => `http://[::]:${port}/secret`,
	'NAT64': () => `http://[64:ff9b::7f00:1]:${port}/secret`,
	'6to4': () => `http://[2002:7f00:1::]:${port}/secret`,
	'localhost': () => `http://localhost:${port}/secret`,
	'a name that resolves to loopback': () => `http://intranet.example:${port}/secret`
};

describe('SSRF through the pipeline: the item fails as a blocked address and nothing private is asked', () => {
	it('the staged public site is fetched and saved (so the refusals below are the guard, not the setup)', async () => {
		const item = await finished(await share(site('/soup')));
		expect(item).toMatchObject({ status: 'success', results: { title: 'Pea Soup' } });
		expect(peerHits).toEqual([]);
	});

	it.each(Object.keys(privateLinks))('%s, shared directly and reached by a redirect', async (label) => {
		const target = privateLinks[label]!();
		const items = await Promise.all([share(target), share(site(`/redirect?to=${encodeURIComponent(target)}`))].map(async (id) => finished(await id)));
		for (const item of items) {
			expect(item).toMatchObject({ status: 'error', error: { kind: 'permanent', code: 'blocked_address', message: expect.stringMatching(/^refusing to fetch .+: it (is|resolves to) a private or reserved address/) } });
		}
		expect(peerHits).toEqual([]);
	});

	it('DNS rebinding: a name public on its first answer and private on the next is refused on the next connection', async () => {
		answers['rebind.example'] = [[PUBLIC], ['127.0.0.1']];
		const item = await finished(await share(`http://rebind.example:${port}/hop-close`));
		expect(item).toMatchObject({
			status: 'error',
			error: { code: 'blocked_address', message: 'refusing to fetch rebind.example: it resolves to a private or reserved address (127.0.0.1)' }
		});
		expect(peerHits).toEqual([]);
	});
});

describe('SSRF through the pipeline: a recipe’s picture', () => {
	beforeAll(async () => {
		await app.targets.settings.save(userId, { kind: 'tandoor', baseUrl: tandoor.origin, token: 'tandoor-token' });
	});
	afterAll(async () => {
		await app.targets.settings.reset(userId);
	});

	const withPicture = (image: string, page = site('/soup')) => `${page}?image=${encodeURIComponent(image)}`;

	it.each([
		['on the loopback address', () => withPicture(`http://127.0.0.1:${port}/pic.png`)],
		['on IPv6 loopback, IPv4-mapped', () => withPicture(`http://[::ffff:7f00:1]:${port}/pic.png`)],
		['behind a redirect to the metadata service', () => withPicture(site(`/redirect?to=${encodeURIComponent('http://169.254.169.254/latest/meta-data/')}`))],
		['behind a redirect to loopback', () => withPicture(site(`/redirect?to=${encodeURIComponent(`http://127.0.0.1:${port}/pic.png`)}`))],
		// The page comes from the name's first (public) answer; the picture's connection gets the next.
		['on a name that rebinds to loopback after the page was fetched', () => withPicture(`http://rebind.example:${port}/pic.png`, `http://rebind.example:${port}/soup`)]
	])('%s is never downloaded: the recipe is saved without it, and says why', async (_, link) => {
		answers['rebind.example'] = [[PUBLIC], ['127.0.0.1']];
		const item = await finished(await share(link()));
		expect(item.status).toBe('success');
		expect(JSON.stringify(item.results)).toMatch(/saved without its picture: the picture could not be downloaded: refusing to fetch [^"]+ private or reserved address/);
		expect(peerHits).toEqual([]);
	});
});

describe('hostile answers through the pipeline end with a clear error and free the site’s slot', () => {
	it.each([
		['headers trickled a byte a second', '/slow-headers', 'did not answer within 2 s'],
		['a body trickled forever', '/slow-body', 'sent the page too slowly (not done within 2 s)']
	])('%s: timed out, the connection closed', async (_, path, words) => {
		const closed = nextSlowClose();
		const item = await finished(await share(site(path)));
		expect(item).toMatchObject({ status: 'dead', error: { kind: 'retryable', code: 'timeout', message: `recipes.example:${port} ${words}` } });
		await within(closed, 5_000, 'the slow connection to close');
		// The site allows one fetch at a time: this one runs only if the slow one let go.
		expect(await finished(await share(site(`/soup?after=${path}`)))).toMatchObject({ status: 'success' });
	});

	it.each([
		['a 1 MB header', '/huge-header'],
		['10,000 headers', '/many-headers']
	])('%s: refused for good, in words', async (_, path) => {
		const item = await finished(await share(site(path)));
		expect(item).toMatchObject({
			status: 'error',
			error: { kind: 'permanent', code: 'too_large', message: `recipes.example:${port} sent more response headers than we read (over 16 KiB)` }
		});
	});
});
