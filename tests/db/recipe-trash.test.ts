import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { RESTORE_WINDOW_MS } from '../../src/lib/contract/library';
import { queueItems, recipes, recipeUploads } from '../../src/lib/server/db/schema';
import { getRecipe, listRecipes } from '../../src/lib/server/recipes/library';
import { saveRecipe } from '../../src/lib/server/recipes/store';
import { deleteRecipe, purgeDeletedRecipes, restorableTitle, restoreRecipe } from '../../src/lib/server/recipes/trash';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { addRecipe, aliceAndBob } from '../helpers/library';
import { makeRecipe } from '../helpers/recipe';

let db: TestDatabase;
let alice: string;
let bob: string;
beforeEach(async () => {
	db = await createTestDatabase();
	[alice, bob] = await aliceAndBob(db.database);
});
afterEach(() => db.close());

const add = (userId: string, title = 'Pancakes') => addRecipe(db.database, userId, { title, image: null, description: null });

/** The clock the tests move: deletes, restores and purges take their time from it. */
const t0 = new Date('2026-05-01T12:00:00Z');
const at = (ms: number) => new Date(t0.getTime() + ms);
const titles = async (userId: string, q?: string) => (await listRecipes(db.database, userId, { q, limit: 100 })).rows.map((r) => r.title);
const rowCount = async () => (await db.database.db.select({ id: recipes.id }).from(recipes)).length;

describe('deleting with an undo', () => {
	it('a deleted recipe is gone from the list, the search and the detail at once, and only for its owner', async () => {
		const { id } = await add(alice, 'Lemon Tart');
		await add(alice, 'Lemon Curd');
		expect(await deleteRecipe(db.database, bob, id, t0)).toBe(false);
		expect(await deleteRecipe(db.database, alice, id, t0)).toBe(true);
		expect(await titles(alice)).toEqual(['Lemon Curd']);
		expect(await titles(alice, 'tart')).toEqual([]);
		expect(await getRecipe(db.database, alice, id)).toBeNull();
		// Deleted is deleted: a second delete finds nothing, and the row is still there to restore.
		expect(await deleteRecipe(db.database, alice, id, t0)).toBe(false);
		expect(await rowCount()).toBe(2);
	});

	it('restore brings it back within the window, for its owner only; a second restore is no error', async () => {
		const { id } = await add(alice, 'Lemon Tart');
		await deleteRecipe(db.database, alice, id, t0);
		expect(await restorableTitle(db.database, alice, id, at(60_000))).toBe('Lemon Tart');
		expect(await restorableTitle(db.database, bob, id, at(60_000))).toBeNull();
		expect(await restoreRecipe(db.database, bob, id, at(60_000))).toBeNull();
		expect(await restoreRecipe(db.database, alice, id, at(RESTORE_WINDOW_MS - 1))).toMatchObject({ id, title: 'Lemon Tart', deletedAt: null });
		expect(await titles(alice)).toEqual(['Lemon Tart']);
		expect(await restoreRecipe(db.database, alice, id, at(RESTORE_WINDOW_MS + 60_000))).toMatchObject({ id });
		expect(await restorableTitle(db.database, alice, id, at(1))).toBeNull();
	});

	it('after the window it cannot be restored, and the next delete purges it with its target records', async () => {
		const old = await add(alice, 'Old');
		await db.database.db.insert(recipeUploads).values({ recipeId: old.id, kind: 'tandoor', baseUrl: 'http://tandoor.lan', remoteId: '7', remoteUrl: 'http://tandoor.lan/view/recipe/7' });
		const other = await add(bob, 'Bob’s');
		await deleteRecipe(db.database, alice, old.id, t0);
		expect(await restoreRecipe(db.database, alice, old.id, at(RESTORE_WINDOW_MS))).toBeNull();
		expect(await restorableTitle(db.database, alice, old.id, at(RESTORE_WINDOW_MS))).toBeNull();
		expect(await rowCount()).toBe(2);

		// Anyone's later delete purges what is due, and nothing that is not.
		await deleteRecipe(db.database, bob, other.id, at(RESTORE_WINDOW_MS));
		expect(await db.database.db.select().from(recipes).where(eq(recipes.id, old.id))).toEqual([]);
		expect(await db.database.db.select().from(recipeUploads)).toEqual([]);
		expect(await restoreRecipe(db.database, bob, other.id, at(RESTORE_WINDOW_MS))).toMatchObject({ title: 'Bob’s' });
		// The item it came from stays in the queue.
		expect(await db.database.db.select().from(queueItems).where(eq(queueItems.id, old.itemId))).toHaveLength(1);
	});

	it('a purge is bounded: a batch at a time, the oldest first', async () => {
		const ids: string[] = [];
		for (let i = 0; i < 5; i++) ids.push((await add(alice, `R${i}`)).id);
		for (const [i, id] of ids.entries()) await deleteRecipe(db.database, alice, id, at(i * 1000));
		const late = at(4000 + RESTORE_WINDOW_MS);
		expect(await purgeDeletedRecipes(db.database, late, 2)).toBe(2);
		const left = (await db.database.db.select({ title: recipes.title }).from(recipes)).map((r) => r.title).sort();
		expect(left).toEqual(['R2', 'R3', 'R4']);
		expect(await purgeDeletedRecipes(db.database, late, 100)).toBe(3);
		expect(await purgeDeletedRecipes(db.database, late, 100)).toBe(0);
	});

	it('importing the item again brings a deleted recipe back, as a new row would have been', async () => {
		const { id, itemId } = await add(alice, 'Lemon Tart');
		await deleteRecipe(db.database, alice, id, t0);
		const recipe = makeRecipe({ title: 'Lemon Tart' });
		await saveRecipe(db.database, { userId: alice, itemId, keys: [recipe.sourceUrl!], title: 'Lemon Tart', sourceUrl: recipe.sourceUrl, imageUrl: null, description: null, data: recipe });
		expect(await titles(alice)).toEqual(['Lemon Tart']);
	});
});
