/**
 * graphile-worker behind the bench interface: `addJob` through WorkerUtils for enqueue, `run()`
 * with a task list for the worker.
 *
 * `batched` applies the options its performance page documents for throughput
 * (https://worker.graphile.org/docs/performance, "Batching"; the same options are described in
 * node_modules/graphile-worker/dist/index.d.ts of 0.17): `localQueue.size` (jobs fetched and
 * locked per query, handed to workers locally), and `completeJobBatchDelay`/`failJobBatchDelay`
 * (completions gathered into one statement). The values are the page's own benchmark
 * configuration: `localQueue: { size: 500 }, completeJobBatchDelay: 0, failJobBatchDelay: 0`.
 */
import { Logger, makeWorkerUtils, run, runMigrations, type Runner, type WorkerUtils } from 'graphile-worker';
import type { BenchEngine } from './types';

// Silence: the bench prints its own figures.
const logger = new Logger(() => () => {});

export function graphileWorker({ batched }: { batched: boolean }): BenchEngine {
	let connectionString = '';
	let utils: WorkerUtils | undefined;
	let runner: Runner | undefined;
	return {
		id: batched ? 'graphile-batched' : 'graphile',
		label: batched ? 'graphile-worker, batching options' : 'graphile-worker, plain',
		async setup(databaseUrl, options = {}) {
			connectionString = databaseUrl;
			if (!options.attach) await runMigrations({ connectionString, logger });
			// A pool as large as Cookmark's (20), so 20 enqueue calls in flight each get a connection.
			utils = await makeWorkerUtils({ connectionString, maxPoolSize: 20, logger });
		},
		async enqueue(i) {
			await utils!.addJob('noop', { i });
		},
		async startWorker(concurrency, onJob) {
			runner = await run({
				connectionString,
				concurrency,
				maxPoolSize: 20,
				noHandleSignals: true,
				logger,
				taskList: {
					noop: async (payload) => {
						onJob((payload as { i: number }).i);
					}
				},
				...(batched ? { preset: { worker: { localQueue: { size: 500 }, completeJobBatchDelay: 0, failJobBatchDelay: 0 } } } : {})
			});
		},
		async remaining() {
			// A completed job is deleted from the jobs table.
			const { rows } = await utils!.withPgClient((client) => client.query<{ n: number }>('select count(*)::int as n from graphile_worker._private_jobs'));
			return rows[0]!.n;
		},
		async stop() {
			await runner?.stop();
			runner = undefined;
		},
		async teardown() {
			await utils?.release();
			utils = undefined;
		}
	};
}
