import type { Database } from '../../src/lib/server/db/client';
import { queueItems, users } from '../../src/lib/server/db/schema';
import { saveRecipe } from '../../src/lib/server/recipes/store';
import type { Recipe } from '../../src/lib/contract/recipe';
import { makeRecipe } from './recipe';

/** Two accounts, alice and bob, to show that one never sees the other's recipes. */
export async function aliceAndBob(database: Database): Promise<[string, string]> {
	const made = await database.db.insert(users).values([{ username: 'alice' }, { username: 'bob' }]).returning({ id: users.id });
	return made.map((u) => u.id) as [string, string];
}

let n = 0;
/** A finished queue item of the user's, as a share that was saved leaves it. */
export async function finishedItem(database: Database, userId: string, dedupeKey: string | null = null, url = 'https://example.com/'): Promise<string> {
	const [row] = await database.db
		.insert(queueItems)
		.values({ userId, pipeline: 'recipe', dedupeKey, input: { url }, maxAttempts: 3, correlationId: `c${++n}`, status: 'success' })
		.returning({ id: queueItems.id });
	return row!.id;
}

/**
 * Saves a recipe the way the upload phase does, for a queue item of its own, at a link of its own.
 * `data`: what is stored instead of the recipe (an older or broken format).
 */
export async function addRecipe(database: Database, userId: string, overrides: Partial<Recipe> = {}, data?: unknown): Promise<{ id: string; itemId: string }> {
	const recipe = makeRecipe({ sourceUrl: `https://example.com/r/${++n}`, ...overrides });
	const key = recipe.sourceUrl ?? `text:${n}`;
	const itemId = await finishedItem(database, userId, key, key);
	const saved = await saveRecipe(database, {
		userId,
		itemId,
		keys: [key],
		title: recipe.title,
		sourceUrl: recipe.sourceUrl,
		imageUrl: recipe.image,
		description: recipe.description,
		data: data ?? recipe
	});
	return { id: saved.id, itemId };
}
