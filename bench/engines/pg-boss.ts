/**
 * pg-boss behind the bench interface: `send` for enqueue, `work()` for a worker.
 *
 * pg-boss 10 (the newest that runs on Node 20) has no concurrency option: its docs for `work()`
 * (docs/readme.md of 10.x, "work()") say each call adds a polling worker, and that a worker
 * fetches `batchSize` jobs per poll and hands them to the handler as one array, polling every
 * `pollingIntervalSeconds` (default 2, at least 0.5). So concurrency 10 is ten `work()` calls, and
 * for speed each fetches 100 jobs per poll (the batch size the issue's own peer run used) at the
 * shortest interval the docs allow. Its loop waits out the interval after every fetch, so ten
 * workers can run at most 10 × 100 jobs per 0.5 s. It does not LISTEN: an idle worker notices a
 * new job at its next poll, and as the ten polls start together and the bench enqueues each pickup
 * job as soon as the one before is recorded done (just after a poll), its pickup is close to the
 * whole interval (a job arriving at a random time would wait half of it on average).
 */
import PgBoss from 'pg-boss';
import type { BenchEngine } from './types';

const QUEUE = 'noop';
const BATCH_SIZE = 100;
const POLLING_INTERVAL_SECONDS = 0.5;

export function pgBoss(): BenchEngine {
	let connectionString = '';
	let producer: PgBoss | undefined;
	let worker: PgBoss | undefined;
	let failure: unknown;
	// pg-boss reports its background errors as events; an unhandled 'error' event would kill the bench.
	const onError = (err: unknown) => (failure ??= err);
	return {
		id: 'pg-boss',
		label: `pg-boss, batch size ${BATCH_SIZE}`,
		async setup(databaseUrl) {
			connectionString = databaseUrl;
			// start() installs the schema; a pool as large as Cookmark's (20).
			producer = new PgBoss({ connectionString, max: 20 });
			producer.on('error', onError);
			await producer.start();
			await producer.createQueue(QUEUE);
		},
		async enqueue(i) {
			if (failure) throw failure;
			await producer!.send(QUEUE, { i });
		},
		async startWorker(concurrency, onJob) {
			worker = new PgBoss({ connectionString, max: 20 });
			worker.on('error', onError);
			await worker.start();
			for (let n = 0; n < concurrency; n++) {
				await worker.work<{ i: number }>(QUEUE, { batchSize: BATCH_SIZE, pollingIntervalSeconds: POLLING_INTERVAL_SECONDS }, async (jobs) => {
					for (const job of jobs) onJob(job.data.i);
				});
			}
		},
		async remaining() {
			if (failure) throw failure;
			const { rows } = await producer!.getDb().executeSql(`select count(*)::int as n from pgboss.job where name = $1 and state <> 'completed'`, [QUEUE]);
			return (rows[0] as { n: number }).n;
		},
		async stop() {
			await worker?.stop({ graceful: true, wait: true });
			worker = undefined;
		},
		async teardown() {
			await producer?.stop({ graceful: true, wait: true });
			producer = undefined;
		}
	};
}
