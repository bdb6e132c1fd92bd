/**
 * The protocol of `npm run bench:web`, shared by the CLI (bench/web.ts) and the CI smoke test.
 * It starts the BUILT server (build/index.js: run `npm run build` first) with the queue's workers
 * off, on PostgreSQL or on PGlite, and loads it from this process:
 *   post-closed  POST /api/queue, unique URL per request, `connections` connections, closed loop (autocannon)
 *   post-rate    POST /api/queue at `postRate` requests/s offered, evenly spaced (open-loop.ts)
 *   get-rate     GET /api/queue?limit=20 for a user with `items` items, at `getRate` requests/s offered
 * With a rate, a request's latency runs from when it was due: one that waited for a free
 * connection counts its wait (no coordinated omission).
 * Beside each load a probe (its own thread, so the load generator does not delay it) opens a fresh
 * connection every 100 ms and times connect and connect → first byte of GET /api/health (which
 * touches no database): how long a new client waits for the server to take its connection.
 */
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { randomBytes } from 'node:crypto';
import { startServer, type ServerProcess } from '../tests/helpers/server';
import { createDatabase } from './database';
import { openLoop, type OpenLoopFigures, type OpenLoopRequest } from './open-loop';

export type WebDatabase = 'postgres' | 'pglite';

interface Histogram {
	average: number;
	p50: number;
	p99: number;
	max: number;
}
interface AutocannonResult {
	requests: Histogram & { total: number };
	latency: Histogram;
	duration: number;
	errors: number;
	timeouts: number;
	non2xx: number;
	statusCodeStats: Record<string, { count: number }>;
}
interface AutocannonRequest {
	method?: string;
	path?: string;
	headers?: Record<string, string>;
	body?: string;
	setupRequest?: (request: AutocannonRequest, context: object) => AutocannonRequest;
}
interface AutocannonOptions {
	url: string;
	connections: number;
	duration?: number;
	amount?: number;
	timeout?: number;
	requests: AutocannonRequest[];
}
// autocannon ships no types; this is the part of its documented API (README, "API") used here.
const autocannon = createRequire(import.meta.url)('autocannon') as (options: AutocannonOptions) => Promise<AutocannonResult>;

export interface WebOptions {
	databases: WebDatabase[];
	/** Needed for 'postgres': a URL allowed to create databases. */
	adminUrl?: string;
	durationSeconds: number;
	connections: number;
	postRate: number;
	getRate: number;
	/** Items the GET user has. */
	items: number;
	log: (line: string) => void;
}

export interface ProbeFigures {
	samples: number;
	errors: number;
	connectP99Ms: number;
	connectMaxMs: number;
	firstByteP50Ms: number;
	firstByteP99Ms: number;
	firstByteMaxMs: number;
}

export interface LoadFigures extends OpenLoopFigures {
	probe: ProbeFigures;
}

export interface WebResult {
	database: WebDatabase;
	postClosed: LoadFigures;
	postRate: LoadFigures;
	getRate: LoadFigures;
	/** 2xx answers to the requests that filled the GET user's list (must equal `items`). */
	itemsCreated: number;
}

const probeSource = `
const { parentPort, workerData } = require('node:worker_threads');
const net = require('node:net');
const { host, port, intervalMs } = workerData;
const samples = [];
let open = 0;
let stopping = false;
function finish() { if (stopping && open === 0) parentPort.postMessage(samples); }
function probe() {
	const t0 = performance.now();
	let connected = 0;
	let done = false;
	open++;
	const socket = net.connect(port, host);
	const end = (sample) => {
		if (done) return;
		done = true;
		samples.push(sample);
		socket.destroy();
		open--;
		finish();
	};
	socket.setTimeout(60000, () => end({ error: 'timeout' }));
	socket.once('connect', () => {
		connected = performance.now();
		socket.write('GET /api/health HTTP/1.1\\r\\nHost: ' + host + ':' + port + '\\r\\nConnection: close\\r\\n\\r\\n');
	});
	socket.once('data', () => end({ connectMs: connected - t0, firstByteMs: performance.now() - t0 }));
	socket.once('error', (err) => end({ error: err.code || String(err) }));
	socket.once('close', () => end({ error: 'closed before an answer' }));
}
const timer = setInterval(probe, intervalMs);
parentPort.on('message', () => { clearInterval(timer); stopping = true; finish(); });
`;

type ProbeSample = { connectMs: number; firstByteMs: number } | { error: string };

/** Starts the connection probe; `stop()` ends it once the probes in flight have their answers. */
function startProbe(origin: string): { stop(): Promise<ProbeFigures> } {
	const url = new URL(origin);
	const worker = new Worker(probeSource, { eval: true, workerData: { host: url.hostname, port: Number(url.port), intervalMs: 100 } });
	const result = new Promise<ProbeSample[]>((resolve, reject) => {
		worker.once('message', resolve);
		worker.once('error', reject);
	});
	return {
		async stop() {
			worker.postMessage('stop');
			const samples = await result;
			await worker.terminate();
			const ok = samples.filter((s): s is { connectMs: number; firstByteMs: number } => 'firstByteMs' in s);
			const connect = ok.map((s) => s.connectMs).sort((a, b) => a - b);
			const firstByte = ok.map((s) => s.firstByteMs).sort((a, b) => a - b);
			const pct = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! : NaN);
			return {
				samples: samples.length,
				errors: samples.length - ok.length,
				connectP99Ms: pct(connect, 99),
				connectMaxMs: connect.at(-1) ?? NaN,
				firstByteP50Ms: pct(firstByte, 50),
				firstByteP99Ms: pct(firstByte, 99),
				firstByteMaxMs: firstByte.at(-1) ?? NaN
			};
		}
	};
}

/** Unique URLs, so that every POST creates an item (a repeated URL would be a duplicate). */
function postRequest(token: string, prefix: string): () => OpenLoopRequest {
	let n = 0;
	return () => ({
		method: 'POST',
		path: '/api/queue',
		headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
		body: JSON.stringify({ url: `https://example.com/${prefix}/${n++}` })
	});
}

const getRequest = (token: string): (() => OpenLoopRequest) => () => ({ method: 'GET', path: '/api/queue?limit=20', headers: { authorization: `Bearer ${token}` } });

/** The same requests for autocannon: a template whose body each request fills in. */
function autocannonRequests(next: () => OpenLoopRequest): AutocannonRequest[] {
	const { body: _, ...template } = next();
	return [{ ...template, setupRequest: (request) => ({ ...request, ...next() }) }];
}

/**
 * A load with the connection probe beside it: closed loop (each connection sends its next request
 * on the answer, autocannon) when no rate is given, else open loop at that rate (open-loop.ts).
 */
async function load(server: ServerProcess, options: { connections: number; duration: number; rate?: number; request: () => OpenLoopRequest }): Promise<LoadFigures> {
	const probe = startProbe(server.origin);
	let figures: OpenLoopFigures;
	if (options.rate) {
		figures = await openLoop({ origin: server.origin, rate: options.rate, durationSeconds: options.duration, connections: options.connections, request: options.request });
	} else {
		// A long timeout: a slow answer is measured as latency rather than dropped as an error.
		const r = await autocannon({ url: server.origin, timeout: 60, connections: options.connections, duration: options.duration, requests: autocannonRequests(options.request) });
		figures = {
			reqPerSec: r.requests.total / r.duration,
			total: r.requests.total,
			p50Ms: r.latency.p50,
			p99Ms: r.latency.p99,
			maxMs: r.latency.max,
			errors: r.errors,
			timeouts: r.timeouts,
			non2xx: r.non2xx,
			statusCodes: Object.fromEntries(Object.entries(r.statusCodeStats).map(([code, c]) => [code, Number(c.count)]))
		};
	}
	return { ...figures, probe: await probe.stop() };
}

async function benchOne(database: WebDatabase, options: WebOptions): Promise<WebResult> {
	let env: Record<string, string>;
	let cleanup: () => Promise<void>;
	if (database === 'postgres') {
		if (!options.adminUrl) throw new Error('the postgres run needs adminUrl');
		const db = await createDatabase(options.adminUrl, 'bench_web');
		env = { DATABASE_URL: db.url };
		cleanup = db.drop;
	} else {
		const dir = mkdtempSync(path.join(os.tmpdir(), 'cookmark-bench-web-'));
		env = { DATA_DIR: dir };
		cleanup = async () => rmSync(dir, { recursive: true, force: true });
	}
	try {
		// Workers off: only the web side is measured. Open sign-up: one user per load, so each starts empty.
		const server = await startServer({ env, cleanup }, { ...env, QUEUE_PROCESSING_ENABLED: 'false', LOG_LEVEL: 'warn', SIGNUP: 'open' });
		try {
			const run = randomBytes(3).toString('hex');
			const { durationSeconds: duration, connections } = options;
			const closedUser = await server.signUp('bench-post-closed');
			const rateUser = await server.signUp('bench-post-rate');
			const listUser = await server.signUp('bench-list');

			options.log(`${database}: POST /api/queue, ${connections} connections, closed loop, ${duration} s`);
			const postClosed = await load(server, { connections, duration, request: postRequest(closedUser.token, `${run}/closed`) });

			options.log(`${database}: POST /api/queue at ${options.postRate} req/s offered, ${duration} s`);
			const postRate = await load(server, { connections, duration, rate: options.postRate, request: postRequest(rateUser.token, `${run}/rate`) });

			options.log(`${database}: filling the list user's queue with ${options.items} items`);
			const fill = await autocannon({ url: server.origin, connections: Math.min(50, options.items), amount: options.items, timeout: 60, requests: autocannonRequests(postRequest(listUser.token, `${run}/list`)) });
			const itemsCreated = Object.entries(fill.statusCodeStats).reduce((sum, [code, s]) => sum + (code.startsWith('2') ? Number(s.count) : 0), 0);
			if (itemsCreated !== options.items) throw new Error(`the list user got ${itemsCreated} items, not ${options.items}`);

			options.log(`${database}: GET /api/queue?limit=20 at ${options.getRate} req/s offered, ${duration} s`);
			const getRate = await load(server, { connections, duration, rate: options.getRate, request: getRequest(listUser.token) });
			return { database, postClosed, postRate, getRate, itemsCreated };
		} finally {
			await server.stop('SIGTERM');
		}
	} finally {
		await cleanup();
	}
}

export async function runWeb(options: WebOptions): Promise<WebResult[]> {
	const results: WebResult[] = [];
	for (const database of options.databases) results.push(await benchOne(database, options));
	return results;
}

const n0 = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '–');
const ms = (n: number) => (Number.isFinite(n) ? (n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(1)) : '–');

export function formatWeb(results: WebResult[], options: Pick<WebOptions, 'durationSeconds' | 'connections' | 'postRate' | 'getRate' | 'items'>): string {
	const lines: string[] = [];
	lines.push(`${options.durationSeconds} s per load, ${options.connections} connections, workers off (QUEUE_PROCESSING_ENABLED=false).`, '');
	lines.push('| database | load | req/s | p50 ms | p99 ms | max ms | errors / timeouts / non-2xx | new connection: first byte p50 / p99 / max ms (connect max) |');
	lines.push('|---|---|---|---|---|---|---|---|');
	for (const r of results) {
		const rows: Array<[string, LoadFigures]> = [
			['POST /api/queue, closed loop', r.postClosed],
			[`POST /api/queue, ${options.postRate} req/s offered`, r.postRate],
			[`GET /api/queue?limit=20 (${options.items.toLocaleString('en-US')} items), ${options.getRate} req/s offered`, r.getRate]
		];
		for (const [name, f] of rows) {
			const p = f.probe;
			lines.push(
				`| ${r.database} | ${name} | ${n0(f.reqPerSec)} | ${ms(f.p50Ms)} | ${ms(f.p99Ms)} | ${ms(f.maxMs)} | ${f.errors} / ${f.timeouts} / ${f.non2xx} | ` +
					`${ms(p.firstByteP50Ms)} / ${ms(p.firstByteP99Ms)} / ${ms(p.firstByteMaxMs)} (${ms(p.connectMaxMs)})${p.errors ? `, ${p.errors} failed` : ''} |`
			);
		}
	}
	return lines.join('\n');
}
