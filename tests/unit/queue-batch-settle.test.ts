import { describe, expect, it } from 'vitest';
import type { Database } from '../../src/lib/server/db/client';
import { PipelineRegistry } from '../../src/lib/server/queue/pipeline';
import { QueueService } from '../../src/lib/server/queue/service';
import { deferred } from '../helpers/deferred';

/**
 * Settling ended batches, and waiting for it at shutdown (app.ts awaits `idle()` before the
 * database closes). The settle statement is replaced by one the test holds, so "still settling"
 * is a state the test controls; no database is reached.
 */
function service(onSettleError?: (err: unknown) => void) {
	const queue = new QueueService({} as Database, new PipelineRegistry(), { maxAttempts: 1, onSettleError });
	const runs: { ids: readonly string[] | undefined; release: (err?: Error) => void }[] = [];
	const started: ((ids: readonly string[] | undefined) => void)[] = [];
	queue.finishBatches = (ids) => {
		const done = deferred();
		runs.push({ ids, release: (err) => (err ? done.reject(err) : done.resolve()) });
		started.shift()?.(ids);
		return done.promise;
	};
	/** Resolves with the batch ids of the next settle run once it has started its statement. */
	const nextRun = () => new Promise<readonly string[] | undefined>((resolve) => started.push(resolve));
	return { queue, runs, nextRun };
}

/** Whether `promise` has settled once everything already queued has run (a macrotask later). */
async function settled(promise: Promise<unknown>): Promise<boolean> {
	let done = false;
	void promise.then(() => (done = true));
	await new Promise((resolve) => setImmediate(resolve));
	return done;
}

describe('settling ended batches', () => {
	it('items ending together are settled in one run', async () => {
		const { queue, runs, nextRun } = service();
		const run = nextRun();
		queue.batchItemEnded('a');
		queue.batchItemEnded('b');
		queue.batchItemEnded('a');
		expect(await run).toEqual(['a', 'b']);
		runs[0]!.release();
		await queue.idle();
		expect(runs).toHaveLength(1);
	});

	it('idle() waits for a run whose statement is under way, and for the run an item ending meanwhile makes', async () => {
		const { queue, runs, nextRun } = service();
		const first = nextRun();
		queue.batchItemEnded('a');
		await first;
		const idle = queue.idle();
		expect(await settled(idle)).toBe(false);

		// An item ends while the first statement runs: a second run takes it.
		const second = nextRun();
		queue.batchItemEnded('b');
		runs[0]!.release();
		expect(await second).toEqual(['b']);
		expect(await settled(idle)).toBe(false);
		runs[1]!.release();
		await idle;
		expect(runs.map((r) => r.ids)).toEqual([['a'], ['b']]);
	});

	it('a run that fails is reported, not thrown, and idle() still ends', async () => {
		const failures: unknown[] = [];
		const { queue, runs, nextRun } = service((err) => failures.push(err));
		const run = nextRun();
		queue.batchItemEnded('a');
		await run;
		runs[0]!.release(new Error('the database went away'));
		await queue.idle();
		expect(failures).toEqual([new Error('the database went away')]);
	});

	it('idle() with nothing to settle answers at once', async () => {
		expect(await settled(service().queue.idle())).toBe(true);
	});
});
