import type { Ingredient, IngredientGroup, StepGroup } from '../../../../contract/recipe';
import { SHOUTED } from '../extract/headings';

/**
 * Lists as sources print them mix section names in with their lines ("For the sauce:",
 * "DRESSING", a HowToSection's name). These rules tell the two apart and group the lines.
 */

const AMOUNT = /\d|[¼-¾⅐-⅞]/;
/** "For the sauce", "Für den Teig", "Pour la pâte", "Para la salsa", "Per il ripieno", "Voor de saus". */
const FOR_THE = /^(?:for(?: the)?|für(?: den| die| das)?|pour(?: la| le| les| l’| l')?|para(?: el| la| los| las)?|per(?: il| la| lo| i| le)?|voor(?: de| het)?)\s+\p{L}/iu;
const heading = (line: string) => line.replace(/[:：]\s*$/, '').trim().slice(0, 200);

/** Is this ingredient line the name of a section rather than an ingredient? */
export function isIngredientHeading(line: string): boolean {
	const t = line.trim();
	if (!t || t.length > 60 || AMOUNT.test(t)) return false;
	if (/[:：]$/.test(t)) return true;
	if (FOR_THE.test(t) && !t.includes(',')) return true;
	// "DRESSING", "TOPPING": a shouted word or two, not a shouted food line ("SALT AND PEPPER" has three).
	return SHOUTED.test(t) && t.split(/\s+/).length <= 2 && /\p{L}{3}/u.test(t);
}

/** `headings`: the lines extraction knows to be group names (the page's headings over the data's lines). */
export function ingredientGroups(lines: string[], parse: (line: string) => Ingredient, headings: readonly string[] = []): IngredientGroup[] {
	const named = new Set(headings);
	const groups: IngredientGroup[] = [];
	let current: IngredientGroup = { name: null, ingredients: [] };
	for (const line of lines) {
		if (named.has(line) || isIngredientHeading(line)) {
			if (current.ingredients.length || current.name) groups.push(current);
			current = { name: heading(line), ingredients: [] };
		} else {
			current.ingredients.push(parse(line));
		}
	}
	groups.push(current);
	return groups.filter((g) => g.ingredients.length > 0);
}

/** A step that names what follows ("Make the dough:"), not one that does something. */
const STEP_HEADING = /^[^.!?]{1,60}[:：]$/u;

export function stepGroups(lines: string[], headings: readonly string[] = []): StepGroup[] {
	const named = new Set(headings);
	const groups: StepGroup[] = [];
	let current: StepGroup = { name: null, steps: [] };
	for (const line of lines) {
		if (named.has(line) || STEP_HEADING.test(line.trim())) {
			if (current.steps.length || current.name) groups.push(current);
			current = { name: heading(line), steps: [] };
		} else {
			current.steps.push(line);
		}
	}
	groups.push(current);
	return groups.filter((g) => g.steps.length > 0);
}
