import type { z } from 'zod';
import { RecipeDraft } from '../../../../contract/recipe';
import type { LlmClient } from '../../../llm/chat-json';
import type { ExtractedContent } from '../extract';
import { parseIngredientLine } from '../../../../ingredients/ingredient-line';

/** What the parsing phase needs of a language model. */
export type DraftWriter = Pick<LlmClient, 'completeJson'>;

const SYSTEM = [
	'You turn the text of a recipe (a web page or a social media caption) into structured data.',
	'Use only what the text says: never invent ingredients, steps, amounts, times or servings; use null where the text is silent.',
	'title: the dish’s name, not the author’s or the platform’s. Keep the source’s language for titles, ingredients and steps, in the source’s order.',
	'Ingredients: text is the line as written; quantity is its first amount as a number (½ → 0.5, "1 1/2" → 1.5); quantityMax the top of a range ("2-3" → 3) else null;',
	'unit a singular English unit name (teaspoon, tablespoon, cup, gram, kilogram, milliliter, liter, ounce, pound, pinch, clove, can, package, slice, bunch, …) or null for a plain count;',
	'name the food without amount, size or preparation; comment the size, preparation and remarks, else null.',
	'Group ingredients and steps under the section names the text gives ("For the sauce"), else one group with name null.',
	'Times in whole minutes. tags: at most five short keywords the text itself suggests (cuisine, course, main ingredient).',
	'If the text holds no recipe, answer with empty ingredientGroups and stepGroups.'
].join(' ');

/**
 * The least text that holds the recipe: a post's caption, or the lines extraction found, or
 * (only when there is nothing better) the page's main text — cut to the configured limit.
 */
export function draftInput(content: ExtractedContent, maxChars: number): string | null {
	const r = content.recipe;
	let body: string | null;
	if (r?.source === 'caption' || (!r && content.text)) body = content.text;
	else if (r) body = [r.title, r.yields, 'Ingredients:', ...r.ingredients, 'Method:', ...r.instructions].filter(Boolean).join('\n');
	else body = null;
	if (!body?.trim()) return null;
	const head = [content.canonicalUrl ? `Source: ${content.canonicalUrl}` : null, content.title ? `Page title: ${content.title}` : null].filter(Boolean).join('\n');
	return `${head}\n\n${body}`.slice(0, maxChars);
}

/**
 * A language model's reading of the recipe, validated against the model; null when it found none.
 * `schema` asks for more than the draft (a case's own fields) in the same answer.
 */
export async function draftByModel<D extends RecipeDraft = RecipeDraft>(
	writer: DraftWriter,
	input: string,
	signal?: AbortSignal,
	more: { system?: string; images?: readonly string[]; schema?: z.ZodType<D> } = {}
): Promise<D | null> {
	const { value } = await writer.completeJson<D>({
		system: more.system ? `${SYSTEM} ${more.system}` : SYSTEM,
		user: input,
		images: more.images,
		schema: more.schema ?? (RecipeDraft as unknown as z.ZodType<D>),
		schemaName: 'recipe',
		signal,
		prepare: recipeAnswer
	});
	const ingredients = value.ingredientGroups.reduce((n, g) => n + g.ingredients.length, 0);
	const steps = value.stepGroups.reduce((n, g) => n + g.steps.length, 0);
	return ingredients + steps > 0 ? value : null;
}

/** The draft's field, and the names models write for it unasked (schema.org's, everyday words). */
const ALIASES: Record<string, readonly string[]> = {
	title: ['name', 'recipeName', 'dish'],
	yields: ['recipeYield', 'yield'],
	servings: ['serves', 'portions'],
	ingredientGroups: ['recipeIngredient', 'recipeIngredients', 'ingredients'],
	stepGroups: ['recipeInstructions', 'instructions', 'steps', 'method', 'directions'],
	tags: ['keywords']
};

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A model's answer in the draft's names and shapes: aliases renamed, flat lists of lines (as a
 * model without the schema writes them) made into one unnamed group, ingredient lines read by
 * the rules, a numeric `yields` kept as words. Anything else is left for zod to judge.
 */
export function recipeAnswer(answer: unknown): unknown {
	if (!isRecord(answer)) return answer;
	const out: Record<string, unknown> = { ...answer };
	for (const [field, names] of Object.entries(ALIASES)) {
		for (const name of names) {
			if (out[field] === undefined && out[name] !== undefined) out[field] = out[name];
		}
	}
	if (typeof out.yields === 'number') out.yields = String(out.yields);
	if (typeof out.servings === 'string') out.servings = Number(/\d+(?:\.\d+)?/.exec(out.servings)?.[0] ?? NaN) || null;
	out.ingredientGroups = asGroups(out.ingredientGroups, 'ingredients', (line) => (typeof line === 'string' ? parseIngredientLine(line) : line));
	out.stepGroups = asGroups(out.stepGroups, 'steps', (step) => (isRecord(step) && typeof step.text === 'string' ? step.text : step));
	if (out.tags === undefined) out.tags = [];
	if (typeof out.tags === 'string') out.tags = out.tags.split(',').map((t) => t.trim()).filter(Boolean);
	return out;
}

function asGroups(value: unknown, key: 'ingredients' | 'steps', item: (v: unknown) => unknown): unknown {
	if (!Array.isArray(value)) return value;
	// Already groups: only their members may need reading.
	if (value.every((g) => isRecord(g) && Array.isArray(g[key]))) {
		return value.map((g) => ({ name: null, ...(g as object), [key]: ((g as Record<string, unknown>)[key] as unknown[]).map(item) }));
	}
	return value.length ? [{ name: null, [key]: value.map(item) }] : [];
}
