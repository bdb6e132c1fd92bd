/**
 * `npm run test:chaos`: the chaos runs at full size (or as the flags and environment say), each
 * ending in one summary line; exits non-zero when any promise was broken.
 *
 *   --items N (CHAOS_ITEMS, 1000)   --workers N (CHAOS_WORKERS, 3)   --kill-every MS (CHAOS_KILL_EVERY_MS, 3000)
 *   --rate N links/s (CHAOS_ENQUEUE_PER_SECOND, 10)   --pglite-kills N (CHAOS_PGLITE_KILLS, 5)
 *   --seed N (CHAOS_SEED)   --logs DIR (CHAOS_LOG_DIR)   --only postgres|pglite   --quiet
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { runPgliteKills, type PgliteKillReport } from './pglite-kills';
import { runPostgresChaos, type PostgresChaosReport } from './postgres-chaos';

const { values } = parseArgs({
	options: {
		items: { type: 'string', default: process.env.CHAOS_ITEMS ?? '1000' },
		workers: { type: 'string', default: process.env.CHAOS_WORKERS ?? '3' },
		'kill-every': { type: 'string', default: process.env.CHAOS_KILL_EVERY_MS ?? '3000' },
		seed: { type: 'string', default: process.env.CHAOS_SEED },
		'pglite-kills': { type: 'string', default: process.env.CHAOS_PGLITE_KILLS ?? '5' },
		only: { type: 'string' },
		rate: { type: 'string', default: process.env.CHAOS_ENQUEUE_PER_SECOND ?? '10' },
		logs: { type: 'string', default: process.env.CHAOS_LOG_DIR ?? '.test-output/chaos' },
		quiet: { type: 'boolean', default: false }
	}
});

const log = (line: string) => values.quiet || console.log(`  ${new Date().toISOString().slice(11, 19)} ${line}`);

export function postgresSummary(r: PostgresChaosReport): string {
	return (
		`chaos postgres: ${r.items} items, ${r.accepted} accepted, ${r.succeeded} succeeded, ${r.failed} failed, ` +
		`${r.workerKills} worker kills, ${r.workerCrashes} worker crashes, ${r.pgRestarts} PostgreSQL restarts, ${r.webKills} web kills, ` +
		`${r.overlaps} overlaps, ${r.duplicates} duplicates, ${r.lost} lost, ${r.openAttempts} open attempts, ` +
		`${r.sseMissed} SSE misses (${r.sseReconnects} reconnects), ${r.outage503} outage 503s, ${r.other5xx} other 5xx, ` +
		`${r.siteFaults} site faults, ${(r.durationMs / 1000).toFixed(1)} s, seed ${r.seed}, ${os.cpus().length} cores`
	);
}

export function pgliteSummary(r: PgliteKillReport): string {
	return (
		`chaos pglite: ${r.kills} kills, ${r.accepted} accepted, ${r.lost} lost, ${r.succeeded} succeeded, ` +
		`${r.reopenFailures} failed reopens, ${(r.durationMs / 1000).toFixed(1)} s, seed ${r.seed}`
	);
}

const seed = values.seed ? { seed: Number(values.seed) } : {};
let problems = 0;
if (values.only !== 'pglite') {
	const report = await runPostgresChaos({
		items: Number(values.items),
		workers: Number(values.workers),
		killEveryMs: Number(values['kill-every']),
		enqueuePerSecond: Number(values.rate),
		logDir: values.logs,
		...seed,
		log
	});
	for (const problem of report.problems) console.log(`  problem: ${problem}`);
	problems += report.problems.length;
	console.log(postgresSummary(report));
}
if (values.only !== 'postgres') {
	const report = await runPgliteKills({ kills: Number(values['pglite-kills']), ...seed, log });
	for (const problem of report.problems) console.log(`  problem: ${problem}`);
	problems += report.problems.length;
	console.log(pgliteSummary(report));
}
process.exit(problems ? 1 : 0);
