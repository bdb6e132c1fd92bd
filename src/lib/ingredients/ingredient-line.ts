/**
 * One ingredient line → amount, unit, food and remarks, by rules (no model):
 * "1 (8 ounce) package cream cheese, softened" → 1 package, "cream cheese", "8 ounce, softened".
 *
 * The first amount of the line is the quantity (a range gives quantityMax); the unit is the one
 * written with that amount, a container after a size ("2 28-ounce cans" → can), or a count word
 * after the food ("2 garlic cloves" → clove). A second system ("40g/1½oz", "1 cup (240 ml)",
 * "2 tbsp plus 1 tsp") is a remark. The name is the first phrase that names a food; sizes,
 * preparation and remarks go to the comment. It never throws: odd input gives nulls.
 */
import type { Ingredient } from '../contract/recipe';
import { numberWord, readAmount, type AmountMatch } from './amounts';
import { splitName } from './name';
import { joinTokens, tokenize, type Token } from './tokens';
import { readUnit, type UnitMatch } from './units';
import { LEAD_INS, MEASURE_SIZES, SIZES } from './vocabulary';

/** Longer lines are not ingredient lines; only their start is read. */
const MAX_PARSED = 1000;
const LIMITS = { text: 500, name: 200, comment: 300, unit: 40 };

/** Count words that may follow the food they count ("2 garlic cloves", "1 celery rib"). */
const TRAILING_COUNTS = new Set(['clove', 'stalk', 'bulb', 'sprig', 'rib']);
/** Count units that need no number ("pinch of salt", "handful basil"). */
const VAGUE = new Set(['pinch', 'dash', 'handful', 'splash', 'sprig', 'knob', 'bunch', 'drop', 'slice', 'piece']);
/** Words before a number-word amount that still let it count ("Juice of one lemon", "About two cups"). */
const BEFORE_WORD_NUMBER = new Set(['of', 'from', 'about', 'approximately', 'approx', 'around', 'roughly', '~', 'generous', 'scant']);

const OF = new Set(['of', 'de', 'di', 'del', 'du', 'des']);

type Parsed = Omit<Ingredient, 'text'>;
const NOTHING: Parsed = { quantity: null, quantityMax: null, unit: null, name: null, comment: null };

const isSizeBeforeUnit = (t: Token | undefined) => !!t && t.kind === 'word' && (SIZES.has(t.lower) || MEASURE_SIZES.has(t.lower));

/** Index past the size words at `i` ("heaped", "large", "very thin"), at most three. */
function skipSizes(tokens: readonly Token[], i: number): number {
	let j = i;
	while (j < i + 3 && isSizeBeforeUnit(tokens[j])) j++;
	return j;
}

/** The first amount: any number, or a number word at the start ("One 10-ounce package", "Half a lemon"). */
function firstAmount(tokens: readonly Token[]): AmountMatch | null {
	for (let i = 0; i < tokens.length; i++) {
		const t = tokens[i]!;
		if (t.kind === 'num') return readAmount(tokens, i);
		if (t.kind !== 'word') continue;
		const startLike = i === 0 || BEFORE_WORD_NUMBER.has(tokens[i - 1]!.lower);
		if (!startLike) continue;
		const isWord = numberWord(t) !== null || ((t.lower === 'a' || t.lower === 'an') && ['half', 'dozen', 'quarter'].includes(tokens[i + 1]?.lower ?? ''));
		if (!isWord) continue;
		// "five-spice powder", "half-and-half": hyphenated to a word that is no unit, so no amount.
		if (tokens[i + 1]?.text === '-' && !tokens[i + 1]!.space) {
			const joined = tokens[i + 2];
			if (!joined || (!readUnit(tokens, i + 2) && !['half', 'quarter', 'third'].includes(joined.lower))) continue;
		}
		const amount = readAmount(tokens, i);
		if (amount) return amount;
	}
	return null;
}

/** The tokens of a bracket opening at `i`, through its closing one (or the line's end). */
function bracketEnd(tokens: readonly Token[], i: number): number {
	let depth = 0;
	for (let j = i; j < tokens.length; j++) {
		if (['(', '[', '{'].includes(tokens[j]!.text)) depth++;
		else if ([')', ']', '}'].includes(tokens[j]!.text) && --depth === 0) return j + 1;
	}
	return tokens.length;
}

/** An amount with a measure unit at `i` ("28-ounce", "8 oz", "14 1/2 ounce", "one-pound"): a size. */
function sizedAmount(tokens: readonly Token[], i: number): { end: number } | null {
	const t = tokens[i];
	if (!t || (t.kind !== 'num' && numberWord(t) === null)) return null;
	const amount = readAmount(tokens, i);
	if (!amount) return null;
	let j = amount.end;
	if (tokens[j]?.text === '-' && !tokens[j]!.space) j++;
	const unit = readUnit(tokens, j);
	if (!unit || unit.kind === 'count') return null;
	return { end: unit.end };
}

/** Past a second system or a top-up after an amount: "/9oz", "/1lb 2oz", "plus 1 tsp", "+ 2 tbsp", "1 lb 4 oz". */
function skipAlternatives(tokens: readonly Token[], k: number): number {
	for (;;) {
		const link = tokens[k];
		const linked = !!link && (link.text === '/' || link.lower === 'plus' || link.text === '+' || link.text === '=');
		const j = linked ? k + 1 : k;
		const alt = sizedAmount(tokens, j);
		if (alt && (linked || tokens[k]?.kind === 'num')) {
			k = alt.end;
			continue;
		}
		// "25g/oz": the second system's number went missing.
		const bare = link?.text === '/' ? readUnit(tokens, k + 1) : null;
		if (bare && bare.kind === 'measure') {
			k = bare.end;
			continue;
		}
		return k;
	}
}

/** A container or count unit after a size, perhaps after size words ("2 28-ounce large cans"). */
function countAfter(tokens: readonly Token[], i: number): UnitMatch | null {
	const unit = readUnit(tokens, skipSizes(tokens, i));
	return unit && unit.kind === 'count' ? unit : null;
}

function parseTokens(tokens: Token[]): Parsed {
	if (!tokens.some((t) => t.kind !== 'punct')) return NOTHING;
	const amount = firstAmount(tokens);
	let quantity: number | null = amount ? amount.quantity : null;
	let quantityMax: number | null = amount ? amount.quantityMax : null;
	let unit: string | null = null;
	/** Tokens between the amount and the name that are remarks ("large", "(8 ounce)", "/9oz"). */
	const remarks: Token[][] = [];
	let bodyStart = 0;
	/** The words of a count unit written right after the amount, with its size words ("3 whole cloves"). */
	let unitWords: Token[] = [];

	if (amount) {
		let k = amount.end;
		// "12-ounce jar": a hyphen between number and unit.
		if (tokens[k]?.text === '-' && !tokens[k]!.space && readUnit(tokens, k + 1)) k++;
		const s = skipSizes(tokens, k);
		const direct = readUnit(tokens, s);
		if (direct && direct.kind !== 'length') {
			unit = direct.name;
			remarks.push(tokens.slice(k, s));
			if (direct.kind === 'count') unitWords = tokens.slice(k, direct.end);
			k = direct.end;
		} else if (tokens[k]?.text === '(' || tokens[k]?.text === '[') {
			// "1 (8 ounce) package": the count, then its size in brackets, then the container.
			const close = bracketEnd(tokens, k);
			const container = tokens.slice(k, close).some((t) => t.kind === 'num') ? countAfter(tokens, close) : null;
			if (container) {
				unit = container.name;
				remarks.push(tokens.slice(k, skipSizes(tokens, close)));
				k = container.end;
			}
		} else {
			// "2 28-ounce cans", "1 8 oz pack", "One 3½-pound chicken", "2 x 400g tins"
			const x = tokens[k]?.lower === 'x' || tokens[k]?.text === '×' ? k + 1 : k;
			const sized = sizedAmount(tokens, x);
			if (sized) {
				const sizeEnd = skipAlternatives(tokens, sized.end);
				const container = countAfter(tokens, sizeEnd);
				remarks.push(tokens.slice(k, sizeEnd));
				k = sizeEnd;
				if (container) {
					unit = container.name;
					k = container.end;
				}
			} else if (direct && direct.kind === 'length') {
				// "2.5cm piece ginger", "1-inch cube": a length is a size, not the unit.
				remarks.push(tokens.slice(k, direct.end));
				k = direct.end;
			}
		}
		if (unit) {
			// "2 l liters"; "2 cups of flour"
			const again = readUnit(tokens, k);
			if (again && again.name === unit) k = again.end;
			// "of" and its French, Spanish and Italian kin ("200 g de farine")
			if (OF.has(tokens[k]?.lower ?? '')) k++;
			const alternatives = skipAlternatives(tokens, k);
			remarks.push(tokens.slice(k, alternatives));
			k = alternatives;
			// "750 ml bottle wine", "400g/14oz can beans": the container a measure comes in;
			// "2 (12 fluid ounce) cans or bottles beer": another container.
			const container = readUnit(tokens, k);
			const orContainer = tokens[k]?.lower === 'or' ? readUnit(tokens, k + 1) : null;
			if (container && container.kind === 'count' && direct?.kind === 'measure' && tokens[container.end]?.kind === 'word') {
				remarks.push(tokens.slice(k, container.end));
				k = container.end;
			} else if (orContainer && orContainer.kind === 'count' && tokens[orContainer.end]?.kind === 'word') {
				remarks.push(tokens.slice(k, orContainer.end));
				k = orContainer.end;
			}
			if (OF.has(tokens[k]?.lower ?? '')) k++;
		}
		bodyStart = k;
	} else {
		// No amount: "Pinch of salt", "small handful basil", "A bunch of parsley".
		let k = 0;
		while (k < 4 && ['a', 'an', 'couple', 'few', 'of'].includes(tokens[k]?.lower ?? '')) k++;
		const s = skipSizes(tokens, k);
		const u = readUnit(tokens, s);
		if (u && u.kind === 'count' && (VAGUE.has(u.name) || tokens[u.end]?.lower === 'of')) {
			unit = u.name;
			remarks.push(tokens.slice(0, s).filter((t) => !['a', 'an', 'of'].includes(t.lower)));
			bodyStart = tokens[u.end]?.lower === 'of' ? u.end + 1 : u.end;
		}
	}

	const prefix = amount ? tokens.slice(0, amount.start) : [];
	let body = tokens.slice(bodyStart);

	// "2 garlic cloves, minced", "1 celery rib": the count word after the food is the unit.
	if (amount && !unit) {
		let end = 0;
		while (end < body.length && ![',', '(', '[', ';'].includes(body[end]!.text)) end++;
		const last = body[end - 1];
		const u = last ? readUnit(body, end - 1) : null;
		const before = body.slice(0, end - 1).filter((t) => t.kind === 'word');
		if (u && TRAILING_COUNTS.has(u.name) && before.some((t) => !SIZES.has(t.lower) && !MEASURE_SIZES.has(t.lower))) {
			unit = u.name;
			body = [...body.slice(0, end - 1), ...body.slice(end)];
		}
	}

	let nameTokens: Token[] = [];
	const comments: Token[][] = [];
	const prefixWords = prefix.filter((t) => t.kind === 'word' && !LEAD_INS.has(t.lower));
	const prefixIsRemark =
		prefixWords.length === 0 || ['of', 'from'].includes(prefixWords[prefixWords.length - 1]!.lower) || prefix.some((t) => t.text === '(');
	if (prefix.length && !prefixIsRemark) {
		// "Vanilla extract, 1½ teaspoons", "All-purpose flour 2/3 cup (80 grams)"
		const split = splitName(prefix, { unitTaken: false });
		if (split.name.length) {
			nameTokens = split.name;
			comments.push(...split.comments, ...remarks, body);
		}
	}
	if (!nameTokens.length) {
		if (prefix.length) {
			const opening = prefix.some((t) => t.text === '(') ? splitName(prefix, { unitTaken: false }) : { name: [], comments: [prefix] };
			// "A bunch of parsley, chopped (½ cup)": the food came before the bracketed amount.
			if (opening.name.length) {
				nameTokens = opening.name;
				comments.push(...opening.comments, ...remarks, body);
			} else comments.push(...opening.comments);
		}
		if (!nameTokens.length) {
			comments.push(...remarks);
			const split = splitName(body, { unitTaken: unit !== null });
			nameTokens = split.name;
			comments.push(...split.comments);
		}
	}

	if (!nameTokens.length && unitWords.length) {
		// "4 cloves", "3 whole cloves": nothing follows the count word, so it is the food.
		nameTokens = unitWords.filter((t) => !SIZES.has(t.lower));
		unit = null;
	}
	const name = clean(joinTokens(nameTokens), LIMITS.name);
	const comment = clean(
		comments
			// "(, crushed)": card plugins wrap a note that starts with a comma in brackets.
			.map((c) => joinTokens(c).replace(/\(\s*[,;]\s*/g, '(').replace(/^[^\p{L}\p{N}(]+|[^\p{L}\p{N})]+$/gu, ''))
			.filter(Boolean)
			.join(', '),
		LIMITS.comment
	);
	if (quantity !== null && !(Number.isFinite(quantity) && quantity >= 0)) quantity = null;
	if (quantityMax !== null && !(quantity !== null && Number.isFinite(quantityMax) && quantityMax > quantity)) quantityMax = null;
	return { quantity, quantityMax, unit, name, comment };
}

function clean(s: string, max: number): string | null {
	const t = s.replace(/\s+/g, ' ').trim();
	if (!t) return null;
	return t.length > max ? t.slice(0, max).trim() : t;
}

/** Reads one ingredient line; never throws. */
export function parseIngredientLine(line: string): Ingredient {
	// Cut, then trimmed again: the contract keeps no space at the end of a line.
	const text = clean(typeof line === 'string' ? line : '', LIMITS.text) ?? '';
	try {
		return { text, ...parseTokens(tokenize(text.slice(0, MAX_PARSED))) };
	} catch {
		return { text, ...NOTHING };
	}
}
