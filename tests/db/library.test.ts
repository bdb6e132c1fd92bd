import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { addRecipe, aliceAndBob } from '../helpers/library';
import { ingredient } from '../helpers/recipe';
import { decodeCursor, encodeCursor, ListRecipesQuery } from '../../src/lib/contract/library';
import type { Recipe } from '../../src/lib/contract/recipe';
import { queueItems, recipes } from '../../src/lib/server/db/schema';
import { getRecipe, listRecipes, toDetail, toSummary } from '../../src/lib/server/recipes/library';
import { deleteRecipe } from '../../src/lib/server/recipes/trash';

let db: TestDatabase;
let alice: string;
let bob: string;
beforeEach(async () => {
	db = await createTestDatabase();
	[alice, bob] = await aliceAndBob(db.database);
});
afterEach(async () => {
	await db.close();
});

const add = async (userId: string, overrides: Partial<Recipe> = {}, data?: unknown) => (await addRecipe(db.database, userId, overrides, data)).id;

/** Sets a recipe's creation time exactly (to the microsecond), as a text timestamp. */
async function createdAt(id: string, at: string) {
	await db.database.db.update(recipes).set({ createdAt: sql`${at}::timestamptz` }).where(eq(recipes.id, id));
}

async function allPages(userId: string, limit: number, q?: string): Promise<string[][]> {
	const pages: string[][] = [];
	let cursor = null;
	for (;;) {
		const page = await listRecipes(db.database, userId, { q, limit, cursor });
		pages.push(page.rows.map((r) => r.id));
		if (!page.nextCursor) return pages;
		cursor = decodeCursor(page.nextCursor);
		expect(cursor).not.toBeNull();
		if (pages.length > 50) throw new Error('pagination does not end');
	}
}

const titles = async (userId: string, q?: string) => (await listRecipes(db.database, userId, { q, limit: 100 })).rows.map((r) => r.title);

describe('listing', () => {
	it('an empty library is one empty last page', async () => {
		expect(await listRecipes(db.database, alice, { limit: 10 })).toEqual({ rows: [], nextCursor: null });
	});

	it('lists only the user’s own recipes, newest first', async () => {
		const first = await add(alice, { title: 'First' });
		const second = await add(alice, { title: 'Second' });
		await add(bob, { title: "Bob's" });
		await createdAt(first, '2026-01-01T10:00:00Z');
		await createdAt(second, '2026-01-02T10:00:00Z');
		expect(await titles(alice)).toEqual(['Second', 'First']);
		expect(await titles(bob)).toEqual(["Bob's"]);
	});

	it('pages through everything exactly once, in order, even with equal times and times within one millisecond', async () => {
		const ids: string[] = [];
		for (let i = 0; i < 7; i++) ids.push(await add(alice, { title: `R${i}` }));
		// Three recipes saved at the very same instant, two within the same millisecond (which a
		// JavaScript Date cannot tell apart), and two ordinary ones.
		await createdAt(ids[0]!, '2026-03-01T12:00:00.000000Z');
		for (const id of ids.slice(1, 4)) await createdAt(id, '2026-03-01T12:00:00.500000Z');
		await createdAt(ids[4]!, '2026-03-01T12:00:00.700100Z');
		await createdAt(ids[5]!, '2026-03-01T12:00:00.700900Z');
		await createdAt(ids[6]!, '2026-03-02T08:00:00Z');

		const whole = (await listRecipes(db.database, alice, { limit: 100 })).rows.map((r) => r.id);
		expect(whole).toHaveLength(7);
		expect(whole[0]).toBe(ids[6]);
		expect(whole.slice(1, 3)).toEqual([ids[5], ids[4]]);
		expect(whole.at(-1)).toBe(ids[0]);

		for (const limit of [1, 2, 3, 6, 7]) {
			const pages = await allPages(alice, limit);
			expect(pages.flat()).toEqual(whole);
			expect(pages.every((p) => p.length <= limit)).toBe(true);
			// The last page is never empty: there is no "Load more" that loads nothing.
			expect(pages.at(-1)!.length).toBeGreaterThan(0);
		}
	});

	it('a recipe saved while someone pages neither shifts the next page nor repeats one', async () => {
		for (let i = 0; i < 5; i++) await createdAt(await add(alice, { title: `Old ${i}` }), `2026-01-0${i + 1}T00:00:00Z`);
		const first = await listRecipes(db.database, alice, { limit: 2 });
		expect(first.rows.map((r) => r.title)).toEqual(['Old 4', 'Old 3']);
		await add(alice, { title: 'Brand new' });
		const second = await listRecipes(db.database, alice, { limit: 2, cursor: decodeCursor(first.nextCursor!) });
		expect(second.rows.map((r) => r.title)).toEqual(['Old 2', 'Old 1']);
	});

	it('a cursor from one user’s list shows another user nothing of the first', async () => {
		for (let i = 0; i < 3; i++) await add(alice);
		await add(bob, { title: 'Only Bob' });
		const page = await listRecipes(db.database, alice, { limit: 1 });
		const bobs = await listRecipes(db.database, bob, { limit: 10, cursor: decodeCursor(page.nextCursor!) });
		expect(bobs.rows.every((r) => r.userId === bob)).toBe(true);
	});
});

describe('search', () => {
	beforeEach(async () => {
		await add(alice, { title: 'Lemon Tart', description: 'Sharp and sweet.' });
		await add(alice, { title: 'Weeknight Curry', description: 'Ready in 30 minutes, with LEMONGRASS.' });
		await add(alice, {
			title: 'Plain Pasta',
			description: null,
			ingredientGroups: [
				{ name: 'Sauce', ingredients: [ingredient('200 g Parmigiano, grated', { quantity: 200, unit: 'gram', name: 'Parmigiano', comment: 'grated' })] },
				// A line the parser found no name in is found by its text.
				{ name: null, ingredients: [ingredient('a handful of basil leaves')] }
			],
			stepGroups: [{ name: null, steps: ['Boil the spaghetti with saffron.'] }]
		});
		await add(alice, { title: '100% Rye_Bread', description: null });
		await add(bob, { title: "Bob's Lemon Cake" });
	});

	it('finds words in the title and the description, whatever their case', async () => {
		expect(await titles(alice, 'lemon')).toEqual(['Weeknight Curry', 'Lemon Tart']);
		expect(await titles(alice, 'TART')).toEqual(['Lemon Tart']);
		expect(await titles(alice, 'ready in')).toEqual(['Weeknight Curry']);
	});

	it('finds ingredient names, and the line of an ingredient without a name', async () => {
		expect(await titles(alice, 'parmigiano')).toEqual(['Plain Pasta']);
		expect(await titles(alice, 'basil')).toEqual(['Plain Pasta']);
	});

	it('does not search the steps, group names or another user’s recipes', async () => {
		expect(await titles(alice, 'saffron')).toEqual([]);
		expect(await titles(alice, 'sauce')).toEqual([]);
		expect(await titles(alice, 'cake')).toEqual([]);
	});

	it('takes % and _ as the characters they are, not as wildcards', async () => {
		expect(await titles(alice, '100%')).toEqual(['100% Rye_Bread']);
		expect(await titles(alice, 'e_b')).toEqual(['100% Rye_Bread']);
		expect(await titles(alice, '%')).toEqual(['100% Rye_Bread']);
		expect(await titles(alice, 'n_t')).toEqual([]);
		expect(await titles(alice, '\\')).toEqual([]);
	});

	it('an empty or blank query lists everything', async () => {
		expect(await titles(alice, '')).toHaveLength(4);
		expect(await titles(alice, '   ')).toHaveLength(4);
	});

	it('pages through search results', async () => {
		const pages = await allPages(alice, 1, 'lemon');
		expect(pages).toHaveLength(2);
		expect(pages.flat()).toHaveLength(2);
	});

	it('survives stored data of another shape (no ingredient groups, groups that are not lists)', async () => {
		await add(alice, { title: 'Odd one' }, { legacy: true });
		await add(alice, { title: 'Odder one' }, { ingredientGroups: 'none', title: 'x' });
		expect(await titles(alice, 'odd')).toEqual(['Odder one', 'Odd one']);
		expect(await titles(alice, 'parmigiano')).toEqual(['Plain Pasta']);
	});
});

describe('one recipe', () => {
	it('getRecipe answers the owner only; someone else’s and a missing one look the same', async () => {
		const id = await add(alice, { title: 'Mine' });
		expect(await getRecipe(db.database, alice, id)).toMatchObject({ id, title: 'Mine', userId: alice });
		expect(await getRecipe(db.database, alice, id.toUpperCase())).toMatchObject({ id });
		expect(await getRecipe(db.database, bob, id)).toBeNull();
		expect(await getRecipe(db.database, alice, '00000000-0000-4000-8000-000000000000')).toBeNull();
		expect(await getRecipe(db.database, alice, 'not-a-uuid')).toBeNull();
		expect(await getRecipe(db.database, alice, "1' or '1'='1")).toBeNull();
	});

	it('deleteRecipe deletes the owner’s recipe only, once, and leaves the queue item', async () => {
		const id = await add(alice);
		const [{ itemId }] = (await db.database.db.select({ itemId: recipes.itemId }).from(recipes).where(eq(recipes.id, id))) as [{ itemId: string }];
		expect(await deleteRecipe(db.database, bob, id)).toBe(false);
		expect(await getRecipe(db.database, alice, id)).not.toBeNull();
		expect(await deleteRecipe(db.database, alice, id)).toBe(true);
		expect(await getRecipe(db.database, alice, id)).toBeNull();
		expect(await deleteRecipe(db.database, alice, id)).toBe(false);
		expect(await deleteRecipe(db.database, alice, 'nope')).toBe(false);
		expect(await db.database.db.select().from(queueItems).where(eq(queueItems.id, itemId))).toHaveLength(1);
	});

	it('summaries carry the site and a total time (stated, else prep plus cook); details the whole recipe', async () => {
		const id = await add(alice, { totalMinutes: null, prepMinutes: 15, cookMinutes: 40, siteName: 'Tart Blog' });
		const row = (await getRecipe(db.database, alice, id))!;
		expect(toSummary(row)).toMatchObject({ id, siteName: 'Tart Blog', totalMinutes: 55, title: 'Pancakes', createdAt: row.createdAt.toISOString() });
		const detail = toDetail(row);
		expect(detail.itemId).toBe(row.itemId);
		expect(detail.recipe?.ingredientGroups[0]?.ingredients).toHaveLength(3);
		const none = (await getRecipe(db.database, alice, await add(alice, { totalMinutes: null, prepMinutes: 5, cookMinutes: null })))!;
		expect(toSummary(none).totalMinutes).toBeNull();
	});

	it('data from before the current recipe model shows as no recipe, not as an error', async () => {
		const row = (await getRecipe(db.database, alice, await add(alice, { title: 'Legacy' }, { title: 'Legacy', ingredients: ['1 egg'] })))!;
		expect(toDetail(row)).toMatchObject({ title: 'Legacy', recipe: null, siteName: null, totalMinutes: null });
	});
});

describe('the cursor', () => {
	it('round-trips, and anything else is refused by the query schema', () => {
		const cursor = { createdAt: '2026-03-01T12:00:00.500123Z', id: '0b5f4a4e-8a4c-4b8e-9d65-1d1f0d3c2b1a' };
		expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
		expect(encodeCursor(cursor)).toMatch(/^[A-Za-z0-9_-]+$/);
		for (const bad of ['', 'abc', '!!!', encodeCursor({ createdAt: 'yesterday', id: cursor.id }), encodeCursor({ createdAt: cursor.createdAt, id: 'x' }), btoa('a|b|c')]) {
			expect(decodeCursor(bad)).toBeNull();
		}
		expect(ListRecipesQuery.safeParse({ cursor: 'abc' }).success).toBe(false);
		expect(ListRecipesQuery.parse({ cursor: encodeCursor(cursor), q: '  ' })).toEqual({ cursor, q: undefined, limit: 24 });
	});
});
