import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { aliceAndBob } from '../helpers/library';
import { claimItems } from '../../src/lib/server/queue/sql/claim';
import { insertItems } from '../../src/lib/server/queue/sql/enqueue';
import { uuidv7 } from '../../src/lib/server/queue/ids';

/**
 * The claim's order: priority first, then round robin across owners (counting what each already
 * has running), then oldest first; a concurrency key runs at most keyLimit items at once.
 */
let db: TestDatabase;
let alice: string;
let bob: string;
beforeEach(async () => {
	db = await createTestDatabase();
	[alice, bob] = await aliceAndBob(db.database);
});
afterEach(() => db.close());

const t0 = Date.parse('2026-06-01T12:00:00Z');
let tick = 0;
/** Items of one owner, made in this order (each a millisecond after the one before). */
async function add(userId: string, count: number, extra: { priority?: number; key?: string | null; tag?: string } = {}): Promise<string[]> {
	const ids: string[] = [];
	for (let i = 0; i < count; i++) {
		const id = uuidv7();
		await insertItems(
			db.database,
			[{ id, userId, pipeline: 'p', phases: ['one'], input: { tag: extra.tag ?? '' }, dedupeKey: null, maxAttempts: 3, correlationId: randomUUID(), idempotencyKey: null, priority: extra.priority, concurrencyKey: extra.key ?? null }],
			new Date(t0 + tick++)
		);
		ids.push(id);
	}
	return ids;
}
const claim = (limit: number, keyLimit: number | null = null) =>
	claimItems(db.database, { worker: 'w', pipelines: ['p'], limit, leaseMs: 60_000, now: new Date(t0 + 1_000_000), keyLimit });

describe('fair claiming', () => {
	it('a single item of a second owner is taken next, however many the first owner has waiting', async () => {
		const batch = await add(alice, 50);
		const [single] = await add(bob, 1);
		// Alice's oldest first (nobody runs anything yet, and hers is older)…
		expect((await claim(1)).map((c) => c.id)).toEqual([batch[0]]);
		// …then Bob's: Alice has one running, Bob none.
		expect((await claim(1)).map((c) => c.id)).toEqual([single]);
		expect((await claim(2)).map((c) => c.id)).toEqual([batch[1], batch[2]]);
	});

	it('in one claim, owners take turns', async () => {
		const a = await add(alice, 10);
		const b = await add(bob, 10);
		const ids = (await claim(6)).map((c) => c.id);
		expect(ids).toEqual([a[0], b[0], a[1], b[1], a[2], b[2]]);
	});

	it('a lower priority number goes first, even behind the same owner’s older bulk items', async () => {
		const bulk = await add(alice, 20, { priority: 1 });
		const [share] = await add(alice, 1, { priority: 0 });
		const [other] = await add(bob, 1, { priority: 1 });
		const ids = (await claim(3)).map((c) => c.id);
		// Then the bulk items take turns: Alice has had hers, so Bob's comes before her second.
		expect(ids).toEqual([share, other, bulk[0]]);
	});

	it('runs at most keyLimit items of one key at once, and takes other keys meanwhile', async () => {
		const slow = await add(alice, 10, { key: 'slow.example' });
		const fast = await add(alice, 3, { key: 'fast.example' });
		const free = await add(alice, 2, { key: null });
		const first = (await claim(20, 2)).map((c) => c.id);
		expect(new Set(first)).toEqual(new Set([slow[0], slow[1], fast[0], fast[1], ...free]));
		// Both keys are at their limit now: nothing more until one of theirs finishes.
		expect(await claim(20, 2)).toEqual([]);
		await db.database.rows(sql`update queue_items set status = 'success', lease_token = null where id = ${slow[0]}`);
		expect((await claim(20, 2)).map((c) => c.id)).toEqual([slow[2]]);
		// Without a limit, every key runs freely.
		expect((await claim(20, null)).length).toBe(slow.length - 3 + fast.length - 2);
	});

	it('the items of a busy key do not hide an owner’s other items behind them', async () => {
		// Far more of one site than a claim looks at, then one of another site.
		const slow = await add(alice, 60, { key: 'slow.example' });
		const [fast] = await add(alice, 1, { key: 'fast.example' });
		expect((await claim(2, 2)).map((c) => c.id)).toEqual([slow[0], slow[1]]);
		expect((await claim(2, 2)).map((c) => c.id)).toEqual([fast]);
	});

	it('claimers at the same time never take one item twice, and together take them all', async () => {
		await add(alice, 30);
		await add(bob, 30);
		const claims = await Promise.all(Array.from({ length: 8 }, () => claim(8)));
		const ids = claims.flat().map((c) => c.id);
		expect(new Set(ids).size).toBe(ids.length);
		// What the claimers passed over (locked by another at that instant) is still there for the next.
		for (let next = await claim(8); next.length; next = await claim(8)) ids.push(...next.map((c) => c.id));
		expect(new Set(ids).size).toBe(60);
		expect(ids.length).toBe(60);
	});
});
