import type { Database } from '../../db/client';
import type { PipelineDefinition } from '../../queue/pipeline';
import { extractionPhase, type ExtractionDeps } from './extract';
import { parsingPhase, type ParsedRecipe } from './parse';
import { uploadingPhase, type UploadOutput } from './upload';

export const RECIPE_PIPELINE = 'recipe';

/** extraction → parsing → uploading, registered with the engine by the app's composition root. */
export function recipePipeline(deps: ExtractionDeps & { database: Database }): PipelineDefinition {
	return {
		name: RECIPE_PIPELINE,
		phases: [extractionPhase(deps), parsingPhase, uploadingPhase(deps.database)],
		result(outputs) {
			const recipe = outputs.parsing as ParsedRecipe;
			const upload = outputs.uploading as UploadOutput;
			return { recipeId: upload.recipeId, title: recipe.title, image: recipe.image, sourceUrl: recipe.sourceUrl };
		}
	};
}
