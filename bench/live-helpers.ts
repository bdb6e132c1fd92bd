/**
 * What bench/sse.ts and bench/pipeline.ts share: the built server started with a probe
 * (bench/server-probe.mjs), its memory and CPU read from /proc, percentiles, the machine line.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import type { Database } from '../src/lib/server/db/client';
import { startServer, type ServerProcess } from '../tests/helpers/server';
import { startPostgres } from '../scripts/postgres.mjs';

export interface ProbeSample {
	rss: number;
	heapUsed: number;
	external: number;
	arrayBuffers: number;
	cpuMs: number;
	eventLoopDelayMs: { p50: number; p99: number; max: number; mean: number };
}

export interface BenchServer {
	server: ServerProcess;
	pid: number;
	/** Sends a command to the server's probe and waits for its answer. */
	probe<T = ProbeSample>(command: string): Promise<T>;
	/** VmRSS from /proc/<pid>/status, in bytes. */
	rss(): number;
	/** User + system CPU time of the server process from /proc/<pid>/stat, in ms. */
	cpuMs(): number;
	/** The server's main thread (its event loop): time on a CPU and time runnable but waiting for one. */
	sched(): Sched;
	stop(): Promise<void>;
}

const probeModule = path.join(import.meta.dirname, 'server-probe.mjs');

/** The built app (`node build/index.js`, as tests/helpers/server.ts starts it) on `databaseUrl`, with the probe preloaded. */
export async function startBenchServer(databaseUrl: string, env: Record<string, string>): Promise<BenchServer> {
	const dir = mkdtempSync(path.join(os.tmpdir(), 'cookmark-bench-'));
	const commandFile = path.join(dir, 'probe-command');
	writeFileSync(commandFile, '');
	const server = await startServer(
		// The bench owns the database; nothing to clean up per server. DATA_DIR holds the secret key only.
		{ env: { DATABASE_URL: databaseUrl, DATA_DIR: dir }, cleanup: async () => {} },
		{ NODE_OPTIONS: `--expose-gc --import ${probeModule}`, BENCH_PROBE_FILE: commandFile, ...env }
	);
	const pid = server.process.pid!;
	let next = 0;
	const ticks = 100; // USER_HZ on Linux
	return {
		server,
		pid,
		probe<T>(command: string) {
			const id = String(++next);
			const stdout = server.process.stdout!;
			return new Promise<T>((resolve, reject) => {
				let buffer = '';
				const timer = setTimeout(() => (stdout.off('data', onData), reject(new Error(`probe ${command}: no answer`))), 60_000);
				const onData = (chunk: Buffer) => {
					buffer += chunk;
					const match = new RegExp(`bench-probe ${id} (\\{.*\\})\\n`).exec(buffer);
					if (!match) return;
					buffer = '';
					clearTimeout(timer);
					stdout.off('data', onData);
					resolve(JSON.parse(match[1]!) as T);
				};
				stdout.on('data', onData);
				writeFileSync(commandFile, `${id} ${command}\n`);
				if (!server.process.kill('SIGUSR2')) reject(new Error('the server is not running'));
			});
		},
		rss() {
			const line = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
			return Number(line?.[1] ?? NaN) * 1024;
		},
		cpuMs() {
			// Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
			const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
			const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
			return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticks;
		},
		sched: () => sched(pid),
		async stop() {
			await server.stop();
			rmSync(dir, { recursive: true, force: true });
		}
	};
}

export interface Sched {
	runMs: number;
	waitMs: number;
}

/**
 * /proc/<pid>/schedstat of a process's main thread: ns on a CPU and ns in the run queue. The
 * machine is shared: time a thread was ready to run but waited for a core is time no code of ours
 * could shorten, and tells a slow figure due to the box from one due to the program.
 */
export function sched(pid: number | 'self'): Sched {
	const [run = NaN, wait = NaN] = readFileSync(`/proc/${pid}/schedstat`, 'utf8').trim().split(' ').map(Number);
	return { runMs: run / 1e6, waitMs: wait / 1e6 };
}

/** What happened between two readings of sched(), over `wallMs`: shares of the wall time. */
export function schedShare(before: Sched, after: Sched, wallMs: number) {
	return {
		onCpuPercent: round(((after.runMs - before.runMs) / wallMs) * 100),
		waitingForCpuPercent: round(((after.waitMs - before.waitMs) / wallMs) * 100)
	};
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
	if (sorted.length === 0) return NaN;
	return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

/** nproc, RAM, Node and PostgreSQL versions, and when: the line every result starts with. */
export async function machine(database: Database) {
	const [row] = await database.rows<{ version: string }>(sql`select version()`);
	return {
		date: new Date().toISOString(),
		nproc: os.availableParallelism(),
		cpu: os.cpus()[0]?.model ?? 'unknown',
		ramGiB: round(os.totalmem() / 2 ** 30),
		// The machine is shared: what else ran shows here (1-minute load at the start).
		loadAverage1m: round(os.loadavg()[0]!, 2),
		node: process.version,
		postgres: row?.version.split(',')[0] ?? 'unknown'
	};
}

/** This process's own event-loop delay and CPU time, to show the bench itself was not the bottleneck. */
export function selfMonitor() {
	// As in server-probe.mjs: the histogram holds whole 10 ms intervals; the delay is the excess.
	const loop: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });
	const delay = (ns: number) => round(Math.max(0, ns / 1e6 - 10));
	let cpu = process.cpuUsage();
	let wall = performance.now();
	loop.enable();
	return {
		reset() {
			loop.reset();
			cpu = process.cpuUsage();
			wall = performance.now();
		},
		read() {
			const used = process.cpuUsage(cpu);
			return {
				cpuPercent: round(((used.user + used.system) / 1000 / (performance.now() - wall)) * 100),
				eventLoopDelayMs: { p50: delay(loop.percentile(50)), p99: delay(loop.percentile(99)), max: delay(loop.max) }
			};
		},
		stop: () => loop.disable()
	};
}

/** Runs `work` over `items` with at most `parallel` at once; results in the items' order. */
export async function mapLimit<T, R>(items: readonly T[], parallel: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
	const results = new Array<R>(items.length);
	let next = 0;
	await Promise.all(
		Array.from({ length: Math.min(parallel, items.length) }, async () => {
			while (next < items.length) {
				const i = next++;
				results[i] = await work(items[i]!, i);
			}
		})
	);
	return results;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The server's open SSE streams as /api/ready counts them (its hub's subscribers). */
export async function liveConnections(server: ServerProcess): Promise<number> {
	const res = await fetch(`${server.origin}/api/ready`);
	return ((await res.json()) as { live: { connections: number } }).live.connections;
}

/** Polls `check` every `everyMs` until it holds; throws after `ms` with `what`. */
export async function until(check: () => boolean | Promise<boolean>, ms: number, what: string, everyMs = 100): Promise<void> {
	const deadline = Date.now() + ms;
	while (!(await check())) {
		if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
		await sleep(everyMs);
	}
}

/** True when this module's file is the script node was started with (not imported by a test). */
export const isMain = (url: string) => process.argv[1] !== undefined && path.resolve(process.argv[1]) === new URL(url).pathname;

/** The soft limit on open files (/proc/self/limits); a child process inherits it. */
export function openFileLimit(): number {
	const line = /Max open files\s+(\d+|unlimited)/.exec(readFileSync('/proc/self/limits', 'utf8'));
	return line?.[1] === 'unlimited' ? Infinity : Number(line?.[1] ?? NaN);
}

/**
 * Loads pg_stat_statements into a cluster from scripts/postgres.mjs (a restart: it must be
 * preloaded), so a bench can say how much of its time the database spent on which statement.
 */
export async function preloadPgStatStatements(pg: { url: string; halt(): Promise<void>; resume(): Promise<void> }): Promise<void> {
	const { default: postgres } = await import('postgres');
	const admin = postgres(pg.url, { max: 1, onnotice: () => {} });
	await admin.unsafe(`alter system set shared_preload_libraries = 'pg_stat_statements'`);
	await admin.end();
	await pg.halt();
	await pg.resume();
	const again = postgres(pg.url, { max: 1, onnotice: () => {} });
	await again.unsafe('create extension if not exists pg_stat_statements');
	// Statements run by the item_events trigger count too (a setting known only once loaded).
	await again.unsafe(`alter system set pg_stat_statements.track = 'all'`);
	await again.unsafe('select pg_reload_conf()');
	await again.end();
}

/** The statements that took the database's time since the last reset (pg_stat_statements), or null without it. */
export async function pgStatements(database: Database, reset = false) {
	try {
		if (reset) {
			await database.rows(sql`select pg_stat_statements_reset()`);
			return null;
		}
		const rows = await database.rows<{ calls: number; total: number; mean: number; query: string }>(sql`
			select calls::int, round(total_exec_time::numeric, 1)::float as total, round(mean_exec_time::numeric, 3)::float as mean,
				regexp_replace(left(query, 160), '\\s+', ' ', 'g') as query
			from pg_stat_statements where query not like '%pg_stat_statements%' order by total_exec_time desc limit 12`);
		return rows;
	} catch {
		return null;
	}
}

/** Runs cut short, worth a line in a report though logged as info. */
const NOTABLE = new Set(['phase stopped', 'released leases']);

/** The server's warnings and errors (pino JSON lines, level ≥ 40) and runs cut short, counted by message. */
export function serverWarnings(logs: string): Record<string, number> {
	const counts: Record<string, number> = {};
	for (const line of logs.split('\n')) {
		if (!line.startsWith('{')) continue;
		try {
			const entry = JSON.parse(line) as { level?: number; msg?: string; why?: string; err?: { message?: string; cause?: { message?: string } } };
			// drizzle's message is the statement and its parameters; the database's reason is the cause.
			const reason = entry.err?.cause?.message ?? entry.err?.message?.replace(/\s+/g, ' ').slice(0, 120);
			const why = entry.why ?? reason;
			const key = why ? `${entry.msg} (${why})` : (entry.msg ?? '?');
			if ((entry.level ?? 0) >= 40 || NOTABLE.has(entry.msg ?? '')) counts[key] = (counts[key] ?? 0) + 1;
		} catch {
			// not a log line
		}
	}
	return counts;
}

/**
 * PostgreSQL's own errors (deadlocks, serialisation failures…) from the log of a cluster that
 * scripts/postgres.mjs started on `port`, counted by message: what the app's log only wraps.
 */
export function postgresErrors(port: number): Record<string, number> {
	const counts: Record<string, number> = {};
	const dir = readdirSync(os.tmpdir())
		.filter((name) => name.startsWith('cookmark-pg-'))
		.map((name) => path.join(os.tmpdir(), name))
		.find((d) => existsSync(path.join(d, `.s.PGSQL.${port}`)));
	if (!dir || !existsSync(path.join(dir, 'server.log'))) return counts;
	for (const match of readFileSync(path.join(dir, 'server.log'), 'utf8').matchAll(/ ERROR: {2}(.*)/g)) counts[match[1]!] = (counts[match[1]!] ?? 0) + 1;
	return counts;
}

/** A throwaway durable PostgreSQL for a bench (with pg_stat_statements when asked); exits when none is installed. */
export async function benchPostgres(pgStats: boolean) {
	const pg = await startPostgres({ durable: true });
	if (!pg) {
		console.error('PostgreSQL is not installed (apt-get install postgresql): this bench needs it');
		process.exit(1);
	}
	if (pgStats) await preloadPgStatStatements(pg);
	return pg;
}
