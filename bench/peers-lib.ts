/**
 * The protocol of `npm run bench:peers`, shared by the CLI (bench/peers.ts) and the CI smoke test
 * (tests/postgres/bench-smoke.test.ts), so the smoke run goes through the same code.
 *
 * Per engine and run, in a fresh database of one PostgreSQL:
 *   enqueue  N no-op jobs, one call per job, `inFlight` calls at a time → jobs/s
 *   drain    a worker in this process at `concurrency`, from the call that starts it until the
 *            engine's own tables show all N done → jobs/s
 *   pickup   the same worker, idle: enqueue one job, time from the enqueue call to its handler
 *            starting, wait until the engine has recorded it done, repeat → p50/p99 ms
 * and, for Cookmark, the drain by 1 and by 4 worker processes (bench/engines/cookmark-worker-process.ts).
 * Nothing here sleeps for a guessed time: every wait is for an event or for a condition read from
 * the database (re-read every 2 ms, which bounds the error of an end time).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { cookmark, type PhaseCount } from './engines/cookmark';
import { graphileWorker } from './engines/graphile-worker';
import { pgBoss } from './engines/pg-boss';
import type { BenchEngine, EngineFactory } from './engines/types';
import { createDatabase } from './database';

const root = path.resolve(import.meta.dirname, '..');

/** Every engine `--only` can name, in the order the tables list them. */
export const ENGINES: Record<string, EngineFactory> = {
	'graphile-batched': () => graphileWorker({ batched: true }),
	'pg-boss': pgBoss,
	graphile: () => graphileWorker({ batched: false }),
	'cookmark-1': () => cookmark(1),
	'cookmark-3': () => cookmark(3)
};
/** The Cookmark drain by worker processes; named like an engine for `--only`. */
export const PROCESSES_ID = 'cookmark-processes';
const COOKMARK_IDS = ['cookmark-1', 'cookmark-3'];

export interface PeerOptions {
	/** A PostgreSQL URL allowed to create databases; each engine and run gets a fresh one on it. */
	adminUrl: string;
	jobs: number;
	runs: number;
	/** Pickup samples per run. */
	samples: number;
	/** Engine ids (keys of ENGINES, and PROCESSES_ID). */
	only: string[];
	/** Worker process counts for the Cookmark drain by processes, e.g. [1, 4]. */
	processes: number[];
	/** The pipeline those processes run. */
	processPhases: PhaseCount;
	concurrency: number;
	inFlight: number;
	log: (line: string) => void;
}

export interface RunFigures {
	enqueuePerSec: number;
	drainPerSec: number;
	pickupP50Ms: number;
	pickupP99Ms: number;
	/** Jobs the drain saw started and the engine recorded done (must equal `jobs`). */
	drained: number;
}

export interface EngineResult {
	id: string;
	label: string;
	runs: RunFigures[];
	median: RunFigures;
}

export interface ProcessesResult {
	processes: number;
	/** Drain jobs/s per run, and how many jobs each run drained. */
	runs: Array<{ drainPerSec: number; drained: number }>;
	median: number;
}

export interface PeerReport {
	jobs: number;
	runs: number;
	samples: number;
	concurrency: number;
	inFlight: number;
	engines: EngineResult[];
	processes: { phases: PhaseCount; concurrencyEach: number; results: ProcessesResult[] } | null;
}

export function median(values: number[]): number {
	const s = [...values].sort((a, b) => a - b);
	const mid = Math.floor(s.length / 2);
	return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** The value below which p % of the sorted samples fall (nearest rank). */
export function percentile(sorted: number[], p: number): number {
	return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
	let timer: NodeJS.Timeout | undefined;
	const timeout = new Promise<never>((_, reject) => {
		timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
	});
	return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves once the engine's tables show no job left; re-reads every 2 ms (the end time's resolution). */
async function allDone(engine: Pick<BenchEngine, 'remaining'>, deadline: number, what: string): Promise<void> {
	for (;;) {
		const left = await engine.remaining();
		if (left === 0) return;
		if (performance.now() > deadline) throw new Error(`${what}: ${left} jobs still not done at the deadline`);
		await pause(2);
	}
}

/** A generous bound: a stalled engine fails the run instead of hanging it. */
const drainDeadlineMs = (jobs: number) => 60_000 + jobs * 50;

/** `jobs` single enqueue calls, `inFlight` at a time → jobs/s. */
export async function enqueueAll(engine: Pick<BenchEngine, 'enqueue'>, jobs: number, inFlight: number): Promise<number> {
	let next = 0;
	const started = performance.now();
	await Promise.all(
		Array.from({ length: Math.min(inFlight, jobs) }, async () => {
			while (next < jobs) await engine.enqueue(next++);
		})
	);
	return jobs / ((performance.now() - started) / 1000);
}

/** One run of one engine in a fresh database: enqueue, then drain, then pickup with the drain's (now idle) worker. */
export async function measureEngine(
	factory: EngineFactory,
	options: Pick<PeerOptions, 'adminUrl' | 'jobs' | 'samples' | 'concurrency' | 'inFlight'>
): Promise<{ id: string; label: string; figures: RunFigures }> {
	const { jobs, samples } = options;
	const engine = factory();
	const db = await createDatabase(options.adminUrl, `bench_${engine.id}`);
	try {
		await engine.setup(db.url);
		try {
			const enqueuePerSec = await enqueueAll(engine, jobs, options.inFlight);

			// One worker serves the drain (jobs 0..N-1) and then the pickup samples (N and up).
			const drained = new Set<number>();
			let allStarted!: () => void;
			const started = new Promise<void>((resolve) => (allStarted = resolve));
			let waiting: { i: number; resolve: (at: number) => void } | null = null;
			const onJob = (i: number) => {
				if (i < jobs) {
					drained.add(i);
					if (drained.size === jobs) allStarted();
				} else if (waiting?.i === i) waiting.resolve(performance.now());
			};

			const t0 = performance.now();
			const deadline = t0 + drainDeadlineMs(jobs);
			await engine.startWorker(options.concurrency, onJob);
			await within(started, deadline - performance.now(), `all ${jobs} handlers of ${engine.id} to start`);
			// A started handler is not a done job: the engine records completion after it (batched, for some).
			await allDone(engine, deadline, `${engine.id} drain`);
			const drainPerSec = jobs / ((performance.now() - t0) / 1000);

			const latencies: number[] = [];
			// k = -1 is a warm-up that is not counted: the worker's first pickup after the drain.
			for (let k = -1; k < samples; k++) {
				const i = jobs + 1 + k;
				const ran = new Promise<number>((resolve) => (waiting = { i, resolve }));
				const enqueuedAt = performance.now();
				await engine.enqueue(i);
				const handlerAt = await within(ran, 10_000, `${engine.id}: job ${i}'s handler to start`);
				if (k >= 0) latencies.push(handlerAt - enqueuedAt);
				// Idle again before the next job: the engine has recorded this one done.
				await allDone(engine, performance.now() + 10_000, `${engine.id} pickup job ${i}`);
			}
			latencies.sort((a, b) => a - b);
			return {
				id: engine.id,
				label: engine.label,
				figures: {
					enqueuePerSec,
					drainPerSec,
					pickupP50Ms: percentile(latencies, 50),
					pickupP99Ms: percentile(latencies, 99),
					drained: drained.size
				}
			};
		} finally {
			await engine.stop();
			await engine.teardown();
		}
	} finally {
		await db.drop();
	}
}

interface Child {
	process: ChildProcess;
	ready: Promise<void>;
	exited: Promise<number | null>;
}

function spawnCookmarkWorker(databaseUrl: string, phases: PhaseCount, concurrency: number, onJob: () => void): Child {
	const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'bench/engines/cookmark-worker-process.ts')], {
		cwd: root,
		env: { ...process.env, BENCH_DATABASE_URL: databaseUrl, BENCH_PHASES: String(phases), BENCH_CONCURRENCY: String(concurrency) },
		stdio: ['ignore', 'inherit', 'inherit', 'ipc']
	});
	const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
	const ready = new Promise<void>((resolve, reject) => {
		child.on('message', (m: { type: string }) => {
			if (m.type === 'ready') resolve();
			else if (m.type === 'job') onJob();
		});
		void exited.then((code) => reject(new Error(`a Cookmark worker process exited with ${code} before it was ready`)));
	});
	ready.catch(() => {});
	return { process: child, ready, exited };
}

/**
 * Cookmark's drain by `count` worker processes of `concurrency` each: the bench enqueues, starts
 * the processes and waits until each has connected, then tells them all to start; timed from
 * that message until the tables show every job done.
 */
export async function measureProcesses(
	count: number,
	options: Pick<PeerOptions, 'adminUrl' | 'jobs' | 'concurrency' | 'inFlight' | 'processPhases'>
): Promise<{ drainPerSec: number; drained: number }> {
	const { jobs } = options;
	const engine = cookmark(options.processPhases);
	const db = await createDatabase(options.adminUrl, `bench_processes_${count}`);
	const children: Child[] = [];
	try {
		await engine.setup(db.url);
		await enqueueAll(engine, jobs, options.inFlight);
		let started = 0;
		let allStarted!: () => void;
		const allStartedP = new Promise<void>((resolve) => (allStarted = resolve));
		for (let n = 0; n < count; n++) {
			children.push(
				spawnCookmarkWorker(db.url, options.processPhases, options.concurrency, () => {
					if (++started === jobs) allStarted();
				})
			);
		}
		await within(Promise.all(children.map((c) => c.ready)), 60_000, 'the worker processes to connect');
		const t0 = performance.now();
		const deadline = t0 + drainDeadlineMs(jobs);
		for (const c of children) c.process.send({ type: 'start' });
		const died = Promise.race(children.map((c) => c.exited.then((code) => Promise.reject(new Error(`a worker process exited with ${code} mid-drain`)))));
		died.catch(() => {});
		await within(Promise.race([allStartedP, died]), deadline - performance.now(), `all ${jobs} jobs to start in ${count} processes (${started} did)`);
		await allDone(engine, deadline, `drain by ${count} processes`);
		const drainPerSec = jobs / ((performance.now() - t0) / 1000);
		return { drainPerSec, drained: Math.min(started, jobs) };
	} finally {
		for (const c of children) if (c.process.exitCode === null && c.process.connected) c.process.send({ type: 'stop' });
		await within(Promise.all(children.map((c) => c.exited)), 30_000, 'the worker processes to exit').catch((err) => {
			for (const c of children) c.process.kill('SIGKILL');
			throw err;
		});
		await engine.teardown();
		await db.drop();
	}
}

/** Every run of every engine; runs interleave the engines so that a noisy minute on the shared machine hits them all alike. */
export async function runPeers(options: PeerOptions): Promise<PeerReport> {
	const ids = Object.keys(ENGINES).filter((id) => options.only.includes(id));
	const perEngine = new Map<string, { label: string; runs: RunFigures[] }>();
	const perCount = new Map<number, Array<{ drainPerSec: number; drained: number }>>();
	const withProcesses = options.only.includes(PROCESSES_ID) && options.processes.length > 0;
	for (let run = 1; run <= options.runs; run++) {
		for (const id of ids) {
			const { label, figures } = await measureEngine(ENGINES[id]!, options);
			const entry = perEngine.get(id) ?? { label, runs: [] };
			entry.runs.push(figures);
			perEngine.set(id, entry);
			options.log(
				`run ${run}/${options.runs} ${id}: enqueue ${fmt(figures.enqueuePerSec)}/s, drain ${fmt(figures.drainPerSec)}/s, ` +
					`pickup p50 ${figures.pickupP50Ms.toFixed(1)} ms, p99 ${figures.pickupP99Ms.toFixed(1)} ms`
			);
		}
		if (withProcesses) {
			for (const count of options.processes) {
				const r = await measureProcesses(count, options);
				perCount.set(count, [...(perCount.get(count) ?? []), r]);
				options.log(`run ${run}/${options.runs} ${PROCESSES_ID} ×${count}: drain ${fmt(r.drainPerSec)}/s`);
			}
		}
	}
	const engines: EngineResult[] = ids.map((id) => {
		const { label, runs } = perEngine.get(id)!;
		const m = (pick: (f: RunFigures) => number) => median(runs.map(pick));
		return {
			id,
			label,
			runs,
			median: {
				enqueuePerSec: m((f) => f.enqueuePerSec),
				drainPerSec: m((f) => f.drainPerSec),
				pickupP50Ms: m((f) => f.pickupP50Ms),
				pickupP99Ms: m((f) => f.pickupP99Ms),
				drained: Math.min(...runs.map((f) => f.drained))
			}
		};
	});
	return {
		jobs: options.jobs,
		runs: options.runs,
		samples: options.samples,
		concurrency: options.concurrency,
		inFlight: options.inFlight,
		engines,
		processes: withProcesses
			? {
					phases: options.processPhases,
					concurrencyEach: options.concurrency,
					results: options.processes.map((count) => {
						const runs = perCount.get(count)!;
						return { processes: count, runs, median: median(runs.map((r) => r.drainPerSec)) };
					})
				}
			: null
	};
}

function fmt(n: number): string {
	return n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(n >= 10 ? 1 : 2);
}
const ms = (n: number) => n.toFixed(1);
const ratio = (n: number) => `${n.toFixed(n >= 10 ? 0 : n >= 1 ? 2 : 3)}×`;

/** Markdown tables: the medians, then Cookmark's figures as a ratio of each peer's. */
export function formatReport(report: PeerReport): string {
	const lines: string[] = [];
	lines.push(`${report.jobs.toLocaleString('en-US')} no-op jobs; enqueue ${report.inFlight} calls in flight; drain and pickup by one worker at concurrency ${report.concurrency}; pickup ${report.samples} samples; median of ${report.runs} run(s).`, '');
	lines.push('| engine | enqueue jobs/s | drain jobs/s | pickup p50 / p99 ms |', '|---|---|---|---|');
	for (const e of report.engines) {
		const f = e.median;
		lines.push(`| ${e.label} | ${fmt(f.enqueuePerSec)} | ${fmt(f.drainPerSec)} | ${ms(f.pickupP50Ms)} / ${ms(f.pickupP99Ms)} |`);
	}
	const cookmarks = report.engines.filter((e) => COOKMARK_IDS.includes(e.id));
	const peers = report.engines.filter((e) => !COOKMARK_IDS.includes(e.id));
	if (cookmarks.length && peers.length) {
		lines.push('', 'Cookmark / peer (throughput: above 1 is faster than the peer; latency: below 1 is quicker than the peer):', '');
		lines.push('| Cookmark | peer | enqueue | drain | pickup p50 | pickup p99 |', '|---|---|---|---|---|---|');
		for (const c of cookmarks) {
			for (const p of peers) {
				const a = c.median;
				const b = p.median;
				lines.push(
					`| ${c.label} | ${p.label} | ${ratio(a.enqueuePerSec / b.enqueuePerSec)} | ${ratio(a.drainPerSec / b.drainPerSec)} | ${ratio(a.pickupP50Ms / b.pickupP50Ms)} | ${ratio(a.pickupP99Ms / b.pickupP99Ms)} |`
				);
			}
		}
	}
	if (report.processes) {
		const { phases, concurrencyEach, results } = report.processes;
		lines.push('', `Cookmark drain by worker processes (${phases === 1 ? 'one no-op phase' : 'three no-op phases'}, concurrency ${concurrencyEach} each):`, '');
		lines.push('| processes | drain jobs/s (median) | runs | × one process |', '|---|---|---|---|');
		const one = results.find((r) => r.processes === 1)?.median;
		for (const r of results) {
			lines.push(`| ${r.processes} | ${fmt(r.median)} | ${r.runs.map((x) => fmt(x.drainPerSec)).join(', ')} | ${one ? ratio(r.median / one) : '–'} |`);
		}
	}
	lines.push('', 'Each run (enqueue/s, drain/s, pickup p50/p99 ms):', '');
	for (const e of report.engines) {
		lines.push(`- ${e.label}: ${e.runs.map((f) => `${fmt(f.enqueuePerSec)}, ${fmt(f.drainPerSec)}, ${ms(f.pickupP50Ms)}/${ms(f.pickupP99Ms)}`).join(' · ')}`);
	}
	return lines.join('\n');
}
