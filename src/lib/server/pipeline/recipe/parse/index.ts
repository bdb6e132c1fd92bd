import { Recipe, type RecipeDraft } from '../../../../contract/recipe';
import { markGroups } from '../../../../ingredients/review';
import type { PhaseContext } from '../../../queue/pipeline';
import { LlmAnswerError } from '../../../llm/chat-json';
import { JobError, PermanentError } from '../../../failures/errors';
import type { ExtractedContent } from '../extract';
import { draftInput, draftByModel, type DraftWriter } from './llm-draft';
import { draftByRules, recipeSource } from './structure';
import { missingServiceError, readPostMedia, wantsMedia, type SpokenDeps } from './spoken';
import { readSharedPictures, type PictureReading } from './pictures';

export interface ParsingDeps extends SpokenDeps, PictureReading {
	/** A language model for recipes told in prose (captions, pages without structured data); null without one. */
	llm: DraftWriter | null;
	/** The most text ever sent to it. */
	llmMaxInputChars: number;
}

const trusted = (content: ExtractedContent) => content.recipe?.source === 'json-ld' || content.recipe?.source === 'microdata';

/**
 * Turns what extraction found into the recipe model. Structured data is taken as the page gives
 * it; a caption or a page's prose goes to the language model when one is configured, and its
 * answer is validated; Cookmark's own rules are the fallback, and a text without a recipe is
 * reported as such rather than made into one.
 */
export async function parseContent(content: ExtractedContent, deps: ParsingDeps, ctx: Pick<PhaseContext, 'signal' | 'progress' | 'log'>): Promise<Recipe> {
	// Lines any reader was unsure of are marked for the person to check, whichever reader it was.
	const finish = (draft: RecipeDraft, parsedBy: Recipe['parsedBy'], readFrom?: Recipe['readFrom']): Recipe =>
		Recipe.parse({ ...draft, ingredientGroups: markGroups(draft.ingredientGroups), ...recipeSource(content), parsedBy, ...(readFrom ? { readFrom } : {}) });
	// Pictures shared instead of a link: only a model that sees them can read them.
	if (content.sharedPictures) {
		const read = await readSharedPictures(content, deps, ctx);
		if (!read) throw new PermanentError('no_recipe', 'no recipe found in the pictures');
		return { ...finish(read.draft, 'llm', 'pictures'), image: read.image };
	}
	if (trusted(content)) {
		const draft = draftByRules(content);
		if (draft) return finish(draft, 'structured-data');
	}
	// A post whose caption has no recipe: its video's words or its pictures, with the caption.
	if (wantsMedia(content)) {
		const read = await readPostMedia(content, deps, ctx);
		if (read) return finish(read.draft, 'llm', read.readFrom);
	}
	let modelFailure: JobError | null = null;
	const input = deps.llm && !trusted(content) ? draftInput(content, deps.llmMaxInputChars) : null;
	if (deps.llm && input) {
		ctx.progress(30, 'reading the recipe with the language model');
		try {
			const draft = await draftByModel(deps.llm, input, ctx.signal);
			if (draft) return finish(draft, 'llm');
		} catch (err) {
			// 429s, 5xx and timeouts go back to the engine to retry; a bad answer or a refused
			// key falls back to the rules, so a misconfigured model does not lose recipes.
			if (err instanceof JobError && err.kind === 'retryable') throw err;
			ctx.log.warn({ err }, 'the language model gave no usable recipe; using the rules');
			// An unusable answer is not the recipe's fault; a refused key or a wrong model name is worth saying.
			if (err instanceof PermanentError && !(err instanceof LlmAnswerError)) modelFailure = err;
		}
	}
	ctx.progress(70, 'reading ingredients and steps');
	const draft = draftByRules(content);
	if (draft) return finish(draft, 'rules');
	if (modelFailure) throw modelFailure;
	throw missingServiceError(content, deps) ?? new PermanentError('no_recipe', content.url === null ? 'no recipe found in the text you shared' : content.isPost ? 'no recipe found in this post' : 'no recipe found on this page');
}
