/**
 * `npm run bench:web` — the web side under load: POST /api/queue closed loop and at an offered
 * rate, and GET /api/queue for a user with many items, on PostgreSQL (a throwaway cluster with
 * durable settings, fsync on) and on embedded PGlite, workers off (protocol: bench/web-lib.ts).
 * It builds nothing: run `npm run build` first (it starts build/index.js).
 * Options:
 *   --duration S (30)  --only postgres|pglite  --connections N (200)  --post-rate N (1000)
 *   --get-rate N (200)  --items N (10000)  --json FILE  --smoke (2 s, 20 connections, small rates)
 */
import { parseArgs } from 'node:util';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { formatWeb, runWeb, type WebDatabase, type WebOptions } from './web-lib';
import { startPostgres } from '../scripts/postgres.mjs';

const { values: args } = parseArgs({
	options: {
		duration: { type: 'string' },
		only: { type: 'string' },
		connections: { type: 'string' },
		'post-rate': { type: 'string' },
		'get-rate': { type: 'string' },
		items: { type: 'string' },
		json: { type: 'string' },
		smoke: { type: 'boolean', default: false }
	}
});
const smoke = args.smoke;
if (args.only && args.only !== 'postgres' && args.only !== 'pglite') {
	console.error('--only must be postgres or pglite');
	process.exit(2);
}
const databases: WebDatabase[] = args.only ? [args.only as WebDatabase] : ['postgres', 'pglite'];
const loadAverage = () => os.loadavg().map((l) => l.toFixed(2)).join(' ');

const options: Omit<WebOptions, 'adminUrl'> = {
	databases,
	durationSeconds: Number(args.duration ?? (smoke ? 2 : 30)),
	connections: Number(args.connections ?? (smoke ? 20 : 200)),
	postRate: Number(args['post-rate'] ?? (smoke ? 100 : 1000)),
	getRate: Number(args['get-rate'] ?? (smoke ? 50 : 200)),
	items: Number(args.items ?? (smoke ? 200 : 10_000)),
	log: (line) => console.error(line)
};

const pg = databases.includes('postgres') ? await startPostgres({ durable: true }) : null;
if (databases.includes('postgres') && !pg) {
	console.error('PostgreSQL is not installed (apt-get install postgresql): run with --only pglite');
	process.exit(1);
}
try {
	console.log(`# web bench — ${new Date().toISOString()} — ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, load average ${loadAverage()}`);
	if (pg) console.log(`# ${pg.version}, durable settings (fsync on)`);
	const results = await runWeb({ ...options, adminUrl: pg?.url });
	console.log(formatWeb(results, options));
	console.log(`\n# done — load average ${loadAverage()}`);
	if (args.json) writeFileSync(args.json, JSON.stringify({ postgres: pg?.version ?? null, options: { ...options, log: undefined }, results }, null, 2));
} finally {
	pg?.stop();
}
process.exit(0);
