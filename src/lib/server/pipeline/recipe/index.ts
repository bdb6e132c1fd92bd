import { z } from 'zod';
import { recipePictureUrl } from '../../../contract/library';
import { Recipe } from '../../../contract/recipe';
import { MAX_SHARED_IMAGES } from '../../../contract/queue';
import { PermanentError } from '../../failures/errors';
import { PipelineBuilder, type PipelineDefinition } from '../../queue/pipeline';
import { ExtractedContent, extractLink, type ExtractionDeps } from './extract';
import { extractPictures, type LoadSharedPictures } from './extract/shared-pictures';
import { parseContent, type ParsingDeps } from './parse';
import { UploadOutput, uploadRecipe, type UploadDeps } from './upload';

export const RECIPE_PIPELINE = 'recipe';

/** What a recipe item works on: what the person shared, with the link found in it. */
export const ShareInput = z.object({
	/** Null when pictures were shared without a link. */
	url: z.string().nullable(),
	text: z.string().nullable().optional(),
	title: z.string().nullable().optional(),
	/** Import again: the library recipe this item reads anew and updates in place. */
	recipeId: z.uuid().nullable().optional(),
	/** Pictures shared instead of a link (shared_files), read as one recipe in this order. */
	imageFileIds: z.array(z.uuid()).min(1).max(MAX_SHARED_IMAGES).optional()
});
export type ShareInput = z.infer<typeof ShareInput>;

/** extraction → parsing → uploading, registered with the engine by the app's composition root. */
export function recipePipeline(deps: ExtractionDeps & Omit<ParsingDeps, 'sharedPictures'> & UploadDeps & { loadSharedPictures: LoadSharedPictures }): PipelineDefinition {
	return PipelineBuilder.create(RECIPE_PIPELINE, ShareInput)
		// Fetches the shared link (through the safe fetcher) and reads what later phases need; shared pictures are only checked.
		.phase('extraction', ExtractedContent, ({ item, signal, progress }) => {
			const { url, imageFileIds } = item.input;
			if (imageFileIds) return extractPictures({ ...item.input, userId: item.userId, fileIds: imageFileIds }, deps.loadSharedPictures);
			if (!url) throw new PermanentError('no_link', 'nothing to read: no link and no pictures were shared');
			return extractLink(url, (url, signal) => deps.fetchPage(url, signal, { userId: item.userId }), signal, progress);
		})
		.phase('parsing', Recipe, ({ item, outputs, signal, progress, log }) =>
			parseContent(outputs.extraction, { ...deps, sharedPictures: (ids) => deps.loadSharedPictures(item.userId, ids) }, { signal, progress, log })
		)
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
