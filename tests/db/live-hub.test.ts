import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { harness, testPipeline } from '../helpers/engine';
import { testLogger } from '../helpers/logger';
import { deferred, within } from '../helpers/deferred';
import { LiveHub } from '../../src/lib/server/live/hub';
import { claimItems } from '../../src/lib/server/queue/sql/claim';
import { startPhase } from '../../src/lib/server/queue/sql/start-phase';
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

function parse(frame: string) {
	const event = /event: (.*)/.exec(frame)![1];
	const data = JSON.parse(/data: (.*)/.exec(frame)![1]!);
	return { event, data, id: Number(/id: (\d+)/.exec(frame)?.[1]) };
}

describe('live hub', () => {
	it('coalesces a chatty phase to at most ~10 deliveries a second, never dropping the final state', async () => {
		const { pipeline } = testPipeline('p', { only: async () => 1 });
		const h = await harness(db.database, [pipeline]);
		hub = new LiveHub(db.database, h.service, testLogger, 100);
		const id = await h.enqueue('https://example.com/chatty');
		const frames: ReturnType<typeof parse>[] = [];
		const sawFinal = deferred();
		await hub.subscribe({
			userId: h.userId,
			itemId: null,
			send: (f: string) => {
				const parsed = parse(f);
				frames.push(parsed);
				if (parsed.data.phases?.[0]?.progress === 100) sawFinal.resolve();
			}
		});
		const [claimed] = await claimItems(db.database, { worker: 'w', pipelines: ['p'], limit: 1, leaseMs: 60_000, now: new Date() });
		await startPhase(db.database, { itemId: id, token: claimed!.leaseToken, phase: 'only', worker: 'w', now: new Date() });
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
		// Ids only grow.
		const ids = frames.map((f) => f.id);
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
		// Another user's event id is not a place for this user to resume from.
		expect(await changesSince(db.database, h.otherUserId, changes[0]!.eventId)).toBe('gone');
		await h.service.remove(h.userId, id);
		expect(await changesSince(db.database, h.userId, changes[0]!.eventId)).toMatchObject([{ itemId: id, kind: 'delete' }]);
	});
});
