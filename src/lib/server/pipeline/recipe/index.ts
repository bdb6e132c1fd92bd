import type { Recipe } from '../../../contract/recipe';
import type { PipelineDefinition } from '../../queue/pipeline';
import { extractionPhase, type ExtractionDeps } from './extract';
import { parsingPhase, type ParsingDeps } from './parse';
import { uploadingPhase, type UploadDeps, type UploadOutput } from './upload';

export const RECIPE_PIPELINE = 'recipe';

/** extraction → parsing → uploading, registered with the engine by the app's composition root. */
export function recipePipeline(deps: ExtractionDeps & ParsingDeps & UploadDeps): PipelineDefinition {
	return {
		name: RECIPE_PIPELINE,
		phases: [extractionPhase(deps), parsingPhase(deps), uploadingPhase(deps)],
		result(outputs) {
			const recipe = outputs.parsing as Recipe;
			const upload = outputs.uploading as UploadOutput;
			return {
				recipeId: upload.recipeId,
				title: recipe.title,
				image: recipe.image,
				sourceUrl: recipe.sourceUrl,
				description: recipe.description,
				target: upload.target ?? null
			};
		}
	};
}
