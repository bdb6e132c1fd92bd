import type { Database } from '../../../db/client';
import type { PhaseDefinition } from '../../../queue/pipeline';
import { saveRecipe } from '../../../recipes/store';
import type { Recipe } from '../../../../contract/recipe';
import type { TargetLink } from '../../../../contract/targets';

export interface UploadOutput {
	recipeId: string;
	/** Where the user's Tandoor or Mealie holds it; null for library only. */
	target: TargetLink | null;
}

export interface UploadDeps {
	database: Database;
	/** Saves a library recipe to the user's target, never twice; null when they keep recipes in the library only. */
	sendToTarget(input: { userId: string; recipeId: string; recipe: Recipe; signal: AbortSignal; progress: (message: string) => void }): Promise<TargetLink | null>;
}

/**
 * Saves the parsed recipe to Cookmark's library, then to the user's Tandoor or Mealie. Both steps
 * are idempotent (the library row is keyed on the item, the target copy is recorded the moment it
 * is made), so a retry after a crash or a failed target finishes the job without duplicates.
 */
export function uploadingPhase(deps: UploadDeps): PhaseDefinition {
	return {
		name: 'uploading',
		async run({ item, outputs, progress, signal }): Promise<UploadOutput> {
			const recipe = outputs.parsing as Recipe | undefined;
			if (!recipe) throw new Error('uploading ran without a parsing output');
			progress(20, 'saving to your library');
			const saved = await saveRecipe(deps.database, {
				userId: item.userId,
				itemId: item.id,
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
	};
}
