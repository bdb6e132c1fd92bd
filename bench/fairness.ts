/**
 * `npm run bench:fairness` — a bulk import beside single shares (issue 24). User A imports LINKS
 * links of one local site (a text file, through POST /api/batches); once it runs, user B shares a
 * single link every few seconds, and A shares one of her own too. Reported, for PostgreSQL with
 * WORKERS worker processes beside a web process, and for PGlite (one process):
 *   - how long the batch took to be accepted (the POST), and to finish, and its rate;
 *   - each single share's wait: created → started (pickup) and created → saved, by the server's
 *     own timestamps, while A's batch still has thousands waiting;
 *   - the most requests the site served at once, against the per-site limit.
 *
 * The site is one host (127.0.0.1), so its per-site limits decide the batch's pace: they are set
 * to FETCH_HOST_CONCURRENCY (8) at once and 6,000 a minute (the most allowed), so 10,000 links
 * take at least 100 s. Each page is answered after PAGE_DELAY_MS, like a real site's own work.
 *
 * Options: --links N (10000) --workers N (3) --singles N (8) --db postgres|pglite|both (both)
 */
import path from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { countingSite, importLinks, waitForBatch } from '../tests/helpers/bulk-import';
import { startServer, type ServerProcess } from '../tests/helpers/server';
import { spawnWorker, type WorkerProcess } from '../tests/helpers/worker-process';
import { benchPostgres, percentile, round } from './live-helpers';

const { values: args } = parseArgs({
	options: {
		links: { type: 'string', default: '10000' },
		workers: { type: 'string', default: '3' },
		singles: { type: 'string', default: '8' },
		db: { type: 'string', default: 'both' }
	}
});
const LINKS = Number(args.links);
const WORKERS = Number(args.workers);
const SINGLES = Number(args.singles);
const HOST_LIMIT = 8;
const PAGE_DELAY_MS = 20;
const LIMITS = { FETCH_HOST_CONCURRENCY: String(HOST_LIMIT), FETCH_HOST_RATE_PER_MINUTE: '6000', FETCH_ALLOW_PRIVATE: 'true', QUEUE_CONCURRENCY: '8', LOG_LEVEL: 'warn' };

interface Wait {
	who: 'B' | 'A';
	pickupMs: number;
	savedMs: number;
	batchWaiting: number;
}

/** Shares one link as `token`'s account and waits for it, by the server's timestamps. */
async function single(server: ServerProcess, url: string, token: string, who: 'A' | 'B', batchId: string, ownerToken: string): Promise<Wait> {
	const auth = { authorization: `Bearer ${token}` };
	const { id } = await (await server.api('/api/queue', { method: 'POST', json: { url }, headers: auth })).json();
	for (;;) {
		const item = await (await server.api(`/api/queue/${id}`, { headers: auth })).json();
		if (item.status === 'success') {
			const batch = await (await server.api(`/api/batches/${batchId}`, { headers: { authorization: `Bearer ${ownerToken}` } })).json();
			const created = Date.parse(item.createdAt);
			return { who, pickupMs: Date.parse(item.startedAt) - created, savedMs: Date.parse(item.finishedAt) - created, batchWaiting: batch.progress.waiting };
		}
		if (!['pending', 'in_progress'].includes(item.status)) throw new Error(`single share ended ${item.status}`);
		await new Promise((r) => setTimeout(r, 20));
	}
}

async function run(kind: 'postgres' | 'pglite') {
	const site = await countingSite(PAGE_DELAY_MS);
	const pg = kind === 'postgres' ? await benchPostgres(false) : null;
	const dir = mkdtempSync(path.join(os.tmpdir(), 'cookmark-fairness-'));
	const storage = { env: pg ? { DATABASE_URL: pg.url, DATA_DIR: dir } : { DATA_DIR: dir }, cleanup: async () => {} };
	const workers: WorkerProcess[] = [];
	const web = await startServer(storage, { ...LIMITS, QUEUE_PROCESSING_ENABLED: pg ? 'false' : 'true' });
	try {
		for (let i = 0; pg && i < WORKERS; i++) {
			const worker = spawnWorker({ ...storage.env, ...LIMITS, LOG_LEVEL: 'info' });
			workers.push(worker);
			await worker.started;
		}
		const a = await web.signUp('alice');
		await web.api('/api/users', { method: 'POST', json: { username: 'bob', password: 'correct horse battery staple' } });
		const b = await web.signUp('bob');
		web.token = a.token;

		const posted = performance.now();
		const batch = await importLinks(web, site.origin, LINKS);
		const acceptedMs = performance.now() - posted;
		await waitForBatch(web, batch.id, (x) => x.progress.saved >= 50, 120_000);
		const waits: Wait[] = [];
		for (let i = 0; i < SINGLES; i++) {
			waits.push(await single(web, `${site.origin}/r/b-${i}`, b.token, 'B', batch.id, a.token));
			if (i % 2 === 0) waits.push(await single(web, `${site.origin}/r/a-${i}`, a.token, 'A', batch.id, a.token));
			await new Promise((r) => setTimeout(r, 2_000));
		}
		const done = await waitForBatch(web, batch.id, (x) => x.finishedAt !== null, 30 * 60_000);
		const tookS = (Date.parse(done.finishedAt!) - Date.parse(done.createdAt)) / 1000;
		const summary = (who: 'A' | 'B') => {
			const mine = waits.filter((w) => w.who === who);
			const pickup = mine.map((w) => w.pickupMs).sort((x, y) => x - y);
			const saved = mine.map((w) => w.savedMs).sort((x, y) => x - y);
			return { n: mine.length, pickupP50: percentile(pickup, 50), pickupMax: pickup.at(-1), savedP50: percentile(saved, 50), savedMax: saved.at(-1), batchWaitingMin: Math.min(...mine.map((w) => w.batchWaiting)) };
		};
		return {
			kind,
			processes: pg ? `web + ${WORKERS} workers` : 'one',
			links: LINKS,
			acceptedMs: Math.round(acceptedMs),
			batchSeconds: round(tookS),
			perMinute: Math.round((LINKS / tookS) * 60),
			saved: done.progress.saved,
			failed: done.progress.failed,
			siteMostAtOnce: site.most(),
			hostLimit: HOST_LIMIT,
			otherUser: summary('B'),
			ownShare: summary('A')
		};
	} finally {
		await Promise.all(workers.map((w) => w.stop('SIGTERM')));
		await web.stop();
		await pg?.stop();
		await site.close();
		rmSync(dir, { recursive: true, force: true });
	}
}

const kinds = args.db === 'both' ? (['postgres', 'pglite'] as const) : [args.db as 'postgres' | 'pglite'];
console.log(`# bench:fairness ${new Date().toISOString()} — ${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, Node ${process.version}, load ${os.loadavg()[0]!.toFixed(1)}`);
for (const kind of kinds) console.log(JSON.stringify(await run(kind), null, 1));
