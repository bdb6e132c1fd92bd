import { eq, sql } from 'drizzle-orm';
import { Batcher } from '../db/batcher';
import type { Database } from '../db/client';
import { recipes, recipeSources } from '../db/schema';
import { recipeColumns, type RecipeRow } from './library';
import { textArray } from '../db/sql-values';

/**
 * The links a library recipe is known by (`recipe_sources`, written when it is saved): which
 * recipe a shared link already is, and every link of a recipe.
 */

interface Lookup {
	userId: string;
	key: string;
}

/**
 * Every share asks whether its link is already a recipe; under load, shares arriving together ask
 * in one read (group commit, db/batcher.ts), as their credentials and their inserts do.
 */
const lookups = new WeakMap<Database, Batcher<Lookup, RecipeRow | undefined>>();

async function readSaved(database: Database, asked: Lookup[]): Promise<Array<RecipeRow | undefined>> {
	const pairs = sql.join(
		asked.map((a) => sql`(${a.userId}::uuid, ${a.key})`),
		sql`, `
	);
	const rows = await database.db
		.select({ ...recipeColumns, key: recipeSources.key })
		.from(recipeSources)
		.innerJoin(recipes, eq(recipes.id, recipeSources.recipeId))
		// A recipe in the trash is not "already saved": sharing its link again imports it (and brings it back).
		.where(sql`(${recipeSources.userId}, ${recipeSources.key}) in (${pairs}) and ${recipes.deletedAt} is null`);
	const found = new Map(rows.map(({ key, ...row }) => [`${row.userId} ${key}`, row]));
	return asked.map((a) => found.get(`${a.userId} ${a.key}`));
}

/** The user's recipe that this link key already leads to, or undefined. */
export function findSavedRecipe(database: Database, userId: string, key: string): Promise<RecipeRow | undefined> {
	let batcher = lookups.get(database);
	if (!batcher) {
		batcher = new Batcher({ maxBatch: 200, maxInFlight: 4, flush: (asked) => readSaved(database, asked) });
		lookups.set(database, batcher);
	}
	return batcher.add({ userId, key });
}

/** Which of these link keys already lead to one of the user's recipes (a bulk import leaves those out). */
export async function savedKeys(database: Database, userId: string, keys: readonly string[]): Promise<Set<string>> {
	if (keys.length === 0) return new Set();
	const rows = await database.rows<{ key: string }>(sql`
		select s.key from recipe_sources s join recipes r on r.id = s.recipe_id
		where s.user_id = ${userId} and s.key = any(${textArray(keys)}) and r.deleted_at is null`);
	return new Set(rows.map((r) => r.key));
}

/** Every link key of a recipe. */
export async function keysOf(database: Database, recipeId: string): Promise<string[]> {
	const rows = await database.db.select({ key: recipeSources.key }).from(recipeSources).where(eq(recipeSources.recipeId, recipeId));
	return rows.map((r) => r.key);
}
