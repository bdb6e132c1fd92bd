/**
 * One Cookmark worker process for the multi-process drain of `npm run bench:peers`, started by
 * the bench with an IPC channel. It connects, says `ready`, starts its worker on `start` (so
 * process start-up is not timed), tells the bench each job it starts (`job`), and on `stop`
 * stops, closes its connections and exits.
 * Env: BENCH_DATABASE_URL, BENCH_PHASES (1 or 3), BENCH_CONCURRENCY.
 */
import { cookmark } from './cookmark';

const url = process.env.BENCH_DATABASE_URL;
const phases = Number(process.env.BENCH_PHASES);
const concurrency = Number(process.env.BENCH_CONCURRENCY);
if (!url || (phases !== 1 && phases !== 3) || !(concurrency > 0) || !process.send) {
	console.error('cookmark-worker-process: needs BENCH_DATABASE_URL, BENCH_PHASES, BENCH_CONCURRENCY and an IPC channel');
	process.exit(2);
}
const send = (message: unknown) => process.send!(message);

const engine = cookmark(phases);
await engine.setup(url, { attach: true });
process.on('message', (message: { type: string }) => {
	if (message.type === 'start') {
		void engine
			.startWorker(concurrency, () => send({ type: 'job' }))
			.then(() => send({ type: 'started' }))
			.catch(fail);
	} else if (message.type === 'stop') {
		void engine
			.stop()
			.then(() => engine.teardown())
			.then(() => process.exit(0))
			.catch(fail);
	}
});
send({ type: 'ready' });

function fail(err: unknown) {
	console.error(err);
	process.exit(1);
}
