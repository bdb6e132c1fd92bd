import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { harness, testPipeline } from '../helpers/engine';
import { testLogger } from '../helpers/logger';
import { deferred, within } from '../helpers/deferred';
import { LiveHub, type LiveChange } from '../../src/lib/server/live/hub';
import { ItemService } from '../../src/lib/server/shares/items';
import { claimItems } from '../../src/lib/server/queue/sql/claim';
import { reportProgress } from '../../src/lib/server/queue/sql/report-progress';
import { extendLeases } from '../../src/lib/server/queue/sql/heartbeat';
import { changesSince, latestEventId } from '../../src/lib/server/live/event-log';

let db: TestDatabase;
let hub: LiveHub | undefined;
beforeEach(async () => {
	db = await createTestDatabase();
});
afterEach(async () => {
	await hub?.close();
	await db.close();
});

const parse = (change: LiveChange, watermark: number) => ({ event: change.event, data: JSON.parse(change.data), watermark });

describe('live hub', () => {
	it('coalesces a chatty phase to at most ~10 deliveries a second, never dropping the final state', async () => {
		const { pipeline } = testPipeline('p', { only: async () => 1 });
		const h = await harness(db.database, [pipeline]);
		hub = new LiveHub(db.database, new ItemService(h.service), testLogger, 100);
		const id = await h.enqueue('https://example.com/chatty');
		const frames: ReturnType<typeof parse>[] = [];
		const sawFinal = deferred();
		await hub.subscribe({
			userId: h.userId,
			itemId: null,
			deliver: (changes, watermark) => {
				for (const change of changes) {
					const parsed = parse(change, watermark);
					frames.push(parsed);
					if (parsed.data.phases?.[0]?.progress === 100) sawFinal.resolve();
				}
			}
		});
		const [claimed] = await claimItems(db.database, { worker: 'w', pipelines: ['p'], limit: 1, leaseMs: 60_000, now: new Date() });
		const started = Date.now();
		for (let p = 1; p <= 200; p++) {
			await reportProgress(db.database, { itemId: id, token: claimed!.leaseToken, phase: 'only', progress: Math.ceil(p / 2), message: null, now: new Date() });
		}
		const writing = Date.now() - started;
		await within(sawFinal.promise, 5_000, 'the final progress');
		// 200 changes in `writing` ms; deliveries at most one per 100 ms (+ the first and the trailing one).
		expect(frames.length).toBeLessThanOrEqual(Math.ceil(writing / 100) + 3);
		expect(frames.length).toBeLessThan(200);
		expect(frames.at(-1)!.data.phases[0].progress).toBe(100);
		// Watermarks only grow.
		const ids = frames.map((f) => f.watermark);
		expect(ids).toEqual([...ids].sort((a, b) => a - b));
	});

	it('a heartbeat is not a visible change and writes no event', async () => {
		const { pipeline } = testPipeline('p', { only: async () => 1 });
		const h = await harness(db.database, [pipeline]);
		await h.enqueue('https://example.com/quiet');
		const [claimed] = await claimItems(db.database, { worker: 'w', pipelines: ['p'], limit: 1, leaseMs: 60_000, now: new Date() });
		const before = await latestEventId(db.database, h.userId);
		await extendLeases(db.database, { tokens: [claimed!.leaseToken], leaseMs: 60_000, now: new Date() });
		expect(await latestEventId(db.database, h.userId)).toBe(before);
	});

	it('every transition is logged per user, in the same transaction, and replayable', async () => {
		const { pipeline } = testPipeline('p', { one: async () => 1, two: async () => 2 });
		const h = await harness(db.database, [pipeline]);
		const start = await latestEventId(db.database, h.userId);
		const id = await h.enqueue('https://example.com/logged');
		await h.worker().processAvailable();
		const changes = await changesSince(db.database, h.userId, start);
		if (changes === 'gone') throw new Error('expected changes');
		expect(changes).toHaveLength(1); // one entry per item: its latest event
		expect(changes).toMatchObject([{ itemId: id, kind: 'update' }]);
		expect(await changesSince(db.database, h.otherUserId, 0)).toEqual([]);
		// Event ids are watermarks of the whole log: another user resuming from one sees only their own items.
		expect(await changesSince(db.database, h.otherUserId, start)).toEqual([]);
		// One past the newest event never was: a fresh snapshot, not an empty replay.
		expect(await changesSince(db.database, h.userId, (await latestEventId(db.database)) + 1)).toBe('gone');
		await h.service.remove(h.userId, id);
		expect(await changesSince(db.database, h.userId, changes[0]!.eventId)).toMatchObject([{ itemId: id, kind: 'delete' }]);
	});
});
