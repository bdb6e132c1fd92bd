import type { Ingredient, IngredientGroup } from './contract/recipe';
import { formatQuantity } from './format';

/**
 * Scaling a recipe to another number of servings: the factor, the scaled amounts and how they
 * read. Pure, so the recipe page can rescale on every keystroke without asking the server.
 */

/**
 * servings wanted ÷ servings stated. 1 (the recipe as written) when either is missing or not a
 * positive number, so a half-typed field never turns amounts into 0 or NaN.
 */
export function scaleFactor(wanted: number | null | undefined, stated: number | null | undefined): number {
	if (wanted == null || stated == null) return 1;
	if (!Number.isFinite(wanted) || !Number.isFinite(stated) || wanted <= 0 || stated <= 0) return 1;
	return wanted / stated;
}

/** An ingredient with its amounts multiplied; "to taste" (no amount) stays without one. */
export function scaleIngredient(ingredient: Ingredient, factor: number): Ingredient {
	if (factor === 1) return ingredient;
	return {
		...ingredient,
		quantity: ingredient.quantity === null ? null : ingredient.quantity * factor,
		quantityMax: ingredient.quantityMax === null ? null : ingredient.quantityMax * factor
	};
}

export function scaleGroups(groups: IngredientGroup[], factor: number): IngredientGroup[] {
	if (factor === 1) return groups;
	return groups.map((g) => ({ ...g, ingredients: g.ingredients.map((i) => scaleIngredient(i, factor)) }));
}

/**
 * A scaled amount as a cook would write it. Below 10, formatQuantity's fractions (⅓ cup, 1½ tsp);
 * from 10 a fraction only when it lands on one (12½), otherwise a whole number; from 100 always a
 * whole number: 333.33 g of flour reads as 333 g, since nobody weighs a third of a gram.
 */
export function displayQuantity(n: number): string {
	if (n >= 100) return String(Math.round(n));
	const text = formatQuantity(n);
	return n >= 10 && text.includes('.') ? String(Math.round(n)) : text;
}

/**
 * An ingredient's amount at `factor` times the recipe: "2", "2–3", or "" when the line has none.
 * Unscaled amounts show as the source stated them (only formatQuantity's fractions); scaled ones
 * are rounded the way displayQuantity says.
 */
export function displayAmount(ingredient: Pick<Ingredient, 'quantity' | 'quantityMax'>, factor = 1): string {
	const { quantity, quantityMax } = ingredient;
	if (quantity === null) return '';
	const show = factor === 1 ? formatQuantity : displayQuantity;
	const low = show(quantity * factor);
	if (quantityMax === null) return low;
	const high = show(quantityMax * factor);
	return high === low ? low : `${low}–${high}`;
}
