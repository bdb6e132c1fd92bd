/**
 * Which parts of a line's reading are unsure, so the person is asked to check that line rather
 * than all of them. It judges any reading — the rules', a language model's — from the line's text
 * and the reading alone:
 * - `amount`: the line states a number (or starts with a number word), yet no amount was read;
 * - `unit`: the reading names a unit Cookmark does not know, or the word written right after the
 *   amount looks like an abbreviated unit (glued to the number, cut short with a dot, or Latin
 *   letters without a vowel: "1 dstspn", "2 ст. сахара") and was not read as one;
 * - `food`: no food was found.
 * On the 3,000 labelled lines of the corpus it marks 2, both misread; the shapes it looks for are
 * those of captions and hand-typed lines, not of recipe sites.
 */
import type { Ingredient, IngredientGroup, ReviewReason, SavedIngredient } from '../contract/recipe';
import { numberWord } from './amounts';
import { tokenize, type Token } from './tokens';
import { canonicalUnit, readUnit } from './units';
import { MEASURE_SIZES, SIZES } from './vocabulary';

const LATIN_WORD = /^[a-z]+$/i;
const VOWEL = /[aeiouy]/i;
/** Glued to a number without being a unit: "2x", "1st", "3rd". */
const GLUED_WORDS = new Set(['x', 'st', 'nd', 'rd', 'th']);

function statesAmount(tokens: readonly Token[]): boolean {
	return tokens.some((t) => t.kind === 'num') || numberWord(tokens[0]) !== null;
}

/** The word written after the line's first number, if it looks like a unit the reader skipped. */
function skippedUnit(tokens: readonly Token[]): boolean {
	let k = tokens.findIndex((t) => t.kind === 'num');
	if (k < 0) return false;
	while (tokens[k]?.kind === 'num' || (tokens[k]?.text === '-' && tokens[k + 1]?.kind === 'num')) k++;
	const word = tokens[k];
	if (!word || word.kind !== 'word' || readUnit(tokens, k)) return false;
	if (SIZES.has(word.lower) || MEASURE_SIZES.has(word.lower) || GLUED_WORDS.has(word.lower)) return false;
	const glued = !word.space && tokens[k - 1]?.kind === 'num';
	const cut = tokens[k + 1]?.text === '.' && !tokens[k + 1]!.space && word.text.length <= 5;
	const vowelless = LATIN_WORD.test(word.text) && !VOWEL.test(word.text) && word.text.length <= 6;
	return glued || cut || vowelless;
}

export function reviewReasons(ingredient: Ingredient): ReviewReason[] {
	const tokens = tokenize(ingredient.text);
	const reasons: ReviewReason[] = [];
	if (ingredient.quantity === null && statesAmount(tokens)) reasons.push('amount');
	const unknownUnit = ingredient.unit !== null ? canonicalUnit(ingredient.unit) === null : ingredient.quantity !== null && skippedUnit(tokens);
	if (unknownUnit) reasons.push('unit');
	if (ingredient.name === null) reasons.push('food');
	return reasons;
}

/** The reading with its review marks; a line with nothing unsure has no `review` key at all. */
export function markForReview(ingredient: Ingredient | SavedIngredient): SavedIngredient {
	const { review: _, ...reading } = ingredient as SavedIngredient;
	const reasons = reviewReasons(reading);
	return reasons.length ? { ...reading, review: reasons } : reading;
}

/** Every line of the groups marked: what an import saves. */
export const markGroups = (groups: readonly IngredientGroup[]) => groups.map((g) => ({ ...g, ingredients: g.ingredients.map(markForReview) }));

/** What each mark asks the person to check, in words. */
export const reviewHints: Record<ReviewReason, string> = {
	amount: 'the amount was not read',
	unit: 'the unit is not one Cookmark knows',
	food: 'no food was found'
};
