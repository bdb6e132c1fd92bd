/**
 * The food's name in what is left of an ingredient line once its amount and unit are taken out:
 * the first phrase that names something, without sizes, preparation or remarks, which become the
 * comment ("finely chopped fresh parsley, to serve" → "fresh parsley"; "finely chopped, to serve").
 * Lists of alternatives stay in the name ("fresh tarragon, dill, or chives").
 */
import type { Token } from './tokens';
import { readUnit } from './units';
import {
	AFTER_PREPARATION,
	isAdjective,
	isParticiple,
	isPreparation,
	LEAD_INS,
	OR_REMARKS,
	PREPARATION,
	REMARK_STARTS,
	SECOND_PREPARATION,
	SIZES,
	STRONG_REMARKS
} from './vocabulary';

/** Words that may open a phrase without being the food ("heaped", "a", "of"). */
const OPENERS = new Set([
	...SIZES, 'heaped', 'heaping', 'level', 'levelled', 'leveled', 'scant', 'generous', 'rounded', 'thin', 'hefty', 'a', 'an',
	'of', 'the', 'few', 'couple'
]);
const JOINERS = new Set(['and', 'or', '&', 'and/or']);
/** The part of a fruit that is used: "juice of 1 lemon" names the lemon. */
const PARTS = new Set(['juice', 'zest', 'rind', 'peel']);
/** States that come in pairs before a food: "fresh or frozen peas". */
const STATES = new Set(['fresh', 'frozen', 'canned', 'tinned', 'dried', 'cooked', 'raw', 'thawed']);
const OPEN = new Set(['(', '[', '{']);
const CLOSE = new Set([')', ']', '}']);
/** Punctuation that never starts or ends a name. */
const EDGE = /^[^\p{L}\p{N}]+$/u;

type Item = { kind: 'token'; token: Token } | { kind: 'group'; tokens: Token[] };

export interface NameSplit {
	name: Token[];
	/** The rest, phrase by phrase, in line order. */
	comments: Token[][];
}

interface PhraseSplit extends NameSplit {
	/** The name ran to the end of the phrase (no remark cut it short). */
	open: boolean;
	/** The first word of the remark that cut the name short, if any. */
	cutAt: Token | null;
}

export interface NameOptions {
	/** The amount already has a unit, so "fillet of flounder" keeps its "fillet". */
	unitTaken: boolean;
}

/** Splits at top-level commas and semicolons; bracketed groups stay whole inside their phrase. */
function phrases(tokens: readonly Token[]): Item[][] {
	const out: Item[][] = [[]];
	let group: Token[] | null = null;
	let depth = 0;
	for (const t of tokens) {
		const current = out[out.length - 1]!;
		if (group) {
			group.push(t);
			if (OPEN.has(t.text)) depth++;
			else if (CLOSE.has(t.text) && --depth === 0) group = null;
			continue;
		}
		if (OPEN.has(t.text)) {
			group = [t];
			depth = 1;
			current.push({ kind: 'group', tokens: group });
		} else if (t.text === ',' || t.text === ';' || (t.text === '-' && t.space) || t.text === '•' || t.text === '|') {
			out.push([]);
		} else if (!CLOSE.has(t.text)) current.push({ kind: 'token', token: t });
		// (A stray closing bracket, whose opening one was in the amount, is dropped.)
	}
	return out.filter((p) => p.length > 0);
}

const flatten = (items: readonly Item[]): Token[] => items.flatMap((i) => (i.kind === 'token' ? [i.token] : i.tokens));
const wordOf = (item: Item | undefined): Token | undefined => (item?.kind === 'token' ? item.token : undefined);
const isAdverb = (t: Token | undefined) => !!t && /^[a-z]+ly$/.test(t.lower);
const startsNumber = (t: Token | undefined) =>
	!!t && (t.kind === 'num' || ['one', 'two', 'three', 'four', 'five', 'six', 'half'].includes(t.lower));

/** Bracketed words that belong to the name: "Roma (plum) tomatoes", "skirt steak (or chuck)", "ghee (clarified butter)". */
function inlineGroup(group: Token[], next: Item | undefined): boolean {
	const inner = group.slice(1, -1).filter((t) => t.text !== '-' && t.text !== '/' && t.text !== "'");
	const alternative = inner[0]?.lower === 'or';
	const words = alternative ? inner.slice(1) : inner;
	const after = wordOf(next);
	return (
		words.length > 0 &&
		words.length <= (alternative ? 8 : 3) &&
		words.every(
			(t) =>
				t.kind === 'word' &&
				!REMARK_STARTS.has(t.lower) &&
				!PREPARATION.has(t.lower) &&
				!SIZES.has(t.lower) &&
				!LEAD_INS.has(t.lower) &&
				!OR_REMARKS.has(t.lower) &&
				!isAdverb(t) &&
				!STRONG_REMARKS.has(t.lower) &&
				!STATES.has(t.lower) &&
				!['or', 'cold', 'warm', 'hot', 'lukewarm', 'no', 'not'].includes(t.lower)
		) &&
		(!next || (!!after && after.kind === 'word' && !REMARK_STARTS.has(after.lower) && !PREPARATION.has(after.lower)))
	);
}

/** One phrase: the name it holds (perhaps none) and its remarks. */
function splitPhrase(items: Item[], options: NameOptions): PhraseSplit {
	const comments: Token[][] = [];
	const dropped: Token[] = [];
	let preparation = false;
	let i = 0;
	// 1. Openers: sizes, preparation, "a", "of", "juice of", remarks in brackets.
	while (i < items.length) {
		const item = items[i]!;
		if (item.kind === 'group') {
			comments.push(item.tokens);
			i++;
			continue;
		}
		const t = item.token;
		const next = wordOf(items[i + 1]);
		if (isPreparation(t, next) || (preparation && SECOND_PREPARATION.has(t.lower))) {
			dropped.push(t);
			preparation = true;
			// "finely chopped", "freshly ground": the participle goes with its adverb.
			if (isAdverb(t) && isParticiple(next)) {
				dropped.push(next!);
				i++;
			}
			i++;
		} else if (t.lower === 'very' && next && SIZES.has(next.lower)) {
			dropped.push(t);
			i++;
		} else if ((t.lower === 'sized' || t.lower === 'size') && dropped.some((d) => SIZES.has(d.lower))) {
			dropped.push(t);
			i++;
		} else if (OPENERS.has(t.lower) || LEAD_INS.has(t.lower) || t.kind === 'punct' || JOINERS.has(t.lower)) {
			dropped.push(t);
			i++;
		} else if (PARTS.has(t.lower) && (next?.lower === 'of' || next?.lower === 'from')) {
			// "Grated zest of lemon", "The juice of a lemon"
			dropped.push(t, next);
			i += 2;
		} else if (!options.unitTaken && next?.lower === 'of' && readUnit([t], 0)?.kind === 'count') {
			// "handful of", "sprig of": a unit the amount did not claim.
			dropped.push(t, next);
			i += 2;
		} else if (t.lower === 'or' && next?.kind === 'num' && wordOf(items[i + 2])?.kind === 'word') {
			// "1 very large or 2 medium eggplants": the other count goes with the remarks.
			dropped.push(t, next);
			i += 2;
		} else if (t.lower === 'or' || (t.lower === 'to' && SIZES.has(next?.lower ?? ''))) {
			dropped.push(t);
			i++;
		} else break;
	}
	const openerWords = dropped.filter((t) => t.kind === 'word' && !['a', 'an', 'of', 'the'].includes(t.lower) && !JOINERS.has(t.lower));
	if (openerWords.length) comments.unshift(openerWords);
	// 2. The name runs until a remark starts.
	const name: Token[] = [];
	let rest: Item[] = [];
	let cutAt: Token | null = null;
	for (let j = i; j < items.length; j++) {
		const item = items[j]!;
		if (item.kind === 'group') {
			if (name.length && inlineGroup(item.tokens, items[j + 1])) name.push(...item.tokens);
			else comments.push(item.tokens);
			continue;
		}
		const t = item.token;
		const prev = name[name.length - 1];
		const afterJoiner = !prev || JOINERS.has(prev.lower) || prev.text === '/' || prev.text === '-';
		const nextItem = items[j + 1];
		const next = wordOf(nextItem);
		if (name.length && isAdverb(t) && isPreparation(t, next) && isParticiple(next)) {
			// "salt and freshly ground pepper"
			comments.push([t, next!]);
			j++;
			continue;
		}
		// A preparation word ends the name when what follows is no food: "mushrooms cut into cubes",
		// "paste mixed with water", "cheese grated" (but "tinned chopped tomatoes", "center cut pork").
		const endsHere = !nextItem || nextItem.kind === 'group' || (!!next && (AFTER_PREPARATION.has(next.lower) || isAdverb(next)));
		const preparation = PREPARATION.has(t.lower) && !isAdverb(t);
		const participleRemark = isParticiple(t) && !!next && AFTER_PREPARATION.has(next.lower) && !JOINERS.has(next.lower);
		if (!name.length) {
			// A phrase that starts as a remark is one: "or to taste", "like corn or canola", "cut into strips".
			if (STRONG_REMARKS.has(t.lower) || participleRemark || t.kind === 'num') {
				rest = items.slice(j);
				cutAt = t;
				break;
			}
		} else {
			const remark =
				(preparation && endsHere) ||
				participleRemark ||
				(!afterJoiner &&
					(t.kind === 'num' ||
						(!preparation && REMARK_STARTS.has(t.lower)) ||
						(t.lower === 'or' && (startsNumber(next) || (!!next && OR_REMARKS.has(next.lower))))));
			if (remark) {
				rest = items.slice(j);
				cutAt = t;
				break;
			}
		}
		name.push(t);
	}
	// 3. Inside the name: sizes ("ripe medium pears"), but not in brand names ("Organic Large Egg").
	const kept: Token[] = [];
	for (let j = 0; j < name.length; j++) {
		const t = name[j]!;
		const before = kept[kept.length - 1];
		const brand = /^\p{Lu}/u.test(t.text) && !!before && /^\p{Lu}/u.test(before.text);
		if (SIZES.has(t.lower) && !brand && name.length > 1) {
			comments.push([t]);
			continue;
		}
		kept.push(t);
	}
	const last = () => kept[kept.length - 1]!;
	const bracketed = (t: Token) => CLOSE.has(t.text) && kept.some((k) => OPEN.has(k.text));
	while (
		kept.length &&
		((EDGE.test(last().text) && !bracketed(last())) ||
			JOINERS.has(last().lower) ||
			AFTER_PREPARATION.has(last().lower) ||
			['of', 'a', 'an', 'the', 'very'].includes(last().lower))
	) {
		comments.push([kept.pop()!]);
	}
	while (kept.length && EDGE.test(kept[0]!.text)) kept.shift();
	if (rest.length) comments.push(flatten(rest));
	return { name: kept, comments: comments.filter((c) => c.length > 0), open: rest.length === 0, cutAt };
}

/** A phrase that only adds to a list of foods ("dill" in "fresh tarragon, dill, or chives"). */
function plainListPhrase(items: Item[]): boolean {
	return (
		items.length > 0 &&
		items.length <= 4 &&
		items.every(
			(i) =>
				i.kind === 'token' &&
				i.token.kind === 'word' &&
				!REMARK_STARTS.has(i.token.lower) &&
				!PREPARATION.has(i.token.lower) &&
				!LEAD_INS.has(i.token.lower) &&
				!JOINERS.has(i.token.lower) &&
				!isParticiple(i.token) &&
				!isAdverb(i.token)
		)
	);
}

export function splitName(tokens: readonly Token[], options: NameOptions = { unitTaken: false }): NameSplit {
	const list = phrases(tokens);
	const comments: Token[][] = [];
	for (let p = 0; p < list.length; p++) {
		let split = splitPhrase(list[p]!, options);
		comments.push(...split.comments);
		if (!split.name.length) continue;
		let name = split.name;
		let q = p + 1;
		// "skinless, boneless chicken breasts", "ripe, sweet grapefruits": describing words before a comma.
		while (split.open && name.length <= 2 && name.every(isAdjective) && q < list.length) {
			const following = splitPhrase(list[q]!, options);
			const firstWord = wordOf(list[q]![0]);
			if (!following.name.length || !firstWord || JOINERS.has(firstWord.lower) || isPreparation(firstWord, wordOf(list[q]![1]))) break;
			name = [...name, ...following.name];
			comments.push(...following.comments);
			split = following;
			q++;
		}
		// "fresh tarragon, dill, or chives"; "chicken, beef or vegetable stock": a list of foods.
		if (split.open) {
			let end = q;
			while (end < list.length && plainListPhrase(list[end]!)) end++;
			const last = list[end];
			const joiner = wordOf(last?.[0]);
			const second = wordOf(last?.[1]);
			const startsWithJoiner = !!joiner && JOINERS.has(joiner.lower);
			const lastSplit = last ? splitPhrase(startsWithJoiner ? last.slice(1) : last, options) : null;
			const fits =
				!!lastSplit &&
				lastSplit.name.length > 0 &&
				!lastSplit.name.some((t) => t.kind === 'num' || PREPARATION.has(t.lower) || STRONG_REMARKS.has(t.lower)) &&
				// "6 lemons, juice and zest" names parts of the lemons, not more foods
				!PARTS.has((startsWithJoiner ? second : joiner)?.lower ?? '') &&
				(startsWithJoiner || lastSplit.name.some((t) => JOINERS.has(t.lower))) &&
				!(lastSplit.cutAt && (PREPARATION.has(lastSplit.cutAt.lower) || isParticiple(lastSplit.cutAt))) &&
				!lastSplit.comments.some((c) => c.some((t) => PREPARATION.has(t.lower) || STATES.has(t.lower))) &&
				(end > q || startsWithJoiner || !lastSplit.name.some((t) => STATES.has(t.lower))) &&
				// "…, fresh or frozen", "…, unwaxed or organic": describing words, not another food
				!lastSplit.name.every((t) => isAdjective(t) || JOINERS.has(t.lower));
			if (fits && lastSplit) {
				for (let r = q; r < end; r++) name = [...name, ...flatten(list[r]!)];
				name = [...name, ...(startsWithJoiner ? [joiner!] : []), ...lastSplit.name];
				comments.push(...lastSplit.comments);
				q = end + 1;
			}
		}
		for (let r = q; r < list.length; r++) comments.push(flatten(list[r]!));
		return { name, comments };
	}
	return { name: [], comments };
}
