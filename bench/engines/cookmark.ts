/**
 * Cookmark's own engine behind the bench interface: QueueService.enqueue for jobs, one Worker
 * for a worker, a pipeline of one or three no-op phases. The only bench file that knows the
 * engine's API and tables, so an engine rewrite changes this file alone.
 */
import pino from 'pino';
import { sql } from 'drizzle-orm';
import { openDatabase, type Database } from '../../src/lib/server/db/client';
import { migrate } from '../../src/lib/server/db/migrate';
import { users } from '../../src/lib/server/db/schema';
import { z } from 'zod';
import { PipelineBuilder, PipelineRegistry, type PipelineDefinition } from '../../src/lib/server/queue/pipeline';
import { QueueService } from '../../src/lib/server/queue/service';
import { Worker } from '../../src/lib/server/queue/worker';
import { configSchema } from '../../src/lib/server/config';
import type { BenchEngine } from './types';

export type PhaseCount = 1 | 3;

const defaults = configSchema.parse({});
const log = pino({ level: 'silent' });

const Job = z.object({ i: z.number() });
const Done = z.object({ phase: z.string() });

/** The three-phase shape is the recipe pipeline's (as in bench/queue.ts); the one-phase one is a plain job. */
function pipeline(phases: PhaseCount, onJob: (i: number) => void): PipelineDefinition {
	const names = phases === 1 ? ['job'] : ['extraction', 'parsing', 'uploading'];
	let builder = PipelineBuilder.create(`bench-${phases}`, Job) as PipelineBuilder<z.infer<typeof Job>, Record<string, unknown>>;
	names.forEach((name, index) => {
		builder = builder.phase(name, Done, async ({ item }) => {
			if (index === 0) onJob(item.input.i);
			return { phase: name };
		});
	});
	return builder.build();
}

export function cookmark(phases: PhaseCount): BenchEngine {
	let database: Database | undefined;
	let service: QueueService | undefined;
	let worker: Worker | undefined;
	let userId = '';
	// Replaced by startWorker: the registry holds the pipeline enqueue checks against.
	let onJob: (i: number) => void = () => {};
	const registry = new PipelineRegistry();
	const definition = pipeline(phases, (i) => onJob(i));
	registry.register(definition);

	return {
		id: phases === 1 ? 'cookmark-1' : 'cookmark-3',
		label: phases === 1 ? 'Cookmark, one no-op phase' : 'Cookmark, three no-op phases',
		async setup(databaseUrl, options = {}) {
			database = await openDatabase({ databaseUrl, maxConnections: 20 });
			if (options.attach) return;
			await migrate(database, databaseUrl);
			service = new QueueService(database, registry, { maxAttempts: 3 });
			const [user] = await database.db.insert(users).values({ username: 'bench' }).returning({ id: users.id });
			userId = user!.id;
		},
		async enqueue(i) {
			if (!service) throw new Error('enqueue before setup');
			await service.enqueue({ userId, pipeline: definition.name, dedupeKey: `https://example.com/${i}`, input: { i } });
		},
		async startWorker(concurrency, callback) {
			if (!database) throw new Error('startWorker before setup');
			onJob = callback;
			worker = new Worker({
				database,
				registry,
				log,
				concurrency,
				timeoutMs: defaults.QUEUE_TIMEOUT_MS,
				leaseMs: defaults.QUEUE_LEASE_MS,
				pollMs: defaults.QUEUE_POLL_MS,
				graceMs: 1_000,
				backoff: { baseMs: 1_000, maxMs: 10_000 }
			});
			await worker.start();
		},
		async remaining() {
			const [row] = await database!.rows<{ n: number }>(sql`select count(*)::int as n from queue_items where status <> 'success'`);
			return row!.n;
		},
		async stop() {
			await worker?.stop();
			worker = undefined;
		},
		async teardown() {
			await database?.close();
			database = undefined;
		}
	};
}
