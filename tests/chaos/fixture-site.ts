import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { recipePage } from '../helpers/recipe-page';

/** What a request to the site may get instead of its page. */
export const faultKinds = ['status-500', 'status-503', 'hang', 'reset', 'trickle'] as const;
export type FaultKind = (typeof faultKinds)[number];

export interface ChaosSiteOptions {
	/** Share of requests that get a fault instead of their page (0–1). */
	faultRate: number;
	/** Each answer waits a random time up to this. */
	maxLatencyMs: number;
	/** A trickle sends the page a few bytes at a time over about this long. */
	trickleMs: number;
	random: () => number;
}

/**
 * A recipe site on 127.0.0.1 for the chaos runs: `/r/<key>` is a unique recipe page, answered
 * after a random delay or, now and then, with a transient fault (5xx, an answer that never comes,
 * a reset connection, a slow trickle). It records every request in flight per path: two at once
 * for the same item's page means two workers ran that item at the same time.
 */
export async function startChaosSite(options: ChaosSiteOptions) {
	const inFlight = new Map<string, number>();
	/** Paths that were ever requested while another request for them was in flight. */
	const overlaps = new Set<string>();
	const faults: Record<FaultKind, number> = { 'status-500': 0, 'status-503': 0, hang: 0, reset: 0, trickle: 0 };
	let requests = 0;
	const timers = new Set<NodeJS.Timeout>();
	const later = (ms: number, fn: () => void) => {
		const t = setTimeout(() => (timers.delete(t), fn()), ms);
		timers.add(t);
	};

	const server = http.createServer((req, res) => {
		const path = new URL(req.url ?? '/', 'http://x').pathname;
		const match = /^\/r\/([\w-]+)$/.exec(path);
		if (!match) return void res.writeHead(404).end('not found');
		requests++;
		const now = (inFlight.get(path) ?? 0) + 1;
		inFlight.set(path, now);
		if (now > 1) overlaps.add(path);
		// 'close' comes when the answer is done or the connection is gone (a killed worker's included).
		res.once('close', () => {
			const left = (inFlight.get(path) ?? 1) - 1;
			if (left > 0) inFlight.set(path, left);
			else inFlight.delete(path);
		});
		const page = recipePage(`Chaos Recipe ${match[1]}`);
		const fault = options.random() < options.faultRate ? faultKinds[Math.floor(options.random() * faultKinds.length)]! : null;
		if (fault) faults[fault]++;
		later(Math.floor(options.random() * options.maxLatencyMs), () => {
			if (res.destroyed) return;
			switch (fault) {
				case 'status-500':
				case 'status-503':
					return void res.writeHead(fault === 'status-500' ? 500 : 503, { 'content-type': 'text/plain' }).end('try later');
				case 'hang':
					return; // the client's timeout ends it
				case 'reset':
					return void req.socket.resetAndDestroy();
				case 'trickle':
					return trickle(res, page, options.trickleMs, later);
				default:
					res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page);
			}
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	return {
		origin,
		urlFor: (key: string) => `${origin}/r/${key}`,
		overlaps,
		faults,
		get requests() {
			return requests;
		},
		close: () =>
			new Promise<void>((resolve) => {
				for (const t of timers) clearTimeout(t);
				server.closeAllConnections();
				server.close(() => resolve());
			})
	};
}

export type ChaosSite = Awaited<ReturnType<typeof startChaosSite>>;

/** Sends the page in eight pieces spread over `ms`: slow, but whole unless the client gives up first. */
function trickle(res: http.ServerResponse, page: string, ms: number, later: (ms: number, fn: () => void) => void) {
	res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
	const pieces = 8;
	const size = Math.ceil(page.length / pieces);
	for (let i = 0; i < pieces; i++) {
		later(Math.floor(((i + 1) * ms) / pieces), () => {
			if (res.destroyed) return;
			const piece = page.slice(i * size, (i + 1) * size);
			if (i === pieces - 1) res.end(piece);
			else res.write(piece);
		});
	}
}
