import type { Recipe, SavedIngredient } from './contract/recipe';
import type { RecipePatchInput } from './contract/recipe-edit';

/**
 * The edit page's form as plain values: a recipe made into editable fields, and the fields made
 * into the PATCH the server reads. Every list entry has a key of its own, so Svelte keeps an
 * input (and its focus) with its line when lines are added or removed around it.
 */

export interface LineDraft {
	key: number;
	text: string;
	/** The line as saved, while the text is still its text: its reading and review marks stand. */
	original: SavedIngredient | null;
	/** The person checked a marked line and left it as it is. */
	reviewed: boolean;
}
export interface IngredientSectionDraft {
	key: number;
	name: string;
	lines: LineDraft[];
}
export interface StepDraft {
	key: number;
	text: string;
}
export interface StepSectionDraft {
	key: number;
	name: string;
	steps: StepDraft[];
}
export interface RecipeForm {
	title: string;
	description: string;
	yields: string;
	servings: number | null;
	prepMinutes: number | null;
	cookMinutes: number | null;
	totalMinutes: number | null;
	/** Comma-separated, as typed. */
	tags: string;
	ingredientGroups: IngredientSectionDraft[];
	stepGroups: StepSectionDraft[];
}

let lastKey = 0;
export const nextKey = () => ++lastKey;

export const newLine = (text = ''): LineDraft => ({ key: nextKey(), text, original: null, reviewed: false });
export const newStep = (text = ''): StepDraft => ({ key: nextKey(), text });

export function formOf(recipe: Recipe): RecipeForm {
	const ingredientGroups = recipe.ingredientGroups.map((g) => ({
		key: nextKey(),
		name: g.name ?? '',
		lines: g.ingredients.map((i) => ({ key: nextKey(), text: i.text, original: i, reviewed: false }))
	}));
	const stepGroups = recipe.stepGroups.map((g) => ({ key: nextKey(), name: g.name ?? '', steps: g.steps.map((s) => newStep(s)) }));
	return {
		title: recipe.title,
		description: recipe.description ?? '',
		yields: recipe.yields ?? '',
		servings: recipe.servings,
		prepMinutes: recipe.prepMinutes,
		cookMinutes: recipe.cookMinutes,
		totalMinutes: recipe.totalMinutes,
		tags: recipe.tags.join(', '),
		// Always a section to type into, even for a recipe that lists none.
		ingredientGroups: ingredientGroups.length ? ingredientGroups : [{ key: nextKey(), name: '', lines: [newLine()] }],
		stepGroups: stepGroups.length ? stepGroups : [{ key: nextKey(), name: '', steps: [newStep()] }]
	};
}

/** Whether the line still reads as saved, so its saved reading (and marks) apply. */
export const unchanged = (line: LineDraft) => line.original !== null && line.text.trim() === line.original.text;

/** Empty number fields (and what a browser makes of half-typed ones) as null. */
const numberOrNull = (n: number | null | undefined) => (typeof n === 'number' && Number.isFinite(n) ? n : null);

/** The form as a PATCH body: blank lines, steps and sections left out, as the server would drop them. */
export function patchOf(form: RecipeForm): RecipePatchInput {
	return {
		title: form.title,
		description: form.description,
		yields: form.yields,
		servings: numberOrNull(form.servings),
		prepMinutes: numberOrNull(form.prepMinutes),
		cookMinutes: numberOrNull(form.cookMinutes),
		totalMinutes: numberOrNull(form.totalMinutes),
		tags: form.tags
			.split(',')
			.map((t) => t.trim())
			.filter(Boolean),
		ingredientGroups: form.ingredientGroups
			.map((g) => ({
				name: g.name,
				lines: g.lines
					.filter((l) => l.text.trim())
					.map((l) => (l.reviewed && unchanged(l) ? { text: l.text.trim(), reviewed: true } : l.text.trim()))
			}))
			.filter((g) => g.lines.length > 0),
		stepGroups: form.stepGroups
			.map((g) => ({ name: g.name, steps: g.steps.map((s) => s.text.trim()).filter(Boolean) }))
			.filter((g) => g.steps.length > 0)
	};
}
