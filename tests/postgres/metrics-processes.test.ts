import { afterEach, describe, expect, it } from 'vitest';
import { ItemDetail } from '../../src/lib/contract/queue';
import { within } from '../helpers/deferred';
import { html, startHttpServer } from '../helpers/http-server';
import { scrape, scrapeUntil, type Scrape } from '../helpers/prometheus';
import { recipePage } from '../helpers/recipe-page';
import { freePort, serverStorage, startServer, waitForItem, type ServerProcess } from '../helpers/server';
import { spawnWorker } from '../helpers/worker-process';

// Three processes start inside the test: on a loaded machine that alone can take most of a minute.
const FLEET_TEST_MS = 120_000;
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
	while (cleanups.length) await cleanups.pop()!();
});

const TOKEN = 'metrics-token-for-the-fleet';
const auth = { authorization: `Bearer ${TOKEN}` };
const PHASES = ['extraction', 'parsing', 'uploading'];

describe('metrics with several processes on one PostgreSQL', () => {
	it('each process reports its own work, the sums are the work done, and the queue gauges agree', async () => {
		const site = await startHttpServer(Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`/r${i}`, html(recipePage(`Recipe ${i}`))])));
		const storage = await serverStorage();
		cleanups.push(() => site.close(), () => storage.cleanup());
		const env = { SECRET_KEY: 'k'.repeat(40), METRICS_TOKEN: TOKEN };
		const webs: ServerProcess[] = [];
		for (let i = 0; i < 2; i++) {
			const web = await startServer(storage, env);
			cleanups.push(() => web.stop('SIGKILL'));
			webs.push(web);
		}
		const [a, b] = webs as [ServerProcess, ServerProcess];
		await a.signUp();
		b.token = a.token;

		// A worker-only process: no web server, its metrics on a port of its own.
		const metricsPort = await freePort();
		const worker = spawnWorker({ ...storage.env, ...env, FETCH_ALLOW_PRIVATE: 'true', QUEUE_POLL_MS: '500', METRICS_PORT: String(metricsPort), METRICS_HOST: '127.0.0.1' });
		cleanups.push(() => worker.stop('SIGKILL'));
		await within(worker.started, 30_000, 'the worker process to start');
		for (const deadline = Date.now() + 15_000; !worker.output().includes('metrics listening'); await new Promise((r) => setTimeout(r, 50))) {
			if (Date.now() > deadline) throw new Error(`the worker never served its metrics:\n${worker.output()}`);
		}
		const workerUrl = `http://127.0.0.1:${metricsPort}/metrics`;
		expect((await fetch(workerUrl)).status).toBe(401);

		// Four shares through each web process; any of the three workers may run any of them.
		const ids: string[] = [];
		for (const [i, web] of [a, a, a, a, b, b, b, b].entries()) {
			const res = await web.api('/api/queue', { method: 'POST', json: { url: `${site.origin}/r${i}` } });
			expect(res.status).toBe(201);
			ids.push(((await res.json()) as { id: string }).id);
		}
		const items = await Promise.all(ids.map(async (id) => ItemDetail.parse(await waitForItem(a, id, (i) => i.status === 'success', 30_000))));

		const workerIds = new Map<string, string>([
			[`${a.origin}/metrics`, ((await (await a.api('/api/health')).json()) as { worker: string }).worker],
			[`${b.origin}/metrics`, ((await (await b.api('/api/health')).json()) as { worker: string }).worker],
			[workerUrl, /"worker":"([^"]+)","concurrency"/.exec(worker.output())![1]!]
		]);
		const urls = [...workerIds.keys()];
		// The queue gauges are read from the database: every process says the same.
		const scrapes = await Promise.all(urls.map((url) => scrapeUntil(url, (s) => s.value('cookmark_items', { status: 'success' }) === 8, 15_000, auth)));
		for (const s of scrapes) {
			expect(s.value('cookmark_items', { status: 'pending' })).toBe(0);
			expect(s.value('cookmark_leases_active')).toBe(0);
		}

		const attempts = items.flatMap((i) => i.attempts);
		const sum = (f: (s: Scrape) => number) => scrapes.reduce((t, s) => t + f(s), 0);
		for (const [n, url] of urls.entries()) {
			const s = scrapes[n]!;
			const id = workerIds.get(url)!;
			const mine = attempts.filter((t) => t.worker === id);
			for (const phase of PHASES) {
				expect(s.value('cookmark_phase_attempts_total', { phase }), `${url} ${phase}`).toBe(mine.filter((t) => t.phase === phase).length);
			}
			expect(s.value('cookmark_items_claimed_total'), url).toBe(mine.filter((t) => t.phase === 'extraction').length);
		}
		// Together they did the work: each phase once per item, each item finished once.
		for (const phase of PHASES) expect(sum((s) => s.count('cookmark_phase_duration_seconds', { phase, outcome: 'completed' }))).toBe(8);
		expect(sum((s) => s.value('cookmark_items_finished_total', { status: 'success' }))).toBe(8);

		// HTTP metrics are each web process's own requests; the worker serves none.
		const posts = (s: Scrape) => s.count('cookmark_http_request_duration_seconds', { route: '/api/queue', method: 'POST' });
		expect(posts(scrapes[0]!)).toBe(4);
		expect(posts(scrapes[1]!)).toBe(4);
		expect(scrapes[2]!.labels('cookmark_http_request_duration_seconds_count')).toEqual([]);
		expect((await scrape(workerUrl, auth)).type('process_resident_memory_bytes')).toBe('GAUGE');

		expect(await within(worker.stop(), 15_000, 'the worker to stop')).toBe(0);
	}, FLEET_TEST_MS);
});
