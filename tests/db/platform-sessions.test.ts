import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import http from 'node:http';
import { isIP, type AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import { eq } from 'drizzle-orm';
import { createApp, type App } from '../../src/lib/server/app';
import { parseConfig } from '../../src/lib/server/config';
import { isPublicAddress } from '../../src/lib/server/net/address';
import type { AddressPolicy } from '../../src/lib/server/net/guarded-lookup';
import { signUp } from '../../src/lib/server/auth/users';
import { platformSessions } from '../../src/lib/server/db/schema';
import { enqueueShare } from '../../src/lib/server/shares/enqueue';
import type { ItemDetail } from '../../src/lib/contract/queue';
import { recipePage } from '../helpers/recipe-page';
import { serverStorage, type ServerStorage } from '../helpers/server';
import { itemEnded } from '../helpers/item-end';

/**
 * A saved Instagram session as the real pipeline uses it: the app is the real composition
 * (createApp) with its worker; only its address policy is staged, so that a fixture on 127.0.0.3
 * plays www.instagram.com and another site (recipes.example). Every request records the Cookie
 * header it came with.
 */

const PUBLIC = '127.0.0.3';
const ALICE_COOKIE = 'csrftoken=tok; sessionid=4242%3AaliceSecretValue%3A17';
const STALE_COOKIE = 'sessionid=4242%3AstaleSecretValue%3A17';

let port = 0;
let server: http.Server;
const seen: { host: string; path: string; cookie: string | null }[] = [];

function handle(req: http.IncomingMessage, res: http.ServerResponse) {
	const url = new URL(req.url ?? '/', 'http://x');
	const host = (req.headers.host ?? '').replace(/:\d+$/, '');
	seen.push({ host, path: url.pathname, cookie: req.headers.cookie ?? null });
	if (url.pathname === '/redirect') return res.writeHead(302, { location: url.searchParams.get('to')! }).end();
	// Instagram sends a visitor it does not know (here: the stale session) to its login page.
	if (host === 'www.instagram.com' && url.pathname.startsWith('/p/') && req.headers.cookie === STALE_COOKIE) {
		return res.writeHead(302, { location: `/accounts/login/?next=${encodeURIComponent(url.pathname)}` }).end();
	}
	if (url.pathname.startsWith('/accounts/login')) return res.writeHead(200, { 'content-type': 'text/html' }).end('<title>Login • Instagram</title>');
	res.writeHead(200, { 'content-type': 'text/html' }).end(recipePage('Pea Soup'));
}

const policy: AddressPolicy = {
	isPublic: (address) => address === PUBLIC || isPublicAddress(address),
	async resolve(hostname) {
		if (!['www.instagram.com', 'recipes.example'].includes(hostname)) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
		return [{ address: PUBLIC, family: isIP(PUBLIC) }];
	}
};

/** Everything the app logs, at debug level, kept to be searched for the secret. */
const logLines: string[] = [];
const captured = pino(
	{ level: 'debug' },
	new Writable({
		write(chunk, _encoding, done) {
			logLines.push(String(chunk));
			done();
		}
	})
);

let storage: ServerStorage;
let app: App;
let alice: string;
let bob: string;

beforeAll(async () => {
	server = http.createServer(handle);
	await new Promise<void>((resolve) => server.listen(0, PUBLIC, resolve));
	port = (server.address() as AddressInfo).port;
	storage = await serverStorage();
	const config = parseConfig({ ...storage.env, LOG_LEVEL: 'debug', QUEUE_POLL_MS: '100', QUEUE_RETRY_ATTEMPTS: '1', FETCH_HOST_RATE_PER_MINUTE: '6000' });
	app = await createApp({ config, log: captured, addressPolicy: policy });
	alice = (await signUp(app.database, 'alice', 'correct horse battery staple', 'first-only')).id;
	bob = (await signUp(app.database, 'bob', 'correct horse battery staple', 'open')).id;
});

afterAll(async () => {
	await app?.shutdown();
	await storage?.cleanup();
	server?.closeAllConnections();
	server?.close();
});

beforeEach(async () => {
	seen.length = 0;
	await app.platformSessions.save(alice, 'instagram', ALICE_COOKIE);
});

let shared = 0;
async function share(userId: string, url: string): Promise<ItemDetail> {
	// A fresh query each time: the same link twice would be the same (already saved) recipe.
	const link = `${url}${url.includes('?') ? '&' : '?'}n=${++shared}`;
	const result = await enqueueShare(app, userId, { url: link });
	if (result.kind === 'saved') throw new Error(`${link} is already a saved recipe`);
	const id = result.item.id;
	return itemEnded(app, userId, id);
}

const instagram = (path: string) => `http://www.instagram.com:${port}${path}`;
const elsewhere = (path: string) => `http://recipes.example:${port}${path}`;
const cookiesAt = (host: string) => seen.filter((s) => s.host === host).map((s) => s.cookie);
/** Every request to Instagram (the post page, and its embed page when the post page shows no caption) carried this. */
const instagramCookies = () => {
	const cookies = cookiesAt('www.instagram.com');
	expect(cookies.length).toBeGreaterThan(0);
	return [...new Set(cookies)];
};

describe('a saved Instagram session', () => {
	it('is sent to Instagram with alice’s items, and the time it was used is recorded', async () => {
		await share(alice, instagram('/p/CuE2WNQs6vH/'));
		expect(instagramCookies()).toEqual([ALICE_COOKIE]);
		const [view] = await app.platformSessions.list(alice);
		expect(view).toMatchObject({ platform: 'instagram', lastUsedAt: expect.any(String), expiredAt: null });
	});

	it('is never sent with bob’s items', async () => {
		await share(bob, instagram('/p/CuE2WNQs6vH/'));
		expect(seen.length).toBeGreaterThan(0);
		expect(instagramCookies()).toEqual([null]);
	});

	it('is never sent to another site: not shared directly, not reached by a redirect from Instagram', async () => {
		await share(alice, elsewhere('/soup'));
		await share(alice, instagram(`/redirect?to=${encodeURIComponent(elsewhere('/soup'))}`));
		expect(cookiesAt('recipes.example')).toEqual([null, null]);
		// The redirect itself was asked with the session: it is Instagram's own host.
		expect(instagramCookies()).toEqual([ALICE_COOKIE]);
	});

	it('an expired one: Instagram answers with its login page, and the item says to paste a new session', async () => {
		await app.platformSessions.save(alice, 'instagram', STALE_COOKIE);
		const item = await share(alice, instagram('/p/CuE2WNQs6vH/'));
		expect(item).toMatchObject({
			status: 'error',
			error: { code: 'platform_session_expired', message: expect.stringMatching(/saved Instagram session was sent: the session has expired\. Paste a new one in Settings/) }
		});
		expect((await app.platformSessions.list(alice))[0]!.expiredAt).toEqual(expect.any(String));
	});

	it('is stored sealed, opens only for its own person and platform, and is never logged', async () => {
		const [row] = await app.database.db.select().from(platformSessions).where(eq(platformSessions.userId, alice));
		expect(row!.cookieSealed).not.toContain('aliceSecretValue');
		expect(row!.cookieSealed).toMatch(/^v1\./);
		// Copied onto bob's row, the sealed value does not open for him.
		await app.database.db.insert(platformSessions).values({ userId: bob, platform: 'instagram', cookieSealed: row!.cookieSealed });
		expect(await app.platformSessions.cookie(bob, 'instagram')).toBeNull();
		await app.platformSessions.remove(bob, 'instagram');
		expect(await app.platformSessions.cookie(alice, 'instagram')).toBe(ALICE_COOKIE);
		expect(logLines.length).toBeGreaterThan(10);
		expect(logLines.join('\n')).toMatch(/"level":20/);
		expect(logLines.filter((line) => /aliceSecretValue|staleSecretValue/.test(line))).toEqual([]);
	});

	it('removed, it is sent no more', async () => {
		expect(await app.platformSessions.remove(alice, 'instagram')).toBe(true);
		await share(alice, instagram('/p/CuE2WNQs6vH/'));
		expect(instagramCookies()).toEqual([null]);
	});
});
