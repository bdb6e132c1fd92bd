import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { aliceAndBob, finishedItem } from '../helpers/library';
import { makeRecipe } from '../helpers/recipe';
import { queueItems, recipes, recipeSources } from '../../src/lib/server/db/schema';
import { saveRecipe } from '../../src/lib/server/recipes/store';
import { findSavedRecipe, keysOf } from '../../src/lib/server/recipes/sources';
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

const item = (userId: string, dedupeKey: string | null = null) => finishedItem(db.database, userId, dedupeKey);

/** Saves as the upload phase does, for one item, under these link keys. */
function save(userId: string, itemId: string, keys: string[], title = 'Plum Cake', recipeId?: string) {
	const recipe = makeRecipe({ title, sourceUrl: keys.at(-1)! });
	return saveRecipe(db.database, { userId, itemId, recipeId, keys, title, sourceUrl: recipe.sourceUrl, imageUrl: recipe.image, description: recipe.description, data: recipe });
}

const recipesOf = async (userId: string) => db.database.db.select().from(recipes).where(eq(recipes.userId, userId));

describe('one recipe per dish', () => {
	it('a recipe in the trash is not "already saved", and saving its dish again brings it back under its id', async () => {
		const saved = await save(alice, await item(alice), ['https://example.com/tart'], 'Tart');
		expect((await findSavedRecipe(db.database, alice, 'https://example.com/tart'))?.id).toBe(saved.id);
		expect(await deleteRecipe(db.database, alice, saved.id)).toBe(true);
		expect(await findSavedRecipe(db.database, alice, 'https://example.com/tart')).toBeUndefined();
		const again = await save(alice, await item(alice), ['https://example.com/tart'], 'Tart, again');
		expect(again).toEqual({ id: saved.id, created: false });
		expect((await findSavedRecipe(db.database, alice, 'https://example.com/tart'))?.title).toBe('Tart, again');
	});

	it('twin links (short, long, canonical) are one recipe, updated in place, and it knows every link', async () => {
		const first = await save(alice, await item(alice), ['https://sr.example/a1', 'https://example.com/plum-cake'], 'Plum Cake');
		expect(first.created).toBe(true);
		const twin = await save(alice, await item(alice), ['https://example.com/plum-cake?print=1', 'https://example.com/plum-cake'], 'Plum Cake, again');
		expect(twin).toEqual({ id: first.id, created: false });
		const rows = await recipesOf(alice);
		expect(rows.map((r) => [r.id, r.title])).toEqual([[first.id, 'Plum Cake, again']]);
		expect((await keysOf(db.database, first.id)).sort()).toEqual(['https://example.com/plum-cake', 'https://example.com/plum-cake?print=1', 'https://sr.example/a1']);
		// The same links are someone else's own recipe.
		const bobs = await save(bob, await item(bob), ['https://example.com/plum-cake']);
		expect(bobs.created).toBe(true);
		expect(bobs.id).not.toBe(first.id);
	});

	it('a retried item updates the recipe it saved, even if its links changed meanwhile', async () => {
		const id = await item(alice);
		const saved = await save(alice, id, ['https://example.com/soup'], 'Soup');
		const again = await save(alice, id, ['https://example.com/soup'], 'Soup, retried');
		const moved = await save(alice, id, ['https://example.com/soup-v2'], 'Soup, elsewhere');
		expect([again, moved]).toEqual([
			{ id: saved.id, created: false },
			{ id: saved.id, created: false }
		]);
		expect((await recipesOf(alice)).map((r) => r.title)).toEqual(['Soup, elsewhere']);
	});

	it('concurrent saves of twins make one recipe, whoever wins', async () => {
		const shared = 'https://example.com/stew';
		const items = await Promise.all(Array.from({ length: 8 }, () => item(alice)));
		const saves = await Promise.all(items.map((id, i) => save(alice, id, [`https://sr.example/s${i}`, shared], `Stew ${i}`)));
		const rows = await recipesOf(alice);
		expect(rows).toHaveLength(1);
		expect(new Set(saves.map((s) => s.id))).toEqual(new Set([rows[0]!.id]));
		expect(saves.filter((s) => s.created)).toHaveLength(1);
		// Every twin's own link now leads to it.
		expect(await keysOf(db.database, rows[0]!.id)).toHaveLength(9);
	});

	it('Import again updates the recipe it names; a link another recipe owns stays with that one', async () => {
		const pie = await save(alice, await item(alice), ['https://example.com/pie'], 'Pie');
		const tart = await save(alice, await item(alice), ['https://example.com/tart'], 'Tart');
		// The pie's page now names the tart's address as canonical: the pie is still what was asked for.
		const again = await save(alice, await item(alice), ['https://example.com/pie', 'https://example.com/tart', 'https://example.com/pie-2'], 'Pie, read anew', pie.id);
		expect(again).toEqual({ id: pie.id, created: false });
		expect((await keysOf(db.database, pie.id)).sort()).toEqual(['https://example.com/pie', 'https://example.com/pie-2']);
		expect(await keysOf(db.database, tart.id)).toEqual(['https://example.com/tart']);
		// Someone else's recipe id is not theirs to update: the links decide instead.
		const bobs = await save(bob, await item(bob), ['https://example.com/bob-pie'], "Bob's Pie");
		const sneaky = await save(alice, await item(alice), ['https://example.com/pie'], 'Not Bob’s', bobs.id);
		expect(sneaky.id).toBe(pie.id);
		expect((await recipesOf(bob)).map((r) => r.title)).toEqual(["Bob's Pie"]);
	});

	it('deleting a recipe forgets its links: the next share saves it anew', async () => {
		const first = await save(alice, await item(alice), ['https://example.com/bread']);
		await db.database.db.delete(recipes).where(eq(recipes.id, first.id));
		expect(await db.database.db.select().from(recipeSources)).toEqual([]);
		const again = await save(alice, await item(alice), ['https://example.com/bread']);
		expect(again.created).toBe(true);
	});
});

describe('findSavedRecipe', () => {
	it('answers each share for its own user and link, lookups made together included', async () => {
		const mine = await save(alice, await item(alice), ['https://example.com/a', 'https://example.com/b']);
		const bobs = await save(bob, await item(bob), ['https://example.com/a']);
		const found = await Promise.all([
			findSavedRecipe(db.database, alice, 'https://example.com/a'),
			findSavedRecipe(db.database, alice, 'https://example.com/b'),
			findSavedRecipe(db.database, bob, 'https://example.com/a'),
			findSavedRecipe(db.database, bob, 'https://example.com/b'),
			findSavedRecipe(db.database, alice, 'https://example.com/c')
		]);
		expect(found.map((r) => r?.id)).toEqual([mine.id, mine.id, bobs.id, undefined, undefined]);
	});
});

describe('migration 0010 on a library saved before it', () => {
	it('keys each recipe by its item’s link; of duplicates the newest takes the key, the older stay as they were', async () => {
		const key = 'https://example.com/pasta';
		const older = await save(alice, await item(alice, key), ['https://old.example/1']);
		const newer = await save(alice, await item(alice, key), ['https://old.example/2']);
		const other = await save(alice, await item(alice, 'https://example.com/salad'), ['https://old.example/3']);
		const orphan = await save(alice, await item(alice, 'https://example.com/gone'), ['https://old.example/4']);
		await db.database.db.update(recipes).set({ createdAt: sql`now() - interval '1 day'` }).where(eq(recipes.id, older.id));
		await db.database.db.delete(queueItems).where(eq(queueItems.dedupeKey, 'https://example.com/gone'));
		await db.database.db.delete(recipeSources);

		// The migration's last statement, as it ran on installations that had recipes.
		const migration = readFileSync(new URL('../../drizzle/0010_recipe_sources.sql', import.meta.url), 'utf8');
		const backfill = migration.split('--> statement-breakpoint').at(-1)!;
		expect(backfill).toMatch(/INSERT INTO "recipe_sources"/);
		await db.database.rows(sql.raw(backfill));

		const keys = await db.database.db.select({ key: recipeSources.key, recipeId: recipeSources.recipeId }).from(recipeSources);
		expect(keys.sort((a, b) => a.key.localeCompare(b.key))).toEqual([
			{ key, recipeId: newer.id },
			{ key: 'https://example.com/salad', recipeId: other.id }
		]);
		expect((await recipesOf(alice)).map((r) => r.id).sort()).toEqual([older.id, newer.id, other.id, orphan.id].sort());
	});
});
