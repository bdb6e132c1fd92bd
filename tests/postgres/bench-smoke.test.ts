import { describe, expect, it } from 'vitest';
import { ENGINES, PROCESSES_ID, formatReport, runPeers } from '../../bench/peers-lib';
import { formatWeb, runWeb, type LoadFigures } from '../../bench/web-lib';

// CI's smoke runs of `npm run bench:peers` and `npm run bench:web`: the same code with tiny numbers,
// to prove every engine adapter and every load still runs to the end; no figure is judged.
const adminUrl = process.env.TEST_PG_URL!;

const positive = (value: number, what: string) => {
	expect(Number.isFinite(value), `${what} is finite (${value})`).toBe(true);
	expect(value, what).toBeGreaterThan(0);
};

describe('benchmark smoke runs', () => {
	it('bench:peers — every engine, and Cookmark by 2 worker processes, drains every job with finite positive figures', async () => {
		const jobs = 50;
		const report = await runPeers({
			adminUrl,
			jobs,
			runs: 1,
			samples: 3,
			only: [...Object.keys(ENGINES), PROCESSES_ID],
			processes: [2],
			processPhases: 1,
			concurrency: 10,
			inFlight: 20,
			log: () => {}
		});
		expect(report.engines.map((e) => e.id)).toEqual(Object.keys(ENGINES));
		for (const { id, median: f } of report.engines) {
			expect(f.drained, `${id} drained`).toBe(jobs);
			positive(f.enqueuePerSec, `${id} enqueue/s`);
			positive(f.drainPerSec, `${id} drain/s`);
			positive(f.pickupP50Ms, `${id} pickup p50`);
			positive(f.pickupP99Ms, `${id} pickup p99`);
		}
		expect(report.processes?.results.map((r) => r.processes)).toEqual([2]);
		for (const r of report.processes!.results) {
			expect(r.runs[0]!.drained, `${r.processes} processes drained`).toBe(jobs);
			positive(r.median, `drain by ${r.processes} processes`);
		}
		expect(formatReport(report)).toContain('Cookmark / peer');
	}, 90_000);

	// Needs the build (`npm run build`, as npm test does first), like the API tests. PostgreSQL only:
	// a PGlite server's start-up alone takes 5–20 s on a busy 2-core machine, and that path differs
	// only in the storage it is given.
	it(
		'bench:web — the built server on PostgreSQL answers every load with 2xx only',
		async () => {
			const options = { durationSeconds: 1, connections: 10, postRate: 50, getRate: 20, items: 30 };
			const results = await runWeb({ ...options, databases: ['postgres'], adminUrl, log: () => {} });
			expect(results.map((r) => r.database)).toEqual(['postgres']);
			for (const r of results) {
				expect(r.itemsCreated).toBe(options.items);
				const loads: Array<[string, LoadFigures]> = [
					['POST closed loop', r.postClosed],
					['POST at a rate', r.postRate],
					['GET at a rate', r.getRate]
				];
				for (const [name, f] of loads) {
					const what = `${r.database} ${name}`;
					expect(f.total, `${what} answered`).toBeGreaterThan(0);
					expect({ errors: f.errors, non2xx: f.non2xx }, what).toEqual({ errors: 0, non2xx: 0 });
					positive(f.reqPerSec, `${what} req/s`);
					positive(f.p99Ms, `${what} p99`);
					expect(f.probe.samples, `${what} probes`).toBeGreaterThan(0);
				}
			}
			expect(formatWeb(results, options)).toContain('GET /api/queue');
		},
		90_000
	);
});
