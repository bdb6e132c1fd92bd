import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { harness, testPipeline } from '../helpers/engine';
import { PermanentError } from '../../src/lib/server/failures/errors';

let db: TestDatabase;
beforeEach(async () => {
	db = await createTestDatabase();
});
afterEach(async () => {
	await db.close();
});

/** What counting every item would say, per status. */
async function counted(userId: string): Promise<Record<string, number>> {
	const rows = await db.database.rows<{ status: string; n: number | string }>(
		sql`select status, count(*) as n from queue_items where user_id = ${userId} group by status`
	);
	return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}

describe('listing', () => {
	it('pages with a cursor give every item once, newest first, unmoved by items shared meanwhile', async () => {
		const { pipeline } = testPipeline('p', { only: async () => 1 });
		const h = await harness(db.database, [pipeline]);
		const ids: string[] = [];
		for (let i = 0; i < 25; i++) ids.push(await h.enqueue(`https://example.com/${i}`));
		const seen: string[] = [];
		let cursor: string | undefined;
		for (let page = 0; ; page++) {
			const result = await h.service.list({ userId: h.userId, limit: 10, cursor });
			seen.push(...result!.jobs.map((j) => j.id));
			expect(result!.total).toBe(25 + Math.min(page, 1)); // the one shared after the first page counts
			if (page === 0) await h.enqueue('https://example.com/late'); // lands above the pages already read
			if (!result!.nextCursor) break;
			cursor = result!.nextCursor;
		}
		expect(seen).toEqual([...ids].reverse());
		// Another user's cursor-less listing sees none of it.
		expect((await h.service.list({ userId: h.otherUserId, limit: 10 }))!.jobs).toEqual([]);
	});

	it('a cursor that is not one of ours is refused, not guessed at', async () => {
		const { pipeline } = testPipeline('p', { only: async () => 1 });
		const h = await harness(db.database, [pipeline]);
		for (const cursor of ['garbage', Buffer.from('["yesterday","x"]').toString('base64url'), Buffer.from('{}').toString('base64url')]) {
			expect(await h.service.list({ userId: h.userId, limit: 10, cursor })).toBeNull();
		}
	});

	it('a page is read off the index in the listing order, never sorted', async () => {
		const { pipeline } = testPipeline('p', { only: async () => 1 });
		const h = await harness(db.database, [pipeline]);
		for (let i = 0; i < 30; i++) await h.enqueue(`https://example.com/${i}`);
		await db.database.rows(sql`analyze queue_items`);
		await db.database.rows(sql`set enable_seqscan = off`);
		const plan = await db.database.rows<{ 'QUERY PLAN': string }>(sql`
			explain select id from queue_items where user_id = ${h.userId}
			order by created_at desc, id desc limit 20`);
		const text = plan.map((r) => r['QUERY PLAN']).join('\n');
		expect(text).toContain('queue_items_user_created_idx');
		expect(text).not.toMatch(/Sort/);
	});

	it('the totals kept per status match a count of the items after every kind of change', async () => {
		const { pipeline } = testPipeline('p', {
			only: async ({ item }) => {
				if ((item.input as { url: string }).url.endsWith('bad')) throw new PermanentError('nope', 'no');
				return 1;
			}
		});
		const h = await harness(db.database, [pipeline]);
		const good = await Promise.all([1, 2, 3].map((i) => h.enqueue(`https://example.com/good${i}`)));
		await h.enqueue('https://example.com/bad');
		const canceled = await h.enqueue('https://example.com/cancel');
		await h.service.cancel(h.userId, canceled);
		await h.worker().processAvailable();
		await h.service.remove(h.userId, good[0]!);
		await h.enqueue('https://example.com/waiting');
		const expected = await counted(h.userId);
		expect(expected).toEqual({ success: 2, error: 1, canceled: 1, pending: 1 });
		for (const [status, n] of Object.entries(expected)) {
			expect((await h.service.list({ userId: h.userId, statuses: [status as 'pending'], limit: 1 }))!.total).toBe(n);
		}
		expect((await h.service.list({ userId: h.userId, limit: 1 }))!.total).toBe(5);
	});
});
