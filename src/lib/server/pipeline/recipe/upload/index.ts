import { z } from 'zod';
import type { Database } from '../../../db/client';
import { saveRecipe } from '../../../recipes/store';
import type { Recipe } from '../../../../contract/recipe';
import { TargetLink } from '../../../../contract/targets';
import { sourceKeys } from '../../../../links';
import type { ExtractedContent } from '../extract/content';

export const UploadOutput = z.object({
	recipeId: z.string(),
	/** Where the user's Tandoor or Mealie holds it; null for library only. */
	target: TargetLink.nullable()
});
export type UploadOutput = z.infer<typeof UploadOutput>;

export interface UploadDeps {
	database: Database;
	/** Saves a library recipe to the user's target, never twice; null when they keep recipes in the library only. */
	sendToTarget(input: { userId: string; recipeId: string; recipe: Recipe; signal: AbortSignal; progress: (message: string) => void }): Promise<TargetLink | null>;
}

/**
 * Saves the parsed recipe to Cookmark's library, then to the user's Tandoor or Mealie. Both steps
 * are idempotent (the library recipe is found again by the item and by every link that led to it,
 * the target copy is recorded the moment it is made), so a retry after a crash or a failed target
 * finishes the job without duplicates, and a twin link or an Import again updates the same recipe.
 */
export async function uploadRecipe(
	deps: UploadDeps,
	item: { id: string; userId: string; input: { url: string; recipeId?: string | null } },
	recipe: Recipe,
	page: Pick<ExtractedContent, 'url' | 'canonicalUrl'>,
	{ progress, signal }: { progress(percent: number, message?: string): void; signal: AbortSignal }
): Promise<UploadOutput> {
	progress(20, 'saving to your library');
	const saved = await saveRecipe(deps.database, {
		userId: item.userId,
		itemId: item.id,
		recipeId: item.input.recipeId,
		keys: sourceKeys(item.input.url, page.url, page.canonicalUrl),
		title: recipe.title,
		sourceUrl: recipe.sourceUrl,
		imageUrl: recipe.image,
		description: recipe.description,
		data: recipe
	});
	progress(40);
	const target = await deps.sendToTarget({ userId: item.userId, recipeId: saved.id, recipe, signal, progress: (message) => progress(70, message) });
	return { recipeId: saved.id, target };
}
