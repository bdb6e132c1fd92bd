/**
 * `npm run bench:queue` — the engine's own numbers on this machine:
 *   throughput   items/s through a three-phase no-op pipeline, N workers sharing one database
 *   wake-up      enqueue → first phase running, with an idle worker (NOTIFY, not the poll)
 *   recovery     a worker dies mid-phase → the item is finished by another, with the default lease
 * on PGlite and on a throwaway PostgreSQL (durable settings: fsync on) when it is installed.
 * Options: --items N (2000) --recovery-runs N (2) --only pglite|postgres
 */
import { parseArgs } from 'node:util';
import os from 'node:os';
import pino from 'pino';
import { sql } from 'drizzle-orm';
import { openDatabase, type Database } from '../src/lib/server/db/client';
import { migrate } from '../src/lib/server/db/migrate';
import { users } from '../src/lib/server/db/schema';
import { channels } from '../src/lib/server/queue/channels';
import { PipelineRegistry, type PipelineDefinition } from '../src/lib/server/queue/pipeline';
import { QueueService } from '../src/lib/server/queue/service';
import { Worker } from '../src/lib/server/queue/worker';
import { claimItems } from '../src/lib/server/queue/sql/claim';
import { z } from 'zod';
import { configSchema } from '../src/lib/server/config';
// @ts-expect-error plain ES module without types
import { startPostgres } from '../scripts/postgres.mjs';

const { values: args } = parseArgs({
	options: {
		items: { type: 'string', default: '2000' },
		'recovery-runs': { type: 'string', default: '2' },
		only: { type: 'string' }
	}
});
const ITEMS = Number(args.items);
const RECOVERY_RUNS = Number(args['recovery-runs']);
const defaults = configSchema.parse({});
const log = pino({ level: 'silent' });

const noop = (name: string): PipelineDefinition => ({
	name,
	input: z.unknown(),
	phases: ['extraction', 'parsing', 'uploading'].map((phase) => ({ name: phase, output: z.unknown(), run: async () => ({ phase }) })),
	result: () => null
});

function percentile(sorted: number[], p: number): number {
	return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function setup(database: Database, pipeline: PipelineDefinition) {
	await database.rows(sql`truncate queue_items, users cascade`);
	const registry = new PipelineRegistry();
	registry.register(pipeline);
	const service = new QueueService(database, registry, { maxAttempts: 3 });
	const [user] = await database.db.insert(users).values({ username: 'bench' }).returning({ id: users.id });
	const worker = (overrides: Partial<ConstructorParameters<typeof Worker>[0]> = {}) =>
		new Worker({
			database,
			registry,
			log,
			concurrency: 8,
			timeoutMs: defaults.QUEUE_TIMEOUT_MS,
			leaseMs: defaults.QUEUE_LEASE_MS,
			pollMs: defaults.QUEUE_POLL_MS,
			graceMs: 1_000,
			backoff: { baseMs: 1_000, maxMs: 10_000 },
			...overrides
		});
	const enqueue = (i: number) =>
		service.enqueue({ userId: user!.id, pipeline: pipeline.name, dedupeKey: `https://example.com/${i}`, input: {} });
	return { worker, enqueue };
}

async function countDone(database: Database): Promise<number> {
	const [row] = await database.rows<{ n: number }>(sql`select count(*)::int as n from queue_items where status = 'success'`);
	return row!.n;
}

/** Resolves when `n` items are done; one count at a time however many notifications arrive. */
function whenDone(database: Database, n: number): Promise<void> {
	return new Promise((resolve) => {
		let unlisten: (() => Promise<void>) | undefined;
		let running = false;
		let dirty = false;
		let finished = false;
		const check = async () => {
			if (finished) return;
			if (running) {
				dirty = true;
				return;
			}
			running = true;
			do {
				dirty = false;
				if ((await countDone(database)) >= n) {
					finished = true;
					await unlisten?.();
					resolve();
					break;
				}
			} while (dirty);
			running = false;
		};
		void database.listen(channels.itemEvents, () => void check()).then((u) => {
			unlisten = u;
			void check();
		});
	});
}

async function throughput(database: Database, workers: number) {
	const { worker, enqueue } = await setup(database, noop('bench'));
	for (let i = 0; i < ITEMS; i += 100) await Promise.all(Array.from({ length: Math.min(100, ITEMS - i) }, (_, j) => enqueue(i + j)));
	const pool = Array.from({ length: workers }, () => worker());
	const started = performance.now();
	const done = whenDone(database, ITEMS);
	await Promise.all(pool.map((w) => w.start()));
	await done;
	const seconds = (performance.now() - started) / 1000;
	await Promise.all(pool.map((w) => w.stop()));
	return { items: ITEMS, workers, concurrencyEach: 8, seconds, itemsPerSecond: ITEMS / seconds, phasesPerSecond: (ITEMS * 3) / seconds };
}

async function wakeUp(database: Database, samples = 50) {
	let startedAt = 0;
	const latencies: number[] = [];
	let onStart: (() => void) | undefined;
	const pipeline: PipelineDefinition = {
		name: 'wake',
		phases: [{ name: 'only', run: async () => onStart?.() }]
	};
	const { worker, enqueue } = await setup(database, pipeline);
	const w = worker({ pollMs: 3_600_000 });
	await w.start();
	for (let i = 0; i < samples; i++) {
		await new Promise<void>((resolve) => {
			if (w.activeCount === 0) resolve();
			else w.once('idle', () => resolve());
		});
		const ran = new Promise<void>((resolve) => (onStart = resolve));
		startedAt = performance.now();
		await enqueue(i);
		await ran;
		latencies.push(performance.now() - startedAt);
	}
	await w.stop();
	latencies.sort((a, b) => a - b);
	return { samples, medianMs: percentile(latencies, 50), p95Ms: percentile(latencies, 95), maxMs: latencies.at(-1)! };
}

async function recovery(database: Database) {
	const results: number[] = [];
	for (let run = 0; run < RECOVERY_RUNS; run++) {
		let finished: (() => void) | undefined;
		const pipeline: PipelineDefinition = {
			name: 'rec',
			input: z.unknown(),
			phases: [{ name: 'only', output: z.unknown(), run: async () => finished?.() }],
			result: () => null
		};
		const { worker, enqueue } = await setup(database, pipeline);
		await enqueue(run);
		// The "crashed" worker: claims with the default lease (which starts the phase), then never speaks again.
		await claimItems(database, { worker: 'crashed', pipelines: ['rec'], limit: 1, leaseMs: defaults.QUEUE_LEASE_MS, now: new Date() });
		const crashedAt = performance.now();
		const rescued = new Promise<void>((resolve) => (finished = resolve));
		const w = worker();
		await w.start();
		await rescued;
		results.push((performance.now() - crashedAt) / 1000);
		await w.stop();
	}
	return { leaseMs: defaults.QUEUE_LEASE_MS, pollMs: defaults.QUEUE_POLL_MS, runs: results.map((s) => Number(s.toFixed(1))) };
}

async function benchDatabase(kind: 'pglite' | 'postgres', url?: string) {
	const database = await openDatabase(url ? { databaseUrl: url, maxConnections: 20 } : { dataDir: 'memory://' });
	await migrate(database, url);
	const report: Record<string, unknown> = { database: kind };
	report.throughput1 = await throughput(database, 1);
	report.throughput4 = await throughput(database, 4);
	report.wakeUp = await wakeUp(database);
	if (RECOVERY_RUNS > 0) report.recovery = await recovery(database);
	await database.close();
	return report;
}

const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
console.log(`# queue bench — ${new Date().toISOString()} — ${machine}`);
if (args.only !== 'postgres') console.log(JSON.stringify(await benchDatabase('pglite'), null, 2));
if (args.only !== 'pglite') {
	const pg = await startPostgres({ durable: true });
	if (!pg) console.log('PostgreSQL not installed: skipped');
	else {
		try {
			console.log(`# ${pg.version}`);
			console.log(JSON.stringify(await benchDatabase('postgres', pg.url), null, 2));
		} finally {
			pg.stop();
		}
	}
}
process.exit(0);
