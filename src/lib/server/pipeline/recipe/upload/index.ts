import { z } from 'zod';
import type { Database } from '../../../db/client';
import type { KeptPicture } from '../../../pictures/keep';
import { saveRecipe } from '../../../recipes/store';
import type { Recipe } from '../../../../contract/recipe';
import { TargetLink } from '../../../../contract/targets';
import { sourceKeys } from '../../../../links';
import type { ExtractedContent } from '../extract/content';
import { sharedPictureId, shownImage } from '../extract/shared-pictures';
import { textKey } from '../share-key';

export const UploadOutput = z.object({
	recipeId: z.string(),
	/** The version of the picture the library keeps; null when none could be had. Absent in outputs of older versions. */
	picture: z.string().nullable().optional(),
	/** Where the user's Tandoor or Mealie holds it; null for library only. */
	target: TargetLink.nullable()
});
export type UploadOutput = z.infer<typeof UploadOutput>;

export interface UploadDeps {
	database: Database;
	/** Downloads the recipe's picture and keeps it with the library recipe (or says why it could not). */
	keepPicture(recipeId: string, url: string, signal: AbortSignal): Promise<KeptPicture>;
	/** Keeps one of the owner's shared pictures (by file id) as the recipe's picture, from its stored bytes. */
	keepSharedPicture(recipeId: string, owner: { userId: string; fileId: string; url: string }, signal: AbortSignal): Promise<KeptPicture>;
	/**
	 * Saves a library recipe to the user's target, never twice; null when they keep recipes in the
	 * library only. `picture` is the one just kept (or why there is none), so it is not fetched again.
	 */
	sendToTarget(input: {
		userId: string;
		recipeId: string;
		recipe: Recipe;
		picture: KeptPicture | null;
		signal: AbortSignal;
		progress: (message: string) => void;
	}): Promise<TargetLink | null>;
}

/**
 * Saves the parsed recipe to Cookmark's library with its picture, then to the user's Tandoor or
 * Mealie. Every step is idempotent (the library recipe is found again by the item and by every
 * link that led to it, a kept picture by the recipe and its address, the target copy is recorded
 * the moment it is made), so a retry after a crash or a failed target finishes the job without
 * duplicates or a second download, and a twin link or an Import again updates the same recipe. A
 * picture that cannot be had never fails the item: the recipe keeps the site's link.
 */
export async function uploadRecipe(
	deps: UploadDeps,
	item: { id: string; userId: string; input: { url: string | null; text?: string | null; recipeId?: string | null } },
	recipe: Recipe,
	page: Pick<ExtractedContent, 'url' | 'canonicalUrl' | 'sharedPictures'>,
	{ progress, signal }: { progress(percent: number, message?: string): void; signal: AbortSignal }
): Promise<UploadOutput> {
	progress(20, 'saving to your library');
	const saved = await saveRecipe(deps.database, {
		userId: item.userId,
		itemId: item.id,
		recipeId: item.input.recipeId,
		keys: sourceKeysOf(item.input, page),
		title: recipe.title,
		sourceUrl: recipe.sourceUrl,
		// The library row shows its picture's address; a shared picture is kept below from its bytes instead.
		imageUrl: shownImage(recipe.image),
		description: recipe.description,
		data: recipe
	});
	progress(30, 'keeping the picture');
	const picture = recipe.image ? await keep(deps, item.userId, saved.id, recipe.image, signal) : null;
	progress(40);
	const target = await deps.sendToTarget({ userId: item.userId, recipeId: saved.id, recipe, picture, signal, progress: (message) => progress(70, message) });
	return { recipeId: saved.id, picture: picture?.ok ? picture.version : null, target };
}

/** What the library knows the recipe by: a set of pictures by its key (so the same set again answers "already saved"), a link by its addresses, a text by its hash. */
function sourceKeysOf(input: { url: string | null; text?: string | null }, page: Pick<ExtractedContent, 'url' | 'canonicalUrl' | 'sharedPictures'>): string[] {
	if (page.sharedPictures) return [page.sharedPictures.key];
	return input.url !== null ? sourceKeys(input.url, page.url, page.canonicalUrl) : [textKey(input.text ?? '')];
}

/** The recipe's picture: one of the shared pictures from its stored bytes, else downloaded from its address. */
function keep(deps: UploadDeps, userId: string, recipeId: string, url: string, signal: AbortSignal): Promise<KeptPicture> {
	const fileId = sharedPictureId(url);
	return fileId ? deps.keepSharedPicture(recipeId, { userId, fileId, url }, signal) : deps.keepPicture(recipeId, url, signal);
}
