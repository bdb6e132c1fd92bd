/**
 * `npm run bench:peers` — Cookmark's job engine side by side with graphile-worker and pg-boss on
 * one throwaway PostgreSQL with durable settings (fsync on), each engine in a fresh database of it
 * (protocol: bench/peers-lib.ts; one adapter per engine in bench/engines/).
 * Options:
 *   --jobs N (10000)  --runs N (3, the figures are medians)  --samples N (200 pickup samples)
 *   --only a,b        engine ids: graphile-batched, pg-boss, graphile, cookmark-1, cookmark-3,
 *                     cookmark-processes (default: all)
 *   --processes 1,4   worker process counts for Cookmark's drain by processes
 *   --process-phases 1|3 (1)
 *   --json FILE       also write the full report as JSON
 *   --smoke           tiny numbers (50 jobs, 1 run, 5 samples), to check that it all runs
 */
import { parseArgs } from 'node:util';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { execFileSync } from 'node:child_process';
import { ENGINES, PROCESSES_ID, formatReport, runPeers } from './peers-lib';
import { startPostgres } from '../scripts/postgres.mjs';

const { values: args } = parseArgs({
	options: {
		jobs: { type: 'string' },
		runs: { type: 'string' },
		samples: { type: 'string' },
		only: { type: 'string' },
		processes: { type: 'string', default: '1,4' },
		'process-phases': { type: 'string', default: '1' },
		json: { type: 'string' },
		smoke: { type: 'boolean', default: false }
	}
});
const smoke = args.smoke;
const all = [...Object.keys(ENGINES), PROCESSES_ID];
const only = args.only ? args.only.split(',').map((s) => s.trim()) : all;
const unknown = only.filter((id) => !all.includes(id));
if (unknown.length) {
	console.error(`unknown engine(s): ${unknown.join(', ')}; known: ${all.join(', ')}`);
	process.exit(2);
}
const phases = Number(args['process-phases']);
if (phases !== 1 && phases !== 3) {
	console.error('--process-phases must be 1 or 3');
	process.exit(2);
}

function machine(): string {
	const cpu = os.cpus()[0]?.model ?? 'cpu';
	return `${os.cpus().length} × ${cpu}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`;
}
function versionOf(pkg: string): string {
	return execFileSync(process.execPath, ['-p', `require('${pkg}/package.json').version`], { encoding: 'utf8' }).trim();
}

const pg = await startPostgres({ durable: true });
if (!pg) {
	console.error('PostgreSQL is not installed (apt-get install postgresql): nothing to measure');
	process.exit(1);
}
try {
	console.log(`# peers bench — ${new Date().toISOString()} — ${machine()}`);
	console.log(`# ${pg.version}, durable settings (fsync on); graphile-worker ${versionOf('graphile-worker')}, pg-boss ${versionOf('pg-boss')}`);
	const report = await runPeers({
		adminUrl: pg.url,
		jobs: Number(args.jobs ?? (smoke ? 50 : 10_000)),
		runs: Number(args.runs ?? (smoke ? 1 : 3)),
		samples: Number(args.samples ?? (smoke ? 5 : 200)),
		only,
		processes: args.processes.split(',').map(Number).filter((n) => n > 0),
		processPhases: phases,
		concurrency: 10,
		inFlight: 20,
		log: (line) => console.error(line)
	});
	console.log(formatReport(report));
	console.log(`\n# done — load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
	if (args.json) writeFileSync(args.json, JSON.stringify({ machine: machine(), postgres: pg.version, ...report }, null, 2));
} finally {
	pg.stop();
}
process.exit(0);
