import http from 'node:http';
import { afterAll, beforeAll } from 'vitest';
import { isIP, type AddressInfo } from 'node:net';
import { createApp, type App } from '../../src/lib/server/app';
import { parseConfig } from '../../src/lib/server/config';
import { isPublicAddress } from '../../src/lib/server/net/address';
import type { AddressPolicy } from '../../src/lib/server/net/guarded-lookup';
import { signUp } from '../../src/lib/server/auth/users';
import { enqueueShare } from '../../src/lib/server/shares/enqueue';
import type { ItemDetail } from '../../src/lib/contract/queue';
import { testLogger } from './logger';
import { serverStorage } from './server';
import { itemEnded } from './item-end';

/** Answers one `host path` of the sites. */
export type SiteRoute = (res: http.ServerResponse, req: http.IncomingMessage) => void;

/**
 * Public sites (the platforms' hosts, a blog, a video CDN) played by one fixture on a loopback
 * address: the address policy resolves `hosts` there and counts that address as public, so the
 * real pipeline (safe fetcher, redirects, host limits) fetches them as it would the real ones.
 * Routes are keyed `host path`; every request is logged that way in `hits`, in order.
 */
export async function startSites(address: string, hosts: readonly string[], routes: Record<string, SiteRoute>) {
	const hits: string[] = [];
	const server = http.createServer((req, res) => {
		const key = `${(req.headers.host ?? '').replace(/:\d+$/, '')} ${new URL(req.url ?? '/', 'http://x').pathname}`;
		hits.push(key);
		const route = routes[key];
		if (route) route(res, req);
		else res.writeHead(404).end();
	});
	await new Promise<void>((resolve) => server.listen(0, address, resolve));
	const { port } = server.address() as AddressInfo;
	const policy: AddressPolicy = {
		isPublic: (a) => a === address || isPublicAddress(a),
		async resolve(hostname) {
			if (!hosts.includes(hostname)) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
			return [{ address, family: isIP(address) }];
		}
	};
	return {
		port,
		hits,
		policy,
		/** A link to `path` on `host`, as the fixture serves it. */
		at: (host: string, path: string) => `http://${host}:${port}${path}`,
		close: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			})
	};
}

export type Sites = Awaited<ReturnType<typeof startSites>>;

/**
 * The real app (createApp, its worker and the recipe pipeline) on a database of its own, fetching
 * through `policy`, with one account; `env` adds to the test settings (quick polling, one attempt).
 */
export async function startPipelineApp(policy: AddressPolicy, env: Record<string, string> = {}) {
	const storage = await serverStorage();
	let app: App;
	try {
		const config = parseConfig({ ...storage.env, LOG_LEVEL: 'silent', QUEUE_POLL_MS: '100', QUEUE_RETRY_ATTEMPTS: '1', FETCH_HOST_RATE_PER_MINUTE: '6000', ...env });
		app = await createApp({ config, log: testLogger, addressPolicy: policy });
	} catch (err) {
		await storage.cleanup();
		throw err;
	}
	const userId = (await signUp(app.database, 'alice', 'correct horse battery staple', 'first-only')).id;
	return {
		app,
		userId,
		/** Shares `url` as alice and resolves with the item once it has ended. */
		async share(url: string): Promise<ItemDetail> {
			const result = await enqueueShare(app, userId, { url });
			if (result.kind === 'saved') throw new Error(`${url} is already a saved recipe`);
			return itemEnded(app, userId, result.item.id);
		},
		async close() {
			await app.shutdown();
			await storage.cleanup();
		}
	};
}

export type PipelineApp = Awaited<ReturnType<typeof startPipelineApp>>;

/**
 * What a suite's tests share (sites, a pipeline app, a model server): started before them, closed
 * after. `start` runs when the suite starts, so it may read other fixtures; until then, reading
 * the fixture is a mistake and throws.
 */
export function forSuite<T extends object & { close(): unknown }>(start: () => Promise<T>): T {
	let started: T | undefined;
	beforeAll(async () => {
		started = await start();
	});
	afterAll(async () => {
		await started?.close();
	});
	return new Proxy({} as T, {
		get(_, key) {
			if (!started) throw new Error(`a suite fixture was read (${String(key)}) before its suite started`);
			return Reflect.get(started, key, started);
		}
	});
}
