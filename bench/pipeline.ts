/**
 * `npm run bench:pipeline` — the whole recipe pipeline end to end (issue 22, benchmark 4):
 * ITEMS links shared through the API to one server on a throwaway PostgreSQL (durable: fsync on)
 * with its worker on (QUEUE_CONCURRENCY 8), fetched from a local recipe site, read, parsed and
 * uploaded to the Tandoor stand-in of tests/helpers (its real API) as the server-wide target.
 *
 * The site serves a distinct page per link: tests/helpers/recipe-page.ts (schema.org Recipe in
 * JSON-LD) with its own title, a picture (a 256×192 PNG, ~150 KB, which the upload downloads and
 * sends to Tandoor) and padding to PAGE_KB of the markup, styles and scripts real pages carry (the
 * median page of shared/corpus/recipe-pages is ~300 KB). Every link is on one host, so the
 * per-site politeness limits are raised out of the way (FETCH_HOST_CONCURRENCY = the worker's
 * concurrency, FETCH_HOST_RATE_PER_MINUTE 6000, the most allowed); a real import spans many
 * sites. The person's own Tandoor keeps its default limit (TARGET_HOST_CONCURRENCY 4), and answers
 * each request after TARGET_LATENCY ms, like a real server's own work (a delaying proxy in front
 * of the stand-in; bench:targets uses 25 ms too).
 *
 * Completion is watched on the user's SSE stream (each item's status read off the raw frame),
 * not by sleeping. Reports items/minute from the first POST to the last item finished, failures,
 * and each phase's time (p50/p95 of item_attempts.duration_ms, read with SQL), with what else
 * the item's time went to (waiting for a worker slot, between phases).
 *
 * Options: --items N (1000) --concurrency N (8) --enqueue-parallel N (16) --page-kb N (300)
 *          --target-latency-ms N (25) --smoke
 *          --cpu-prof DIR  a .cpuprofile of the server over the run
 *          --pg-stats      the database's statements over the run (pg_stat_statements)
 */
import http from 'node:http';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { crc32, deflateSync } from 'node:zlib';
import { sql } from 'drizzle-orm';
import { openDatabase } from '../src/lib/server/db/client';
import { recipePage } from '../tests/helpers/recipe-page';
import { startTandoorServer } from '../tests/helpers/tandoor-server';
import { isMain, machine, mapLimit, percentile, pgStatements, postgresErrors, benchPostgres, round, sched, schedShare, selfMonitor, serverWarnings, startBenchServer, until } from './live-helpers';

export interface PipelineBenchOptions {
	databaseUrl: string;
	items: number;
	concurrency: number;
	enqueueParallel: number;
	pageKb: number;
	targetLatencyMs: number;
	timeoutMs: number;
	cpuProfileDir?: string;
	/** Reports the database's statements over the run (pg_stat_statements must be preloaded). */
	pgStats?: boolean;
	log?: (line: string) => void;
}

const TERMINAL = new Set(['success', 'error', 'dead', 'canceled']);
// Every queue-update frame's data starts {"itemId":"…","status":"…" (live/hub.ts updateChange).
const STATUS = /"itemId":"([0-9a-f-]{36})","status":"([a-z_]+)"/g;

export async function runPipelineBench(o: PipelineBenchOptions) {
	const log = o.log ?? (() => {});
	const site = await startRecipeSite(o.pageKb);
	const token = 'bench-tandoor-token';
	const tandoor = await startTandoorServer({ token });
	const target = o.targetLatencyMs > 0 ? await startDelayingProxy(tandoor.origin, o.targetLatencyMs) : { origin: tandoor.origin, close: async () => {} };
	const database = await openDatabase({ databaseUrl: o.databaseUrl, maxConnections: 4 });
	const bench = await startBenchServer(o.databaseUrl, {
		QUEUE_CONCURRENCY: String(o.concurrency),
		// One host for every link: the per-site politeness must not be what is measured.
		FETCH_HOST_CONCURRENCY: String(o.concurrency),
		FETCH_HOST_RATE_PER_MINUTE: '6000',
		TANDOOR_BASE_URL: target.origin,
		TANDOOR_TOKEN: token,
		// Production's poll (tests use 500 ms): claims are woken by NOTIFY, the poll is the fallback.
		QUEUE_POLL_MS: '5000'
	});
	const { server } = bench;
	const self = selfMonitor();
	let stream: http.ClientRequest | undefined;
	try {
		const env = await machine(database);
		const account = await server.signUp('bench', 'bench-password-long-enough');

		// The user's live stream: each item's newest status, from the raw frames.
		const status = new Map<string, string>();
		let lastFinishAt = 0;
		let onChange = () => {};
		await new Promise<void>((resolve, reject) => {
			const url = new URL(server.origin);
			stream = http.request({ host: url.hostname, port: url.port, path: '/api/queue/stream', agent: false, headers: { authorization: `Bearer ${account.token}` } });
			stream.on('error', reject);
			stream.on('response', (res) => {
				if (res.statusCode !== 200) return reject(new Error(`stream answered ${res.statusCode}`));
				let rest = '';
				res.on('data', (chunk: Buffer) => {
					const text = rest + chunk.toString('latin1');
					const end = text.lastIndexOf('\n\n');
					if (end < 0) return void (rest = text);
					rest = text.slice(end + 2);
					const frames = text.slice(0, end);
					if (frames.includes('event: connection')) resolve();
					STATUS.lastIndex = 0;
					for (let m = STATUS.exec(frames); m; m = STATUS.exec(frames)) {
						if (TERMINAL.has(m[2]!) && !TERMINAL.has(status.get(m[1]!) ?? '')) lastFinishAt = performance.now();
						status.set(m[1]!, m[2]!);
					}
					onChange();
				});
			});
			stream.end();
		});

		const profile = o.cpuProfileDir ? path.join(o.cpuProfileDir, `pipeline-server-${Date.now()}.cpuprofile`) : null;
		if (profile) await bench.probe('prof-start');
		await bench.probe('sample reset');
		self.reset();
		const cpuBefore = bench.cpuMs();
		const schedBefore = { server: bench.sched(), bench: sched('self') };
		if (o.pgStats) await pgStatements(database, true);
		log(`enqueueing ${o.items} links (${o.enqueueParallel} requests in flight)`);
		const started = performance.now();
		const ids = await mapLimit(
			Array.from({ length: o.items }, (_, i) => i),
			o.enqueueParallel,
			async (i) => {
				const res = await server.api('/api/queue', { method: 'POST', json: { url: `${site.origin}/recipes/${i}` } });
				if (res.status !== 201) throw new Error(`enqueue answered ${res.status}: ${await res.text()}`);
				return ((await res.json()) as { id: string }).id;
			}
		);
		const enqueueSeconds = (performance.now() - started) / 1000;
		log(`enqueued in ${round(enqueueSeconds)} s; waiting for the pipeline`);
		const finished = () => ids.filter((id) => TERMINAL.has(status.get(id) ?? '')).length;
		let reported = 0;
		await new Promise<void>((resolve, reject) => {
			const timer = setTimeout(() => reject(new Error(`timed out: ${finished()} of ${o.items} finished after ${o.timeoutMs} ms\n${server.logs().slice(-3000)}`)), o.timeoutMs);
			onChange = () => {
				const n = finished();
				if (n - reported >= Math.max(100, o.items / 10)) log(`${(reported = n)} finished`);
				if (n === o.items) (clearTimeout(timer), resolve());
			};
			onChange();
		});
		const seconds = (lastFinishAt - started) / 1000;
		const serverCpuMs = bench.cpuMs() - cpuBefore;
		const wallMs = performance.now() - started;
		const mainThreads = { server: schedShare(schedBefore.server, bench.sched(), wallMs), bench: schedShare(schedBefore.bench, sched('self'), wallMs) };
		const statements = o.pgStats ? await pgStatements(database) : null;
		const serverSample = await bench.probe('sample');
		const selfStats = self.read();
		if (profile) await bench.probe(`prof-stop ${profile}`);

		// The record, from the database: outcomes, each phase's attempts, and where else time went.
		const outcomes = await database.rows<{ status: string; code: string | null; n: number }>(sql`
			select status, error_code as code, count(*)::int as n from queue_items group by 1, 2 order by 3 desc`);
		const phases = await database.rows<{ phase: string; outcome: string; n: number; p50: number; p95: number; max: number; total: number }>(sql`
			select phase, outcome, count(*)::int as n,
				percentile_cont(0.5) within group (order by duration_ms) as p50,
				percentile_cont(0.95) within group (order by duration_ms) as p95,
				max(duration_ms) as max, sum(duration_ms)::bigint as total
			from item_attempts group by phase, outcome
			order by min(id)`);
		// Per item: created → finished, the part spent in phases, the wait for a worker slot, the
		// gaps between one phase's end and the next one's start (the batcher's flush, the claim).
		const [timing] = await database.rows<Record<string, number | null>>(sql`
			with g as (
				select item_id, duration_ms, started_at,
					extract(epoch from (started_at - lag(finished_at) over (partition by item_id order by id))) * 1000 as gap
				from item_attempts
			), a as (
				select item_id, sum(duration_ms) as in_phases, min(started_at) as first_start, coalesce(sum(gap), 0) as gaps
				from g group by item_id
			), t as (
				select extract(epoch from (i.finished_at - i.created_at)) * 1000 as total,
					extract(epoch from (a.first_start - i.created_at)) * 1000 as waiting, a.in_phases, a.gaps
				from queue_items i join a on a.item_id = i.id where i.finished_at is not null
			)
			select percentile_cont(0.5) within group (order by total) as "totalP50", percentile_cont(0.95) within group (order by total) as "totalP95",
				percentile_cont(0.5) within group (order by waiting) as "waitingP50", percentile_cont(0.95) within group (order by waiting) as "waitingP95",
				percentile_cont(0.5) within group (order by in_phases) as "inPhasesP50",
				percentile_cont(0.5) within group (order by gaps) as "betweenPhasesP50", percentile_cont(0.95) within group (order by gaps) as "betweenPhasesP95",
				sum(in_phases) as "phaseMsTotal"
			from t`);
		// Attempts open at once: above the concurrency, items were claimed ahead and an attempt's
		// duration includes its wait in the worker's own queue (worker.ts claims ahead when phases look
		// quick next to a claim's round trip).
		const [open] = await database.rows<{ max: number; mean: number }>(sql`
			with e as (
				select started_at as t, 1 as d from item_attempts union all select finished_at, -1 from item_attempts where finished_at is not null
			), c as (select sum(d) over (order by t, d rows unbounded preceding) as n from e)
			select max(n)::int as max from c`);
		// What each phase hands on, stored in item_phases.output and written through the batch statement.
		const outputs = await database.rows<{ phase: string; avgKiB: number; maxKiB: number }>(sql`
			select name as phase, round(avg(octet_length(output::text)) / 1024.0, 1)::float as "avgKiB", round(max(octet_length(output::text)) / 1024.0, 1)::float as "maxKiB"
			from item_phases where output is not null group by name order by min(position)`);
		// The phases as the site saw them. A claim opens the first phase's attempt at once, but a
		// worker that claimed ahead runs it only when a slot frees: the wait until the page is asked
		// for is the worker's own queue, not extraction. Uploading downloads the picture first.
		const attempts = await database.rows<{ itemId: string; phase: string; started: string; finished: string }>(sql`
			select item_id as "itemId", phase, (extract(epoch from started_at) * 1000)::float8 as started, (extract(epoch from finished_at) * 1000)::float8 as finished
			from item_attempts where outcome = 'completed'`);
		const indexOf = new Map(ids.map((id, i) => [id, i]));
		const heldInWorker: number[] = [];
		const extracting: number[] = [];
		const uploadBeforePicture: number[] = [];
		const uploadAfterPicture: number[] = [];
		for (const a of attempts) {
			const n = indexOf.get(a.itemId)!;
			const [start, end] = [Number(a.started), Number(a.finished)];
			const page = site.pageAt.get(n);
			const picture = site.pictureAt.get(n);
			if (a.phase === 'extraction' && page !== undefined) (heldInWorker.push(page - start), extracting.push(end - page));
			if (a.phase === 'uploading' && picture !== undefined) (uploadBeforePicture.push(picture - start), uploadAfterPicture.push(end - picture));
		}
		const p = (values: number[]) => {
			const sorted = [...values].sort((x, y) => x - y);
			return { p50: round(percentile(sorted, 50)), p95: round(percentile(sorted, 95)) };
		};
		const success = outcomes.filter((r) => r.status === 'success').reduce((n, r) => n + r.n, 0);
		const phaseMsTotal = Number(timing?.phaseMsTotal ?? 0);
		const ms = (v: number | null | undefined) => round(Number(v ?? NaN));

		return {
			machine: env,
			setup: {
				items: o.items,
				queueConcurrency: o.concurrency,
				enqueueParallel: o.enqueueParallel,
				pageKiB: Math.round(site.pageBytes / 1024),
				pictureKiB: Math.round(site.pictureBytes / 1024),
				targetLatencyMs: o.targetLatencyMs,
				env: { FETCH_HOST_CONCURRENCY: o.concurrency, FETCH_HOST_RATE_PER_MINUTE: 6000, TARGET_HOST_CONCURRENCY: 4, QUEUE_POLL_MS: 5000 }
			},
			result: {
				seconds: round(seconds, 2),
				itemsPerMinute: round((o.items / seconds) * 60),
				enqueueSeconds: round(enqueueSeconds, 2),
				succeeded: success,
				failed: o.items - success,
				outcomes,
				tandoorRequestsPerRecipe: round(tandoor.requests.length / Math.max(1, success)),
				siteRequests: site.requests()
			},
			phases: phases.map((p) => ({ phase: p.phase, outcome: p.outcome, n: p.n, p50Ms: ms(p.p50), p95Ms: ms(p.p95), maxMs: ms(p.max) })),
			itemTimeMs: {
				createdToFinished: { p50: ms(timing?.totalP50), p95: ms(timing?.totalP95) },
				waitingForWorker: { p50: ms(timing?.waitingP50), p95: ms(timing?.waitingP95) },
				inPhases: { p50: ms(timing?.inPhasesP50) },
				betweenPhases: { p50: ms(timing?.betweenPhasesP50), p95: ms(timing?.betweenPhasesP95) }
			},
			attemptsOpen: { max: open?.max ?? null, mean: round(phaseMsTotal / (seconds * 1000)) },
			// The same phases split where the fixtures saw them (epoch ms of their requests vs the attempts' times).
			phasesSeenBySite: {
				extractionHeldInWorkerQueueMs: p(heldInWorker),
				extractionFromPageRequestMs: p(extracting),
				uploadingBeforePictureRequestMs: p(uploadBeforePicture),
				uploadingFromPictureRequestMs: p(uploadAfterPicture)
			},
			phaseOutputs: outputs,
			server: { cpuPercent: round((serverCpuMs / wallMs) * 100), eventLoopDelayMs: serverSample.eventLoopDelayMs, rssMiB: round(serverSample.rss / 2 ** 20) },
			bench: selfStats,
			mainThreads,
			serverWarnings: serverWarnings(server.logs()),
			...(statements ? { databaseStatements: statements } : {}),
			...(profile ? { cpuProfile: profile } : {})
		};
	} finally {
		self.stop();
		stream?.destroy();
		await until(async () => (await fetch(`${server.origin}/api/ready`).then((r) => r.json())).live.connections === 0, 10_000, 'the stream to close').catch(() => {});
		await bench.stop();
		await database.close();
		await target.close();
		await tandoor.close();
		await site.close();
	}
}

/** A recipe site on 127.0.0.1: /recipes/<n> a distinct page, /pictures/<n>.png its photo. */
async function startRecipeSite(pageKb: number) {
	const picture = noisePng(256, 192);
	// A few paddings shared by all pages (built once: the bench must not spend its CPU on them).
	const paddings = Array.from({ length: 8 }, (_, i) => padding(pageKb * 1024, i + 1));
	let pages = 0;
	let pictures = 0;
	/** When the site was asked for each page and picture (epoch ms, comparable with the database's times). */
	const pageAt = new Map<number, number>();
	const pictureAt = new Map<number, number>();
	const server = http.createServer((req, res) => {
		const page = /^\/recipes\/(\d+)$/.exec(req.url ?? '');
		if (page) {
			pages++;
			const n = Number(page[1]);
			if (!pageAt.has(n)) pageAt.set(n, Date.now());
			const title = `${TITLES[n % TITLES.length]} No. ${n}`;
			const head = `<meta name="viewport" content="width=device-width"><meta property="og:image" content="/pictures/${n}.png"><meta name="description" content="${title}, the way we make it at home.">`;
			const html = recipePage(title, head + paddings[n % paddings.length]!.head).replace('</body>', `${paddings[n % paddings.length]!.body}</body>`);
			return void res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
		}
		const pic = /^\/pictures\/(\d+)\.png$/.exec(req.url ?? '');
		if (pic) {
			pictures++;
			if (!pictureAt.has(Number(pic[1]))) pictureAt.set(Number(pic[1]), Date.now());
			return void res.writeHead(200, { 'content-type': 'image/png' }).end(picture);
		}
		res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as import('node:net').AddressInfo;
	const sample = recipePage('x', paddings[0]!.head).replace('</body>', `${paddings[0]!.body}</body>`);
	return {
		origin: `http://127.0.0.1:${port}`,
		pageBytes: Buffer.byteLength(sample),
		pictureBytes: picture.length,
		requests: () => ({ pages, pictures }),
		pageAt,
		pictureAt,
		close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve())))
	};
}

const TITLES = ['Lemon Drizzle Cake', 'Chicken Tikka Masala', 'Mushroom Risotto', 'Beef Stew', 'Pad Thai', 'Shakshuka', 'Banana Bread', 'Minestrone'];

/**
 * What surrounds the recipe on a real page, about `bytes` long: a style sheet and scripts in the
 * head (a third each), and in the body navigation, the story before the recipe and comments.
 */
function padding(bytes: number, seed: number): { head: string; body: string } {
	const rand = prng(seed);
	const words = 'the a of and to in is you that it with for on this my was are be at have or from as but not just so like your one all about when can more out up some time if what get make our bake oven butter sugar flour minutes until golden stir heat pan add salt pepper garlic onion serve family recipe dinner easy'.split(' ');
	const sentence = () => {
		const n = 8 + Math.floor(rand() * 14);
		const s = Array.from({ length: n }, () => words[Math.floor(rand() * words.length)]).join(' ');
		return s[0]!.toUpperCase() + s.slice(1) + '.';
	};
	const fill = (size: number, piece: () => string) => {
		let out = '';
		while (out.length < size) out += piece();
		return out;
	};
	const css = fill(bytes / 3, () => `.c${Math.floor(rand() * 1e6)}{margin:0 ${Math.floor(rand() * 32)}px;color:#${Math.floor(rand() * 0xffffff).toString(16).padStart(6, '0')};display:flex}\n`);
	const js = fill(bytes / 3, () => `window.__d${Math.floor(rand() * 1e6)}=${JSON.stringify({ id: Math.floor(rand() * 1e9), k: sentence() })};\n`);
	const nav = `<nav><ul>${Array.from({ length: 40 }, (_, i) => `<li><a href="/category/${i}">${words[i % words.length]} recipes</a></li>`).join('')}</ul></nav>`;
	const story = fill(bytes / 3 - nav.length, () => `<p>${sentence()} ${sentence()} ${sentence()}</p>\n`);
	return { head: `<style>${css}</style><script>${js}</script>`, body: `${nav}<article>${story}</article>` };
}

/** mulberry32: the same pages and picture on every run. */
function prng(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = Math.imul(a ^ (a >>> 15), 1 | a);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
	};
}

/** A valid PNG of random pixels (they do not compress), the size of a modest recipe photo. */
function noisePng(width: number, height: number): Buffer {
	const chunk = (type: string, data: Buffer) => {
		const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
		const out = Buffer.alloc(body.length + 8);
		out.writeUInt32BE(data.length, 0);
		body.copy(out, 4);
		out.writeUInt32BE(crc32(body), body.length + 4);
		return out;
	};
	const header = Buffer.alloc(13);
	header.writeUInt32BE(width, 0);
	header.writeUInt32BE(height, 4);
	header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
	const raw = Buffer.alloc((width * 3 + 1) * height);
	const rand = prng(7);
	for (let i = 0; i < raw.length; i++) raw[i] = i % (width * 3 + 1) === 0 ? 0 : Math.floor(rand() * 256);
	return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

/** Forwards to `origin` after `latencyMs`, as a real server's own work delays each answer. */
async function startDelayingProxy(origin: string, latencyMs: number) {
	const upstream = new URL(origin);
	const agent = new http.Agent({ keepAlive: true });
	const server = http.createServer((req, res) => {
		setTimeout(() => {
			const forward = http.request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers, agent }, (answer) => {
				res.writeHead(answer.statusCode ?? 502, answer.headers);
				answer.pipe(res);
			});
			forward.on('error', () => res.destroy());
			req.pipe(forward);
		}, latencyMs);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as import('node:net').AddressInfo;
	return {
		origin: `http://127.0.0.1:${port}`,
		close: () => new Promise<void>((resolve) => (server.closeAllConnections(), agent.destroy(), server.close(() => resolve())))
	};
}

if (isMain(import.meta.url)) {
	const { values: a } = parseArgs({
		options: {
			items: { type: 'string' },
			concurrency: { type: 'string' },
			'enqueue-parallel': { type: 'string' },
			'page-kb': { type: 'string' },
			'target-latency-ms': { type: 'string' },
			'cpu-prof': { type: 'string' },
			'pg-stats': { type: 'boolean', default: false },
			smoke: { type: 'boolean', default: false }
		}
	});
	const smoke = a.smoke!;
	const num = (v: string | undefined, full: number, tiny: number) => (v !== undefined ? Number(v) : smoke ? tiny : full);
	const pg = await benchPostgres(a['pg-stats']!);
	try {
		const result = await runPipelineBench({
			databaseUrl: pg.url,
			items: num(a.items, 1000, 10),
			concurrency: num(a.concurrency, 8, 8),
			enqueueParallel: num(a['enqueue-parallel'], 16, 4),
			pageKb: num(a['page-kb'], 300, 300),
			targetLatencyMs: num(a['target-latency-ms'], 25, 25),
			timeoutMs: smoke ? 60_000 : 30 * 60_000,
			cpuProfileDir: a['cpu-prof'] ? path.resolve(a['cpu-prof']) : undefined,
			pgStats: a['pg-stats'],
			log: (line) => console.error(`# ${line}`)
		});
		console.log(JSON.stringify({ ...result, postgresErrors: postgresErrors(pg.port) }, null, 2));
	} finally {
		pg.stop();
	}
	process.exit(0);
}
