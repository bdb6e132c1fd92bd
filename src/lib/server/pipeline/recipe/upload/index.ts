import type { Database } from '../../../db/client';
import type { PhaseDefinition } from '../../../queue/pipeline';
import { saveRecipe } from '../../../recipes/store';
import type { Recipe } from '../../../../contract/recipe';

export interface UploadOutput {
	recipeId: string;
}

/** Saves the parsed recipe to Cookmark's own library (remote targets come with their issue). */
export function uploadingPhase(database: Database): PhaseDefinition {
	return {
		name: 'uploading',
		async run({ item, outputs, progress }): Promise<UploadOutput> {
			const recipe = outputs.parsing as Recipe | undefined;
			if (!recipe) throw new Error('uploading ran without a parsing output');
			progress(50, 'saving to your library');
			const saved = await saveRecipe(database, {
				userId: item.userId,
				itemId: item.id,
				title: recipe.title,
				sourceUrl: recipe.sourceUrl,
				imageUrl: recipe.image,
				description: recipe.description,
				data: recipe
			});
			return { recipeId: saved.id };
		}
	};
}
