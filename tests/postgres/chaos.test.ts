import { describe, expect, it } from 'vitest';
import { runPostgresChaos } from '../chaos/postgres-chaos';

// `npm run test:chaos` at a size the suite can afford: the same run, the same promise.
describe('chaos on PostgreSQL (small)', () => {
	it('worker kills, a PostgreSQL restart and a web kill under SSE clients lose nothing and do nothing twice', async () => {
		const report = await runPostgresChaos({
			items: 24,
			workers: 2,
			killEveryMs: 2_500,
			enqueuePerSecond: 4,
			pgDownMs: 1_000,
			sseClients: 2,
			deadlineMs: 70_000,
			logDir: '.test-output/chaos-small'
		});
		console.log(`chaos postgres (small): ${JSON.stringify({ ...report, problems: report.problems.length })}`);
		expect(report.problems).toEqual([]);
		expect(report).toMatchObject({ accepted: 24, lost: 0, overlaps: 0, duplicates: 0, openAttempts: 0, sseMissed: 0, other5xx: 0, pgRestarts: 1, webKills: 1 });
		expect(report.workerKills).toBeGreaterThan(0);
	}, 90_000);
});
