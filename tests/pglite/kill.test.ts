import { describe, expect, it } from 'vitest';
import { runPgliteKills } from '../chaos/pglite-kills';

// What only the embedded database has to prove: a SIGKILL mid-write leaves a directory that opens.
describe('the embedded database under SIGKILL (small)', () => {
	it('every link answered 201 survives two kills mid-run, and the directory opens each time', async () => {
		const report = await runPgliteKills({ kills: 2, itemsPerRound: 8 });
		expect(report.problems).toEqual([]);
		expect(report).toMatchObject({ lost: 0, reopenFailures: 0 });
		expect(report.accepted).toBeGreaterThan(0);
		expect(report.succeeded).toBeGreaterThanOrEqual(report.accepted); // a link killed before its answer may be there too
	}, 120_000);
});
