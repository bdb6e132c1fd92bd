import { and, eq, isNull, sql } from 'drizzle-orm';
import { allIngredients, Recipe, type SavedIngredient } from '../../contract/recipe';
import type { RecipePatch } from '../../contract/recipe-edit';
import { parseIngredientLine } from '../../ingredients/ingredient-line';
import type { Database } from '../db/client';
import { recipes } from '../db/schema';
import { recipeColumns, recipeOf, UUID, type RecipeRow } from './library';

export type EditOutcome = { ok: true; row: RecipeRow } | { ok: false; reason: 'missing' | 'outdated' };

/**
 * The ingredient lines after an edit. A line the recipe already has, word for word, keeps its
 * reading (perhaps a language model's, which the rules would only make worse) and its review
 * marks, unless the person says they checked it. A line that is new or changed is read by the
 * rules, as the edit page previewed it, and carries no mark: the person just looked at it.
 */
function editedIngredients(stored: Recipe, groups: NonNullable<RecipePatch['ingredientGroups']>): Recipe['ingredientGroups'] {
	const known = new Map<string, SavedIngredient[]>();
	for (const ingredient of allIngredients(stored)) known.set(ingredient.text, [...(known.get(ingredient.text) ?? []), ingredient]);
	return groups
		.filter((g) => g.lines.length > 0)
		.map((g) => ({
			name: g.name,
			ingredients: g.lines.map((line) => {
				const { text, reviewed } = typeof line === 'string' ? { text: line, reviewed: false } : line;
				const same = known.get(text)?.shift();
				if (!same) return parseIngredientLine(text);
				if (!reviewed) return same;
				const { review: _, ...reading } = same;
				return reading;
			})
		}));
}

/** Tags once each, whatever their case, in the order given. */
function distinctTags(tags: string[]): string[] {
	const seen = new Set<string>();
	return tags.filter((t) => !seen.has(t.toLowerCase()) && seen.add(t.toLowerCase()));
}

/** The recipe with the patch applied; what the patch leaves out stays as it was. */
export function applyPatch(recipe: Recipe, patch: RecipePatch): Recipe {
	const { ingredientGroups, stepGroups, tags, ...fields } = patch;
	return Recipe.parse({
		...recipe,
		...Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)),
		...(tags ? { tags: distinctTags(tags) } : {}),
		...(ingredientGroups ? { ingredientGroups: editedIngredients(recipe, ingredientGroups) } : {}),
		...(stepGroups ? { stepGroups: stepGroups.filter((g) => g.steps.length > 0) } : {})
	});
}

/**
 * Applies a person's edit to one of their recipes: the `data` and the columns the library lists
 * and searches by (title, description). The row is locked while the patch is applied, so two
 * edits at once (two tabs, or a phone and a laptop) each apply to what the other saved.
 */
export async function editRecipe(database: Database, userId: string, id: string, patch: RecipePatch): Promise<EditOutcome> {
	if (!UUID.test(id)) return { ok: false, reason: 'missing' };
	return database.db.transaction(async (tx) => {
		const [row] = await tx
			.select(recipeColumns)
			.from(recipes)
			.where(and(eq(recipes.id, id.toLowerCase()), eq(recipes.userId, userId), isNull(recipes.deletedAt)))
			.for('update', { of: recipes });
		if (!row) return { ok: false, reason: 'missing' } as const;
		const recipe = recipeOf(row);
		if (!recipe) return { ok: false, reason: 'outdated' } as const;
		const next = applyPatch(recipe, patch);
		const [saved] = await tx
			.update(recipes)
			.set({ title: next.title, description: next.description, data: next, updatedAt: sql`now()` })
			.where(eq(recipes.id, row.id))
			.returning(recipeColumns);
		return { ok: true, row: saved! } as const;
	});
}
