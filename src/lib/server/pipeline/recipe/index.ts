import { z } from 'zod';
import { recipePictureUrl } from '../../../contract/library';
import { Recipe } from '../../../contract/recipe';
import { MAX_SHARED_IMAGES } from '../../../contract/queue';
import { PipelineBuilder, type PipelineDefinition } from '../../queue/pipeline';
import { ExtractedContent, extractShare, type ExtractionDeps } from './extract';
import { shownImage } from './extract/shared-pictures';
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
	htmlFileId: z.uuid().optional(),
	/** Pictures shared instead of a link (shared_files), read as one recipe in this order. */
	imageFileIds: z.array(z.uuid()).min(1).max(MAX_SHARED_IMAGES).optional()
});
export type ShareInput = z.infer<typeof ShareInput>;

/** extraction → parsing → uploading, registered with the engine by the app's composition root. */
export function recipePipeline(deps: ExtractionDeps & Omit<ParsingDeps, 'sharedPictures'> & UploadDeps): PipelineDefinition {
	return PipelineBuilder.create(RECIPE_PIPELINE, ShareInput)
		// Reads the shared text or pictures, or the page HTML sent with the link, or fetches the link (through the safe fetcher).
		.phase('extraction', ExtractedContent, ({ item, signal, progress }) => extractShare(item, deps, signal, progress))
		.phase('parsing', Recipe, ({ item, outputs, signal, progress, log }) =>
			parseContent(outputs.extraction, { ...deps, sharedPictures: (ids) => deps.loadSharedPictures(item.userId, ids) }, { signal, progress, log })
		)
		.phase('uploading', UploadOutput, ({ item, outputs, signal, progress }) => uploadRecipe(deps, item, outputs.parsing, outputs.extraction, { signal, progress }))
		.build(({ parsing, uploading }) => {
			const siteImage = shownImage(parsing.image);
			return {
				recipeId: uploading.recipeId,
				title: parsing.title,
				/** The picture's address on its site. */
				image: siteImage,
				// As the library's recipe shape has them: Cookmark's kept copy, else the site's link.
				imageUrl: uploading.picture ? recipePictureUrl(uploading.recipeId, 'full', uploading.picture) : siteImage,
				thumbnailUrl: uploading.picture ? recipePictureUrl(uploading.recipeId, 'thumb', uploading.picture) : siteImage,
				sourceUrl: parsing.sourceUrl,
				description: parsing.description,
				target: uploading.target ?? null
			};
		});
}
