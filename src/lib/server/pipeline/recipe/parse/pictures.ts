import { z } from 'zod';
import { RecipeDraft } from '../../../../contract/recipe';
import type { PhaseContext } from '../../../queue/pipeline';
import { PermanentError } from '../../../failures/errors';
import type { ExtractedContent } from '../extract';
import { picturesGone, sharedPictureUrl } from '../extract/shared-pictures';
import { draftByModel, type DraftWriter } from './llm-draft';

/** What reading shared pictures needs: a chat model that sees pictures, and the stored pictures. */
export interface PictureReading {
	llm: DraftWriter | null;
	llmMaxInputChars: number;
	/** Whether the chat model reads pictures (LLM_VISION). */
	llmVision?: boolean;
	/** The item's shared pictures by id, in the order asked. Without it (the CLI) they are not read. */
	sharedPictures?: (ids: readonly string[]) => Promise<{ id: string; contentType: string; bytes: Uint8Array }[]>;
}

type Ctx = Pick<PhaseContext, 'signal' | 'progress'>;

const NOTE =
	'The recipe is in the pictures that follow: screenshots or photos of a recipe (a page, a book, a card, a handwritten note), in order; read it from them, as written. ' +
	'dishPhoto: the 0-based index of the picture that is a photo of the finished dish itself (not of text, not of ingredients or steps being prepared), or null if none is.';

/** The draft with the one thing only pictures can say: which of them shows the dish. */
const PicturesAnswer = RecipeDraft.extend({ dishPhoto: z.number().int().min(0).nullable() });

/**
 * The recipe read from pictures a person shared: each goes to the chat model as an image part
 * (a data: URL of the stored, re-encoded bytes), with the words that came with them. Without a
 * model that reads pictures the item fails for good, saying how to set one up. The picture the
 * model names as the dish becomes the recipe's picture (as a reference to the stored file).
 */
export async function readSharedPictures(content: ExtractedContent, deps: PictureReading, ctx: Ctx): Promise<{ draft: RecipeDraft; image: string | null } | null> {
	const shared = content.sharedPictures!;
	if (!deps.llm || !deps.llmVision || !deps.sharedPictures) throw missingVisionError(!!deps.llm);
	const files = await deps.sharedPictures(shared.fileIds);
	if (files.length !== shared.fileIds.length) throw picturesGone();
	const images = files.map((f) => `data:${f.contentType};base64,${Buffer.from(f.bytes).toString('base64')}`);
	const words = [content.title ? `Title: ${content.title}` : null, content.text ? `Shared with the pictures:\n${content.text}` : null].filter(Boolean).join('\n');
	ctx.progress(40, files.length === 1 ? 'reading the picture with the model' : `reading the ${files.length} pictures with the model`);
	const answer = await draftByModel(deps.llm, (words || 'Pictures of a recipe.').slice(0, deps.llmMaxInputChars), ctx.signal, { system: NOTE, images, schema: PicturesAnswer });
	if (!answer) return null;
	const { dishPhoto, ...draft } = answer;
	const dish = dishPhoto === null ? undefined : files[dishPhoto];
	return { draft, image: dish ? sharedPictureUrl(dish.id) : null };
}

/** Why shared pictures could not be read: the missing model, named with how to set it up. */
function missingVisionError(hasModel: boolean): PermanentError {
	return new PermanentError(
		'no_vision',
		hasModel
			? 'reading a recipe from pictures needs a chat model that reads pictures: set LLM_VISION=true (with a model that accepts images, such as gpt-4o-mini or a local llava/qwen2.5-vl)'
			: 'reading a recipe from pictures needs a chat model that reads pictures: set LLM_API_BASE_URL (and LLM_API_KEY, LLM_MODEL) to an OpenAI-compatible API and LLM_VISION=true'
	);
}
