import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import postgres from 'postgres';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { deferred, within } from '../helpers/deferred';
import { harness, testPipeline } from '../helpers/engine';
import { claimItems } from '../../src/lib/server/queue/sql/claim';
import { cancelItems } from '../../src/lib/server/queue/sql/cancel';
import { applyTransitions } from '../../src/lib/server/queue/sql/apply';
import { extendLeases } from '../../src/lib/server/queue/sql/heartbeat';
import { EventEmitter } from 'node:events';
import { EventFeed } from '../../src/lib/server/live/event-feed';
import type { LoggedEvent } from '../../src/lib/server/live/event-log';
import { testLogger } from '../helpers/logger';

// Races between transactions on separate connections: only a real server has them. Each test
// holds one transaction open, waits until the other is seen waiting on a lock, then lets go.

let db: TestDatabase;
let connections: postgres.Sql[] = [];
beforeEach(async () => {
	db = await createTestDatabase();
});
afterEach(async () => {
	await Promise.all(connections.map((c) => c.end({ timeout: 1 })));
	connections = [];
	await db.close();
});

function connect(): postgres.Sql {
	const sql = postgres(db.url!, { max: 1, onnotice: () => {} });
	connections.push(sql);
	return sql;
}

/** Resolves once some statement waits for a lock of this type (pg_locks), re-checked as it changes. */
async function someoneWaits(sql: postgres.Sql, locktype: string): Promise<void> {
	for (;;) {
		const [row] = await sql<{ n: number }[]>`select count(*)::int as n from pg_locks where locktype = ${locktype} and not granted`;
		if (row!.n > 0) return;
		await new Promise((r) => setTimeout(r, 20));
	}
}

describe('writers on several connections', () => {
	it('an event whose transaction commits after a later one is still read, and the watermark waits for it', async () => {
		const { pipeline } = testPipeline('p', { only: async () => 1 });
		const h = await harness(db.database, [pipeline]);
		const a = await h.enqueue('https://example.com/a');
		const b = await h.enqueue('https://example.com/b');
		const read: LoggedEvent[] = [];
		const heard = new EventEmitter();
		const feed = new EventFeed(db.database, testLogger, (events) => (read.push(...events), heard.emit('read')));
		await feed.start();
		const readItem = (itemId: string) =>
			within(new Promise<LoggedEvent>((resolve) => {
				const look = () => { const e = read.find((r) => r.itemId === itemId); if (e) resolve(e); };
				heard.on('read', look);
				look();
			}), 10_000, `the event of ${itemId}`);
		const [first, second] = [connect(), connect()];

		// The first writer changes A (taking the lower event id) and stays open; the second changes B and commits.
		const [written, letGo] = [deferred(), deferred()];
		const firstTx = first.begin(async (tx) => {
			await tx`update queue_items set updated_at = now() where id = ${a}`;
			written.resolve();
			await letGo.promise;
		});
		await written.promise;
		await second`update queue_items set updated_at = now() where id = ${b}`;
		const eventB = await readItem(b);
		// A's id, below B's, is missing: the watermark stays below it, so no stream resumes past it.
		expect(feed.floor).toBeLessThan(eventB.id - 1);
		letGo.resolve();
		await firstTx;
		const eventA = await readItem(a);
		expect(eventA.id).toBeLessThan(eventB.id);
		await within(new Promise<void>((resolve) => { const look = () => feed.floor >= eventB.id && resolve(); heard.on('read', look); look(); }), 10_000, 'the watermark to pass both');
		await feed.close();
	});

	it('a cancel that waited for a worker opening an attempt closes that attempt too', async () => {
		const { pipeline } = testPipeline('p', { only: async () => 1 });
		const h = await harness(db.database, [pipeline]);
		const id = await h.enqueue('https://example.com/c');
		const [claimed] = await claimItems(db.database, { worker: 'w', pipelines: ['p'], limit: 1, leaseMs: 60_000, now: new Date() });
		const [worker, observer] = [connect(), connect()];

		// A worker's advance: lock the item, open the next attempt; not yet committed.
		const [opened, letGo] = [deferred(), deferred()];
		const workerTx = worker.begin(async (tx) => {
			await tx`select id from queue_items where id = ${id} and lease_token = ${claimed!.leaseToken} for update`;
			await tx`insert into item_attempts (item_id, phase, number, worker, started_at, outcome) values (${id}, 'only', 1, 'w', now(), 'running')`;
			opened.resolve();
			await letGo.promise;
		});
		await opened.promise;
		const canceled = cancelItems(db.database, { userId: h.userId, scope: { itemId: id }, now: new Date() }).then((ids) => ids.length > 0);
		await within(someoneWaits(observer, 'transactionid'), 10_000, 'the cancel to wait for the worker');
		letGo.resolve();
		await workerTx;
		expect(await canceled).toBe(true);

		const item = await h.get(id);
		expect(item.status).toBe('canceled');
		// The claim's attempt and the one opened while the cancel waited.
		expect(item.attempts.map((a) => a.outcome)).toEqual(['canceled', 'canceled']);
	});

	it('heartbeats and batches of transitions over the same items never deadlock', async () => {
		// Both lock many items at once; locked in different orders they deadlocked now and then under load.
		const phases = Array.from({ length: 12 }, (_, i) => `p${i}`);
		const { pipeline } = testPipeline('p', Object.fromEntries(phases.map((p) => [p, async () => 1])));
		const h = await harness(db.database, [pipeline]);
		await Promise.all(Array.from({ length: 200 }, (_, i) => h.enqueue(`https://example.com/${i}`)));
		const claimed = await claimItems(db.database, { worker: 'w', pipelines: ['p'], limit: 200, leaseMs: 600_000, now: new Date() });
		const tokens = claimed.map((c) => c.leaseToken);
		let attempts = new Map(claimed.map((c) => [c.id, c.attemptId]));
		let beating = true;
		const beats = (async () => {
			let n = 0;
			while (beating) n += (await extendLeases(db.database, { tokens, leaseMs: 600_000, now: new Date() })).size;
			return n;
		})();
		for (let k = 0; k + 1 < phases.length; k++) {
			const transitions = claimed.map((c) => ({
				itemId: c.id,
				token: c.leaseToken,
				phase: phases[k]!,
				attemptId: attempts.get(c.id)!,
				transition: { kind: 'advance', output: k, nextPhase: phases[k + 1]! } as const
			}));
			// Two halves at once, as two batches in flight would be.
			const halves = [transitions.filter((_, i) => i % 2), transitions.filter((_, i) => !(i % 2))];
			const applied = await Promise.all(halves.map((half) => applyTransitions(db.database, { worker: 'w', transitions: half, now: new Date() })));
			attempts = new Map(applied.flatMap((m) => [...m].map(([id, a]) => [id, a.next!.attemptId] as [string, number])));
			expect(attempts.size).toBe(200);
		}
		beating = false;
		expect(await beats).toBeGreaterThan(0);
	});
});

