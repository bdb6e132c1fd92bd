import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { harness, testPipeline } from '../helpers/engine';
import { PhaseTimeoutError } from '../../src/lib/server/failures/errors';
import type { PhaseContext } from '../../src/lib/server/queue/pipeline';

let db: TestDatabase;
beforeEach(async () => {
	db = await createTestDatabase();
});
afterEach(async () => {
	await db.close();
});

describe('a phase that never ends', () => {
	it('is timed out, its slot freed for the next item, and retried then failed by the normal rules', async () => {
		const signals: AbortSignal[] = [];
		const { pipeline, runs } = testPipeline('p', {
			// Stuck on a promise that never settles, deaf to its signal: only the engine can end it.
			fetch: async (ctx: PhaseContext) => {
				if ((ctx.item.input as { url: string }).url.endsWith('/stuck')) {
					signals.push(ctx.signal);
					return new Promise(() => {});
				}
				return 'page';
			}
		});
		const h = await harness(db.database, [pipeline], { maxAttempts: 2 });
		const stuck = await h.enqueue('https://example.com/stuck');
		const worker = h.worker({ concurrency: 1, timeoutMs: 300, backoff: { baseMs: 0, maxMs: 0 } });
		await worker.start();
		try {
			const dead = await h.waitFor(stuck, (i) => i.status === 'dead', 'the stuck item to die');
			expect(dead.error).toMatchObject({ kind: 'retryable', code: 'timeout', message: 'timed out after 300 ms' });
			expect(dead.attempts.map((a) => [a.outcome, a.errorKind, a.message])).toEqual([
				['failed', 'retryable', 'timed out after 300 ms'],
				['failed', 'retryable', 'timed out after 300 ms']
			]);
			// The handler was told, with the reason, though it did not listen.
			expect(signals.map((s) => s.aborted && s.reason instanceof PhaseTimeoutError)).toEqual([true, true]);

			// Its one slot is free again: the next item runs while the stuck promises still hang.
			const next = await h.enqueue('https://example.com/next');
			await h.waitFor(next, (i) => i.status === 'success', 'the next item');
			expect(runs.fetch).toBe(3);
			expect(worker.activeCount).toBe(0);
		} finally {
			await worker.stop();
		}
	});
});
