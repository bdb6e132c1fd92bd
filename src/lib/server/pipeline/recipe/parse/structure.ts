import { MAX_MINUTES, schemaOrgNutrients, type Nutrition, type Recipe, type RecipeDraft } from '../../../../contract/recipe';
import type { ExtractedContent } from '../extract';
import { parseIngredientLine } from '../../../../ingredients/ingredient-line';
import { ingredientGroups, stepGroups } from './sections';
import { servingsOf } from './servings';

/** The facts about a recipe that come from its page, not from reading its text. */
export type RecipeSource = Pick<Recipe, 'image' | 'sourceUrl' | 'siteName' | 'author' | 'nutrition'>;

function nutritionOf(values: Record<string, string> | null | undefined): Nutrition | null {
	if (!values) return null;
	const out: Nutrition = { calories: null, fat: null, saturatedFat: null, carbohydrates: null, sugar: null, fiber: null, protein: null, sodium: null };
	// A value without a number ("calories": " calories", a card's empty template) states nothing.
	for (const [field, key] of schemaOrgNutrients) out[field] = /\d/.test(values[key] ?? '') ? values[key]!.slice(0, 40) : null;
	return Object.values(out).some(Boolean) ? out : null;
}

const httpUrl = (u: string | null | undefined) => (u && /^https?:\/\//i.test(u) ? u : null);

export function recipeSource(content: ExtractedContent): RecipeSource {
	return {
		image: httpUrl(content.image ?? content.recipe?.image),
		sourceUrl: content.canonicalUrl,
		siteName: content.siteName,
		author: content.recipe?.author ?? content.author,
		nutrition: nutritionOf(content.recipe?.nutrition)
	};
}

const fallbackTitle = (content: ExtractedContent) => content.title ?? (content.canonicalUrl ? new URL(content.canonicalUrl).hostname : 'Shared recipe');

/**
 * The recipe by Cookmark's own rules, from what extraction found: each ingredient line parsed
 * into amount, unit and food, section names made into groups. Null when there is no recipe.
 */
/** A duration the recipe model holds (whole minutes up to MAX_MINUTES); a page's "PT99999H" or 86400.5 is none. */
const minutesOrNull = (m: number | null | undefined) => (m != null && Number.isInteger(m) && m >= 0 && m <= MAX_MINUTES ? m : null);

export function draftByRules(content: ExtractedContent): RecipeDraft | null {
	const r = content.recipe;
	if (!r || (r.ingredients.length === 0 && r.instructions.length === 0)) return null;
	const prep = minutesOrNull(r.prepTime);
	const cook = minutesOrNull(r.cookTime);
	return {
		title: (r.title ?? fallbackTitle(content)).slice(0, 300),
		description: (r.description ?? content.description)?.slice(0, 2000) ?? null,
		yields: r.yields?.slice(0, 100) ?? null,
		servings: servingsOf(r.yields),
		prepMinutes: prep,
		cookMinutes: cook,
		totalMinutes: minutesOrNull(r.totalTime) ?? (prep !== null && cook !== null ? minutesOrNull(prep + cook) : null),
		ingredientGroups: ingredientGroups(r.ingredients.slice(0, 200).map((l) => l.slice(0, 500)), parseIngredientLine, r.ingredientHeadings),
		stepGroups: stepGroups(r.instructions.slice(0, 200).map((l) => l.slice(0, 5000)), r.instructionHeadings),
		tags: (r.keywords ?? []).slice(0, 30)
	};
}
