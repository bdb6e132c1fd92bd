import type { Ingredient } from '../../contract/recipe';
import { canonicalUnit } from '../../ingredients/units';

/**
 * What recipe managers cannot hold in their amount fields, in the words of their notes. Neither
 * Tandoor nor Mealie has a range: "2–3 cups" is stored as 2 with "up to 3" in the note.
 */
export function rangeNote(ingredient: Pick<Ingredient, 'quantity' | 'quantityMax' | 'comment'>): string {
	const { quantity, quantityMax } = ingredient;
	const range = quantity !== null && quantityMax !== null && quantityMax > quantity ? `up to ${amountText(quantityMax)}` : '';
	const comment = ingredient.comment ?? '';
	return range && comment ? `${comment} (${range})` : range || comment;
}

const amountText = (n: number) => String(Math.round(n * 1000) / 1000);

const lower = (s: string | null | undefined) => (s ?? '').trim().toLowerCase();

/**
 * The person's own unit for one of our canonical units: by name first, then any of its spellings
 * (plural, abbreviation, alias, Tandoor's base unit) that the ingredient parser's vocabulary
 * reads as that unit, so a person's "g" is used for "gram" instead of a second unit beside it.
 */
export function findUnit<T>(units: readonly T[], canonical: string, spellings: (unit: T) => (string | null | undefined)[]): T | null {
	const name = lower(canonical);
	const all = (u: T) => spellings(u).filter((s): s is string => !!s?.trim());
	return (
		units.find((u) => lower(all(u)[0]) === name) ??
		units.find((u) => all(u).some((s) => lower(s) === name || canonicalUnit(s) === name || canonicalUnit(s.replaceAll('_', ' ')) === name)) ??
		null
	);
}

/**
 * A nutrient's number alone, as both managers store it beside a unit of their own (kcal, g, and
 * mg for sodium, so sodium given in grams is converted).
 */
export function nutrientAmount(text: string | null, milligrams = false): number | null {
	const digits = text?.match(/\d[\d.,]*/)?.[0].replace(/[.,]+$/, '');
	if (!text || !digits) return null;
	// "1,200 kcal" has a thousands separator, "2,5 g" a decimal comma.
	const number = Number.parseFloat(/^\d{1,3}(,\d{3})+$/.test(digits) ? digits.replaceAll(',', '') : digits.replace(',', '.'));
	if (!Number.isFinite(number)) return null;
	const inGrams = milligrams && /\d\s*g\b|grams?\b/i.test(text) && !/mg|milligram/i.test(text);
	return inGrams ? Math.round(number * 1_000_000) / 1000 : number;
}
