import { z } from 'zod';
import { recipePictureUrl } from '../../../contract/library';
import { Recipe } from '../../../contract/recipe';
import { PipelineBuilder, type PipelineDefinition } from '../../queue/pipeline';
import { ExtractedContent, extractShare, type ExtractionDeps } from './extract';
import { parseContent, type ParsingDeps } from './parse';
import { UploadOutput, uploadRecipe, type UploadDeps } from './upload';

export const RECIPE_PIPELINE = 'recipe';

/** What a recipe item works on: what the person shared, with the link found in it (null for a text without one). */
export const ShareInput = z.object({
	url: z.string().nullable(),
	text: z.string().nullable().optional(),
	title: z.string().nullable().optional(),
	/** Import again: the library recipe this item reads anew and updates in place. */
	recipeId: z.uuid().nullable().optional(),
	/** The page's HTML as the person's browser had it (shared_files): read instead of fetching `url`. */
	htmlFileId: z.uuid().optional()
});
export type ShareInput = z.infer<typeof ShareInput>;

/** extraction → parsing → uploading, registered with the engine by the app's composition root. */
export function recipePipeline(deps: ExtractionDeps & ParsingDeps & UploadDeps): PipelineDefinition {
	return PipelineBuilder.create(RECIPE_PIPELINE, ShareInput)
		// Reads the shared text, or the page HTML sent with the link, or fetches the link (through the safe fetcher).
		.phase('extraction', ExtractedContent, ({ item, signal, progress }) => extractShare(item, deps, signal, progress))
		.phase('parsing', Recipe, ({ outputs, signal, progress, log }) => parseContent(outputs.extraction, deps, { signal, progress, log }))
		.phase('uploading', UploadOutput, ({ item, outputs, signal, progress }) => uploadRecipe(deps, item, outputs.parsing, outputs.extraction, { signal, progress }))
		.build(({ parsing, uploading }) => ({
			recipeId: uploading.recipeId,
			title: parsing.title,
			/** The picture's address on its site. */
			image: parsing.image,
			// As the library's recipe shape has them: Cookmark's kept copy, else the site's link.
			imageUrl: uploading.picture ? recipePictureUrl(uploading.recipeId, 'full', uploading.picture) : parsing.image,
			thumbnailUrl: uploading.picture ? recipePictureUrl(uploading.recipeId, 'thumb', uploading.picture) : parsing.image,
			sourceUrl: parsing.sourceUrl,
			description: parsing.description,
			target: uploading.target ?? null
		}));
}
