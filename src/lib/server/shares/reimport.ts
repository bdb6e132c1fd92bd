import { normalizeUrl } from '../../links';
import type { Item } from '../../contract/queue';
import type { App } from '../app';
import { ApiError } from '../http/api';
import { RECIPE_PIPELINE, type ShareInput } from '../pipeline/recipe';
import type { RecipeRow } from '../recipes/library';
import { keysOf } from '../recipes/sources';
import { toItem } from './items';

export type ReimportResult = { kind: 'queued'; item: Item } | { kind: 'running'; item: Item };

/**
 * Import again: a new item reads the recipe's page through the whole pipeline once more, and its
 * upload updates this recipe in place (same id, so its Tandoor or Mealie copy is updated, not
 * made twice). `running` when an item for any of the recipe's links is still pending or running.
 */
export async function reimportRecipe(app: App, userId: string, recipe: RecipeRow): Promise<ReimportResult> {
	let dedupeKey: string;
	try {
		if (recipe.sourceUrl === null) throw new Error('no link');
		dedupeKey = normalizeUrl(recipe.sourceUrl);
	} catch {
		throw new ApiError(409, 'no_source', 'this recipe has no link to read again');
	}
	const running = await app.queue.activeByKeys(userId, [dedupeKey, ...(await keysOf(app.database, recipe.id))]);
	if (running) return { kind: 'running', item: toItem(running) };
	const input: ShareInput = { url: recipe.sourceUrl, text: null, title: recipe.title, recipeId: recipe.id };
	const result = await app.queue.enqueue({ userId, pipeline: RECIPE_PIPELINE, input, dedupeKey });
	return { kind: result.kind === 'created' ? 'queued' : 'running', item: toItem(result.job) };
}
