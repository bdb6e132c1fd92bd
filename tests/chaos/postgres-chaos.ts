import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { z } from 'zod';
import { startPostgres } from '../../scripts/postgres.mjs';
import { freePort, startServer, type ServerProcess } from '../helpers/server';
import { startTandoorServer } from '../helpers/tandoor-server';
import { spawnWorker, type WorkerProcess } from '../helpers/worker-process';
import { startChaosSite } from './fixture-site';
import { ApiTally } from './api-tally';
import { Enqueuer } from './enqueuer';
import { Gate, seededRandom } from './gate';
import { SseWatcher } from './sse-watcher';

export const PostgresChaosOptions = z.object({
	items: z.number().int().min(1),
	workers: z.number().int().min(1).default(3),
	/** A random worker is SIGKILLed (and a new one started) this often. */
	killEveryMs: z.number().int().min(100).default(3_000),
	/** How long PostgreSQL stays down in its one restart. */
	pgDownMs: z.number().int().min(0).default(2_000),
	sseClients: z.number().int().min(1).default(3),
	faultRate: z.number().min(0).max(1).default(0.1),
	maxLatencyMs: z.number().int().min(0).default(150),
	/** Links shared per second. */
	enqueuePerSecond: z.number().min(0.1).default(10),
	seed: z.number().int().default(() => Date.now() % 1_000_000),
	/** Where each process's output is written at the end (for a failed run's post-mortem). */
	logDir: z.string().optional(),
	/** The whole run must end within this long (a stuck item fails the run instead of hanging it). */
	deadlineMs: z.number().int().min(1_000).default(600_000),
	log: z.custom<(line: string) => void>().default(() => () => {})
});
export type PostgresChaosOptions = z.input<typeof PostgresChaosOptions>;

export interface PostgresChaosReport {
	items: number;
	accepted: number;
	succeeded: number;
	failed: number;
	workerKills: number;
	/** Workers that exited without being killed. */
	workerCrashes: number;
	pgRestarts: number;
	webKills: number;
	/** Items two workers ran at once (overlapping page fetches). */
	overlaps: number;
	/** Extra Tandoor or library recipes beyond one per item. */
	duplicates: number;
	/** Accepted items missing from the database, or never terminal. */
	lost: number;
	openAttempts: number;
	/** (client, item) pairs whose final state a live client never saw. */
	sseMissed: number;
	sseReconnects: number;
	/** 503s while PostgreSQL was down (the documented outage answer). */
	outage503: number;
	/** Any other 5xx from the API: always a defect. */
	other5xx: number;
	siteFaults: number;
	durationMs: number;
	seed: number;
	problems: string[];
}

const TANDOOR_TOKEN = 'tda_chaos_0000000000000000000000000000';
const TERMINAL = ['success', 'error', 'dead', 'canceled'];

/**
 * The PostgreSQL chaos run: one web process (no worker), several `npm run worker` processes, one
 * user's items sent through the HTTP API to a flaky recipe site and on to a Tandoor stand-in.
 * Meanwhile workers are SIGKILLed and replaced, PostgreSQL is crashed and restarted once, and the
 * web process is SIGKILLed once under connected SSE clients. Then it checks the promise.
 */
export async function runPostgresChaos(input: PostgresChaosOptions): Promise<PostgresChaosReport> {
	const o = PostgresChaosOptions.parse(input);
	const started = Date.now();
	const random = seededRandom(o.seed);
	const problems: string[] = [];
	const cleanups: Array<() => unknown> = [];
	// Crash-safe: this run crashes PostgreSQL, and a commit it answered must survive that.
	const pg = await startPostgres({ crashSafe: true });
	if (!pg) throw new Error('PostgreSQL is not installed (apt-get install postgresql)');
	cleanups.push(() => pg.stop());
	const dataDir = mkdtempSync(path.join(os.tmpdir(), 'cookmark-chaos-'));
	cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
	const report = { workerKills: 0, workerCrashes: 0, pgRestarts: 0, webKills: 0 };
	try {
		const site = await startChaosSite({ faultRate: o.faultRate, maxLatencyMs: o.maxLatencyMs, trickleMs: 1_500, random });
		const tandoor = await startTandoorServer({ token: TANDOOR_TOKEN });
		cleanups.push(() => site.close(), () => tandoor.close());
		const env: Record<string, string> = {
			DATABASE_URL: pg.url,
			DATA_DIR: dataDir,
			SECRET_KEY: randomBytes(32).toString('hex'),
			LOG_LEVEL: 'warn',
			FETCH_ALLOW_PRIVATE: 'true',
			// Short leases and polls: a killed worker's items come back in about two seconds.
			QUEUE_LEASE_MS: '2000',
			QUEUE_POLL_MS: '250',
			QUEUE_CONCURRENCY: '6',
			QUEUE_TIMEOUT_MS: '10000',
			QUEUE_RETRY_ATTEMPTS: '6',
			QUEUE_BACKOFF_BASE_MS: '200',
			QUEUE_BACKOFF_MAX_MS: '2000',
			FETCH_TIMEOUT_MS: '2500',
			FETCH_HOST_CONCURRENCY: '16',
			FETCH_HOST_RATE_PER_MINUTE: '6000'
		};
		const port = await freePort();
		const storage = { env, cleanup: async () => {} };
		const webUp = new Gate();
		const pgUp = new Gate(true);
		const webLogs: string[] = [];
		let web: ServerProcess = await startServer(storage, { QUEUE_PROCESSING_ENABLED: 'false' }, { port });
		webUp.open();
		cleanups.push(() => web.stop('SIGKILL'));
		const { token } = await web.signUp('chaos');
		const put = await web.api('/api/targets', { method: 'PUT', json: { kind: 'tandoor', baseUrl: tandoor.origin, token: TANDOOR_TOKEN } });
		if (put.status !== 200) throw new Error(`could not set the Tandoor target: ${put.status} ${await put.text()}`);

		const workers = new Set<WorkerProcess>();
		let done = false;
		// Workers that are up (a kill during start-up tests little); one exiting on its own is a defect.
		const up = new Set<WorkerProcess>();
		const killed = new Set<WorkerProcess>();
		const addWorker = () => {
			const w = spawnWorker({ ...env, LOG_LEVEL: 'info' });
			workers.add(w);
			void w.started.then(() => up.add(w), () => {});
			void w.exited.then((code) => {
				workers.delete(w);
				up.delete(w);
				if (o.logDir) {
					mkdirSync(o.logDir, { recursive: true });
					writeFileSync(path.join(o.logDir, `worker-${w.pid}.log`), w.output());
				}
				if (killed.has(w) || done) return;
				report.workerCrashes++;
				problems.push(`a worker exited by itself (code ${code}): ${w.output().slice(-1500)}`);
				addWorker();
			});
		};
		if (o.logDir) {
			const dir = o.logDir;
			cleanups.push(() => {
				mkdirSync(dir, { recursive: true });
				writeFileSync(path.join(dir, 'web.log'), webLogs.join('\n') + web.logs());
			});
		}
		for (let i = 0; i < o.workers; i++) addWorker();
		cleanups.push(() => Promise.all([...workers].map((w) => w.stop('SIGKILL'))));

		// Ready to ask again: the web process and the database are up, after a retry's pause.
		const settled = () => Promise.all([webUp.wait(), pgUp.wait(), new Promise((r) => setTimeout(r, 100))]).then(() => {});
		const tally = new ApiTally(pgUp);
		const watchers = Array.from({ length: o.sseClients }, () => new SseWatcher(() => web, settled, tally));
		cleanups.push(() => Promise.all(watchers.map((w) => w.stop())));

		const sql = postgres(pg.url, { max: 2, onnotice: () => {} });
		cleanups.push(() => sql.end({ timeout: 1 }));
		const terminalCount = async () => {
			const [row] = await sql<{ n: string }[]>`select count(*) as n from queue_items where status in ${sql(TERMINAL)}`;
			return Number(row!.n);
		};

		const enqueuer = new Enqueuer(() => web, settled, tally);
		const keys = Array.from({ length: o.items }, (_, i) => `c${o.seed}-${i}`);
		const enqueued = enqueuer.sendAll(keys.map((key) => ({ key, url: site.urlFor(key) })), o.enqueuePerSecond);

		// The chaos: worker kills on a timer; the database and the web process at set shares of the work.
		const killer = setInterval(() => {
			// Only when every worker is up, and only one that got some work done since it started:
			// kills must not outpace start-ups on a slow machine, or nothing would ever finish.
			const victims = [...up].filter((w) => w.output().includes('phase completed'));
			if (done || up.size < o.workers || victims.length === 0) return;
			const victim = victims[Math.floor(random() * victims.length)]!;
			up.delete(victim);
			killed.add(victim);
			void victim.stop('SIGKILL');
			report.workerKills++;
			addWorker();
		}, o.killEveryMs);
		cleanups.push(() => clearInterval(killer));

		const restartPostgres = async () => {
			pgUp.close();
			o.log(`chaos: PostgreSQL down for ${o.pgDownMs} ms`);
			await pg.halt();
			await new Promise((r) => setTimeout(r, o.pgDownMs));
			await pg.resume();
			report.pgRestarts++;
			pgUp.open();
			o.log('chaos: PostgreSQL back');
		};
		const restartWeb = async () => {
			webUp.close();
			const live = watchers.filter((w) => w.connected).length;
			o.log(`chaos: SIGKILL web process (${live} SSE clients connected)`);
			await web.stop('SIGKILL');
			webLogs.push(web.logs());
			report.webKills++;
			web = await startServer(storage, { QUEUE_PROCESSING_ENABLED: 'false' }, { port });
			web.token = token;
			webUp.open();
			o.log('chaos: web process back');
		};

		const deadline = started + o.deadlineMs;
		let terminal = 0;
		let accepted = false;
		let lastLine = '';
		void enqueued.then(() => (accepted = true));
		while (!(accepted && terminal >= o.items)) {
			if (Date.now() > deadline) {
				problems.push(`deadline: ${terminal} of ${o.items} items terminal after ${o.deadlineMs} ms`);
				// What held them: their rows, and any session waiting on a lock or idle in a transaction.
				const stuck = await sql`
					select id, status, attempt, lease_owner, lease_expires_at - now() as lease_left, next_run_at - now() as run_in
					from queue_items where status not in ${sql(TERMINAL)}`;
				const sessions = await sql`
					select pid, state, wait_event_type, wait_event, now() - xact_start as xact_age, left(query, 120) as query
					from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()
						and (wait_event_type = 'Lock' or state like 'idle in transaction%')`;
				problems.push(`unfinished: ${JSON.stringify(stuck)}; blocked or idle in transaction: ${JSON.stringify(sessions)}`);
				break;
			}
			await new Promise((r) => setTimeout(r, 250));
			try {
				terminal = await terminalCount();
			} catch {
				continue; // the database is down
			}
			// While links still arrive: the database at a third of them, the web process at two thirds.
			if (report.pgRestarts === 0 && enqueuer.accepted >= o.items / 3) await restartPostgres();
			else if (report.webKills === 0 && report.pgRestarts === 1 && enqueuer.accepted >= (o.items * 2) / 3) await restartWeb();
			const line = `progress: ${enqueuer.accepted} accepted, ${terminal} terminal`;
			if (line !== lastLine) o.log(`${(lastLine = line)}, ${report.workerKills} worker kills`);
		}
		done = true;
		clearInterval(killer);

		// ---- the promise, checked ------------------------------------------------------------
		const urls = keys.map((k) => site.urlFor(k));
		const items = await sql<{ id: string; url: string; status: string }[]>`select id, input->>'url' as url, status from queue_items`;
		const byUrl = new Map<string, { id: string; status: string }[]>();
		for (const item of items) byUrl.set(item.url, [...(byUrl.get(item.url) ?? []), item]);
		const lost = urls.filter((u) => !byUrl.get(u)?.some((i) => TERMINAL.includes(i.status))).length;
		const doubled = [...byUrl.values()].filter((list) => list.length > 1).length;
		if (doubled) problems.push(`${doubled} links became more than one item`);
		if (lost) {
			// Missing: answered 201 but not in the database (a commit lost in a crash); open: never finished.
			const missing = urls.filter((u) => !byUrl.has(u));
			const open = items.filter((i) => !TERMINAL.includes(i.status)).slice(0, 5);
			problems.push(
				`${lost} items lost or never finished: ${missing.length} accepted but missing from the database (${missing.slice(0, 3).join(', ')}), open e.g. ${open.map((i) => `${i.id} ${i.status}`).join(', ')}`
			);
		}
		const succeeded = items.filter((i) => i.status === 'success');

		const library = await sql<{ source_url: string; n: string }[]>`select source_url, count(*) as n from recipes group by source_url`;
		const libraryCount = new Map(library.map((r) => [r.source_url, Number(r.n)]));
		const tandoorCount = new Map<string, number>();
		for (const recipe of tandoor.recipes.values()) {
			const source = String(recipe.source_url);
			tandoorCount.set(source, (tandoorCount.get(source) ?? 0) + 1);
		}
		let duplicates = 0;
		for (const item of succeeded) {
			const inTandoor = tandoorCount.get(item.url) ?? 0;
			const inLibrary = libraryCount.get(item.url) ?? 0;
			if (inTandoor !== 1 || inLibrary !== 1) problems.push(`${item.url}: ${inTandoor} Tandoor and ${inLibrary} library recipes`);
			duplicates += Math.max(0, inTandoor - 1) + Math.max(0, inLibrary - 1);
		}
		for (const [source, n] of tandoorCount) if (n > 1 && !succeeded.some((i) => i.url === source)) duplicates += n - 1;

		const [open] = await sql<{ n: string }[]>`select count(*) as n from item_attempts where outcome = 'running' or finished_at is null`;
		const openAttempts = Number(open!.n);
		if (openAttempts) problems.push(`${openAttempts} attempts never closed`);
		if (site.overlaps.size) problems.push(`${site.overlaps.size} items ran in two workers at once: ${[...site.overlaps].slice(0, 5).join(', ')}`);
		if (duplicates) problems.push(`${duplicates} duplicate recipes`);

		// Every live client ends up showing each item's final state (it may still be catching up).
		const finals = new Map(items.map((i) => [i.id, i.status]));
		const missed = (w: SseWatcher) => [...finals].filter(([id, status]) => w.statuses.get(id) !== status).length;
		await Promise.all(watchers.map((w) => w.until(() => missed(w) === 0, 30_000)));
		const sseMissed = watchers.reduce((n, w) => n + missed(w), 0);
		if (sseMissed) {
			const sample = [...finals].filter(([id, status]) => watchers[0]!.statuses.get(id) !== status).slice(0, 5);
			problems.push(`SSE clients missed ${sseMissed} final states, e.g. ${sample.map(([id, s]) => `${id} ${s} seen as ${watchers[0]!.statuses.get(id)}`).join(', ')}`);
		}
		if (tally.other5xx) problems.push(`${tally.other5xx} unexpected 5xx answers: ${tally.samples.join(' | ')}`);

		return {
			items: o.items,
			accepted: enqueuer.accepted,
			succeeded: succeeded.length,
			failed: items.length - succeeded.length,
			...report,
			overlaps: site.overlaps.size,
			duplicates,
			lost,
			openAttempts,
			sseMissed,
			sseReconnects: watchers.reduce((n, w) => n + w.reconnects, 0),
			outage503: tally.outage503,
			other5xx: tally.other5xx,
			siteFaults: Object.values(site.faults).reduce((a, b) => a + b, 0),
			durationMs: Date.now() - started,
			seed: o.seed,
			problems
		};
	} finally {
		for (const cleanup of cleanups.reverse()) await Promise.resolve(cleanup()).catch(() => {});
	}
}
