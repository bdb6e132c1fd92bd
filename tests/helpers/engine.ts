import { channels } from '../../src/lib/server/queue/channels';
import type { Clock } from '../../src/lib/server/queue/clock';
import { z } from 'zod';
import { PipelineRegistry, type PipelineDefinition, type PhaseContext } from '../../src/lib/server/queue/pipeline';
import { QueueService } from '../../src/lib/server/queue/service';
import { Worker, type WorkerOptions } from '../../src/lib/server/queue/worker';
import type { Database } from '../../src/lib/server/db/client';
import { users } from '../../src/lib/server/db/schema';
import { testLogger } from './logger';
import { waitUntil } from './deferred';
import type { JobDetail } from '../../src/lib/server/queue/view';

/** A pipeline of named phases whose bodies the test supplies; counts every run of each phase. */
export function testPipeline(name: string, phases: Record<string, (ctx: PhaseContext) => Promise<unknown>>) {
	const runs: Record<string, number> = Object.fromEntries(Object.keys(phases).map((p) => [p, 0]));
	const pipeline: PipelineDefinition = {
		name,
		input: z.object({ url: z.string() }),
		phases: Object.entries(phases).map(([phase, body]) => ({
			name: phase,
			output: z.unknown(),
			run: (ctx) => {
				runs[phase]!++;
				return body(ctx);
			}
		})),
		result: (outputs) => ({ outputs })
	};
	return { pipeline, runs };
}

export interface Harness {
	database: Database;
	registry: PipelineRegistry;
	service: QueueService;
	userId: string;
	otherUserId: string;
	worker(overrides?: Partial<WorkerOptions>): Worker;
	enqueue(url: string, extra?: { idempotencyKey?: string; userId?: string; pipeline?: string }): Promise<string>;
	get(id: string, userId?: string): Promise<JobDetail>;
	waitFor(id: string, predicate: (item: JobDetail) => boolean, what: string, ms?: number): Promise<JobDetail>;
}

export async function harness(
	database: Database,
	pipelines: PipelineDefinition[],
	options: { clock?: Clock; maxAttempts?: number } = {}
): Promise<Harness> {
	const registry = new PipelineRegistry();
	for (const p of pipelines) registry.register(p);
	const service = new QueueService(database, registry, { maxAttempts: options.maxAttempts ?? 3, clock: options.clock });
	const [a, b] = await database.db.insert(users).values([{ username: 'alice' }, { username: 'bob' }]).returning({ id: users.id });
	const h: Harness = {
		database,
		registry,
		service,
		userId: a!.id,
		otherUserId: b!.id,
		worker: (overrides = {}) =>
			new Worker({
				database,
				registry,
				log: testLogger,
				concurrency: 2,
				timeoutMs: 10_000,
				leaseMs: 5_000,
				pollMs: 60_000,
				graceMs: 1_000,
				backoff: { baseMs: 1_000, maxMs: 60_000 },
				clock: options.clock,
				...overrides
			}),
		async enqueue(url, extra = {}) {
			const result = await service.enqueue({
				userId: extra.userId ?? h.userId,
				pipeline: extra.pipeline ?? pipelines[0]!.name,
				input: { url },
				dedupeKey: url,
				idempotencyKey: extra.idempotencyKey
			});
			return result.job.id;
		},
		async get(id, userId = h.userId) {
			const item = await service.get(userId, id);
			if (!item) throw new Error(`item ${id} not found`);
			return item;
		},
		waitFor(id, predicate, what, ms = 15_000) {
			return waitUntil(
				async () => {
					const item = await h.get(id);
					return predicate(item) ? item : null;
				},
				(onChange) => database.listen(channels.itemEvents, onChange),
				ms,
				what
			);
		}
	};
	return h;
}

/** Resolves with the phase context the first time the phase starts, then keeps it hanging until aborted. */
export function hangUntilAborted(onStart?: (ctx: PhaseContext) => void) {
	return (ctx: PhaseContext) =>
		new Promise<never>((_, reject) => {
			onStart?.(ctx);
			ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason), { once: true });
		});
}
