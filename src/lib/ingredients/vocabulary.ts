/**
 * The few word lists the ingredient-line parser needs: sizes, preparation, and the words that start
 * a remark. General cooking English, not any site's foods.
 */
import type { Token } from './tokens';

/** Sizes of the thing itself: never part of its name ("2 large carrots" → carrots). */
export const SIZES = new Set([
	'small', 'medium', 'large', 'big', 'lg', 'sm', 'md', 'med', 'lrg', 'xl', 'jumbo', 'smallish', 'largish', 'extra-large',
	'extra-small', 'medium-size', 'medium-sized', 'large-size', 'large-sized', 'small-size', 'small-sized', 'good-size',
	'good-sized', 'mid-sized', 'bite-size', 'bite-sized', 'tiny', 'miniature'
]);

/** How full a spoon or cup is, or how generous a handful: before a unit they are no part of it. */
export const MEASURE_SIZES = new Set([
	'heaped', 'heaping', 'level', 'levelled', 'leveled', 'scant', 'generous', 'good', 'rounded', 'full', 'thick', 'thin',
	'very', 'extra', 'nice', 'fat', 'whole', 'short', 'long', 'little', 'tiny', 'huge', 'healthy', 'bare', 'packed',
	'firmly', 'lightly', 'loosely', 'well'
]);

/** Amount-like words before or after a number that are remarks ("About 3 cups", "Pinch each"). */
export const LEAD_INS = new Set([
	'about', 'approximately', 'approx', 'around', 'roughly', 'nearly', 'almost', 'some', 'enough', 'each', 'up', 'circa', 'ca',
	'more', 'another', '~', '≈'
]);

/**
 * Preparation words: done to the food, not which food it is ("chopped", "peeled", "melted"). Words
 * that name a kind of food in shops ("ground" cumin, "smoked", "dried", "pitted", "roasted",
 * "whipped" cream) are deliberately not here.
 */
export const PREPARATION = new Set([
	'chopped', 'diced', 'minced', 'sliced', 'grated', 'shredded', 'crumbled', 'cubed', 'sifted', 'melted', 'softened',
	'beaten', 'whisked', 'peeled', 'unpeeled', 'halved', 'quartered', 'packed', 'cooked', 'uncooked', 'torn', 'trimmed',
	'rinsed', 'washed', 'drained', 'julienned', 'cut', 'seeded', 'deseeded', 'cored', 'cracked', 'chilled',
	'squeezed', 'thawed', 'defrosted', 'skinned', 'steamed', 'shelled', 'mashed', 'zested', 'juiced', 'boned',
	'stemmed', 'hulled', 'scrubbed', 'shucked', 'snipped', 'slivered', 'boiled', 'separated', 'sieved', 'strained', 'warmed',
	'heated', 'deboned', 'cleaned', 'deveined', 'soaked', 'dissolved', 'divided', 'picked', 'removed', 'shaved', 'crisped',
	'broken', 'spiralized', 'tossed', 'cooled', 'scalded', 'refrigerated', 'bruised', 'smashed', 'pressed', 'rolled',
	'segmented', 'sectioned', 'stoned', 'pared', 'rehydrated', 'reconstituted', 'dusted', 'wiped',
	'de-seeded', 'de-stemmed', 'de-boned', 'de-veined', 'room-temperature', 'at-room-temperature'
]);

/** Say how something is prepared, with a participle after them ("finely chopped", "well drained"). */
const ADVERBS = new Set(['well', 'very', 'freshly', 'finely', 'coarsely', 'roughly', 'thinly', 'thickly', 'lightly', 'loosely', 'firmly']);

/** Participles that are part of a shop-bought food's name unless an adverb says how ("finely ground"). */
const KIND_PARTICIPLES = new Set(['ground', 'crushed', 'dried', 'frozen', 'roasted', 'toasted', 'smoked', 'flaked', 'blanched', 'grilled']);
/** Kinds that are preparation after other preparation ("chopped toasted pecans", but "toasted sesame oil"). */
export const SECOND_PREPARATION = new Set(['toasted', 'crushed']);

/** Starts a remark after the food's name ("for serving", "to taste", "such as", "optional"). */
export const REMARK_STARTS = new Set([
	'for', 'to', 'taste', 'such', 'optional', 'optionally', 'if', 'as', 'at', 'plus', '+', 'divided', 'preferably', 'ideally',
	'approximately', 'about', 'each', 'see', 'eg', 'e.g', 'ie', 'i.e', 'like', 'note', 'notes', 'according', 'depending',
	'enough', 'per', 'reserved', 'only', 'cut', 'sliced', 'chopped', 'diced', 'minced', 'grated', 'peeled', 'torn', 'halved',
	'quartered', 'crushed', 'shredded', 'cubed', 'broken', 'trimmed', 'softened', 'melted', 'beaten', 'drained', 'rinsed',
	'room', 'around', 'roughly', 'finely', 'thinly', 'coarsely', 'freshly', 'lightly', 'well', 'chilled', 'warmed',
	'at-room-temperature', 'room-temperature', 'store-bought', 'homemade', 'recipe', 'without'
]);

/** A phrase starting with one of these is a remark, whatever follows ("or to taste", "like corn or canola"). */
export const STRONG_REMARKS = new Set([
	'for', 'to', 'such', 'optional', 'optionally', 'if', 'as', 'at', 'plus', '+', 'taste', 'see', 'per', 'according',
	'depending', 'eg', 'e.g', 'ie', 'i.e', 'preferably', 'ideally', 'divided', 'note', 'notes', 'like', 'only', 'into', 'in',
	'with', 'until', 'on', 'from', 'by', 'then', 'through', 'before', 'off', 'when', 'unless', 'i', 'we', 'you'
]);

/** After "or" these make a remark ("or more to taste", "or as needed", "or so"). */
export const OR_REMARKS = new Set(['more', 'less', 'to', 'as', 'so', 'your', 'similar', 'use', 'until']);

export { ADVERBS };

/** Words after which a preparation word ends the name ("mushrooms cut into cubes", "paste mixed with water"). */
export const AFTER_PREPARATION = new Set([
	'into', 'in', 'with', 'to', 'until', 'and', 'or', 'then', 'on', 'from', 'at', 'for', 'by', 'lengthwise', 'crosswise',
	'thinly', 'finely', 'roughly', 'coarsely', 'small', 'fine', 'thin', 'thick', 'up', 'off', 'through', 'before', 'just'
]);

/** Describing words that may stand alone before a comma ("skinless, boneless chicken", "ripe, sweet grapefruit"). */
export function isAdjective(token: Token | undefined): boolean {
	if (!token || token.kind !== 'word') return false;
	const w = token.lower;
	return ADJECTIVES.has(w) || /^[a-z]{3,}(less|ed|ful|ous)$/.test(w);
}
const ADJECTIVES = new Set([
	'hot', 'cold', 'warm', 'ripe', 'unripe', 'firm', 'lean', 'whole', 'fresh', 'sweet', 'raw', 'dry', 'soft', 'hard', 'mild',
	'fine', 'coarse', 'plain', 'light', 'dark', 'young', 'tender', 'crisp', 'crispy', 'organic', 'wild', 'thin', 'thick', 'firm',
	'seedless', 'frozen', 'large', 'small', 'medium', 'good', 'fat', 'juicy', 'crusty', 'sharp', 'aged', 'day-old', 'very',
	'organic', 'unwaxed', 'canned', 'tinned'
]);

/** Is this word preparation at the start of a name ("chopped walnuts", "finely grated zest")? */
export function isPreparation(token: Token | undefined, next: Token | undefined): boolean {
	if (!token || token.kind !== 'word') return false;
	const w = token.lower;
	if (PREPARATION.has(w)) return true;
	// An adverb before a participle: "lightly toasted", "freshly squeezed", "coarsely ground" (even
	// though "ground" alone is a kind of food), "well drained".
	if ((ADVERBS.has(w) || /^[a-z]+ly$/.test(w)) && isParticiple(next)) return true;
	// "thinly-sliced", "finely-chopped", "well-chilled"
	const parts = w.split('-');
	const [first = '', second = ''] = parts;
	return parts.length === 2 && (ADVERBS.has(first) || /ly$/.test(first)) && (PREPARATION.has(second) || KIND_PARTICIPLES.has(second) || /ed$/.test(second));
}

/** A past participle ("chopped", "ground", "torn", "frozen", "beaten"). */
export function isParticiple(token: Token | undefined): boolean {
	if (!token || token.kind !== 'word') return false;
	const w = token.lower;
	return PREPARATION.has(w) || KIND_PARTICIPLES.has(w) || /^[a-z]{3,}(ed|en)$/.test(w);
}
