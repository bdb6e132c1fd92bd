import { and, eq, gt, inArray, isNotNull, isNull, lte, or } from 'drizzle-orm';
import { RESTORE_WINDOW_MS } from '../../contract/library';
import type { Database } from '../db/client';
import { recipes } from '../db/schema';
import { recipeColumns, UUID, type RecipeRow } from './library';

/**
 * Deleting with an undo. A delete only stamps `deleted_at`: the recipe leaves every read at once
 * (library.ts filters on it) and can be brought back for RESTORE_WINDOW_MS. After that it is
 * purged for good, a bounded batch at a time, by later deletes and at start-up: no timer and no
 * extra process, and a library where nobody deletes keeps a few hidden rows until the next start.
 * Time comes in as `now`, so tests move a clock instead of waiting.
 */

/** The most rows one purge removes, so a delete never waits on a large cleanup. */
export const PURGE_BATCH = 100;

const cutoff = (now: Date) => new Date(now.getTime() - RESTORE_WINDOW_MS);

/** Hides one of the user's recipes; false when there was none (or it is already deleted). The queue item stays. */
export async function deleteRecipe(database: Database, userId: string, id: string, now = new Date()): Promise<boolean> {
	if (!UUID.test(id)) return false;
	const gone = await database.db
		.update(recipes)
		.set({ deletedAt: now })
		.where(and(eq(recipes.id, id.toLowerCase()), eq(recipes.userId, userId), isNull(recipes.deletedAt)))
		.returning({ id: recipes.id });
	await purgeDeletedRecipes(database, now);
	return gone.length > 0;
}

/**
 * Brings a deleted recipe back while the window is open; a recipe that was never deleted is
 * answered as it is, so a second tap on Undo is no error. Null: no such recipe, or too late.
 */
export async function restoreRecipe(database: Database, userId: string, id: string, now = new Date()): Promise<RecipeRow | null> {
	if (!UUID.test(id)) return null;
	const [row] = await database.db
		.update(recipes)
		.set({ deletedAt: null })
		.where(
			and(
				eq(recipes.id, id.toLowerCase()),
				eq(recipes.userId, userId),
				or(isNull(recipes.deletedAt), gt(recipes.deletedAt, cutoff(now)))
			)
		)
		.returning(recipeColumns);
	return row ?? null;
}

/** The title of a recipe the user deleted and may still restore (what an Undo offer names), else null. */
export async function restorableTitle(database: Database, userId: string, id: string, now = new Date()): Promise<string | null> {
	if (!UUID.test(id)) return null;
	const [row] = await database.db
		.select({ title: recipes.title })
		.from(recipes)
		.where(and(eq(recipes.id, id.toLowerCase()), eq(recipes.userId, userId), gt(recipes.deletedAt, cutoff(now))));
	return row?.title ?? null;
}

/** Removes up to `limit` recipes whose window has passed (their target copies' records go with them); how many. */
export async function purgeDeletedRecipes(database: Database, now = new Date(), limit = PURGE_BATCH): Promise<number> {
	const due = database.db
		.select({ id: recipes.id })
		.from(recipes)
		.where(and(isNotNull(recipes.deletedAt), lte(recipes.deletedAt, cutoff(now))))
		.orderBy(recipes.deletedAt)
		.limit(limit);
	const purged = await database.db.delete(recipes).where(inArray(recipes.id, due)).returning({ id: recipes.id });
	return purged.length;
}
