/**
 * Amounts: a number ("2", "1.5", "1,5", "1/2", "½", "1 ½", "1½", "1-1/2", "one", "half") and
 * perhaps the top of a range ("2-3", "2 – 3", "2 to 3", "2 or 3").
 */
import type { Token } from './tokens';

const WORDS: Record<string, number> = {
	one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, eleven: 11, twelve: 12,
	thirteen: 13, fourteen: 14, fifteen: 15, sixteen: 16, eighteen: 18, twenty: 20, thirty: 30, forty: 40, fifty: 50,
	half: 0.5, quarter: 0.25, third: 1 / 3
};
/** Fraction words that only count in "one-half", "a quarter", "one and a half". */
const FRACTION_WORDS = new Set(['half', 'quarter', 'third']);

export function numberWord(token: Token | undefined): number | null {
	if (!token || token.kind !== 'word') return null;
	return WORDS[token.lower] ?? null;
}

export interface NumberMatch {
	value: number;
	/** Index just past the number. */
	end: number;
	/** Written in words ("one", "half"). */
	word: boolean;
}

const isWhole = (v: number) => Number.isInteger(v);

/** The number starting at `tokens[i]`, joining "1 1/2", "1½", "1-1/2", "one and a half", "one-half". */
export function readNumber(tokens: readonly Token[], i: number): NumberMatch | null {
	const t = tokens[i];
	if (!t) return null;
	if (t.kind === 'num') {
		let value = t.value;
		let end = i + 1;
		const next = tokens[end];
		// "1 1/2", "1 ½" and "1-1/2" are mixed numbers (a range never goes down to a fraction).
		if (isWhole(value) && !t.fraction) {
			if (next?.kind === 'num' && next.fraction && next.space) {
				value += next.value;
				end++;
			} else if (next?.text === '-' && tokens[end + 1]?.kind === 'num' && tokens[end + 1]?.fraction) {
				value += tokens[end + 1]?.value ?? 0;
				end += 2;
			} else if ((next?.lower === 'and' || next?.text === '&') && tokens[end + 1]?.fraction) {
				value += tokens[end + 1]?.value ?? 0;
				end += 2;
			}
		}
		const after = tokens[end];
		// "2 dozen" is 24; "1 dozen" 12.
		if (after?.lower === 'dozen') return { value: value * 12, end: end + 1, word: false };
		return Number.isFinite(value) ? { value, end, word: false } : null;
	}
	const word = numberWord(t);
	if (word === null) {
		// "a dozen", "a half" ("a half cup"), "a quarter"
		const next = tokens[i + 1];
		if ((t.lower === 'a' || t.lower === 'an') && next?.lower === 'dozen') return { value: 12, end: i + 2, word: true };
		if ((t.lower === 'a' || t.lower === 'an') && next && FRACTION_WORDS.has(next.lower) && next.kind === 'word') {
			return { value: WORDS[next.lower] ?? 0.5, end: i + 2, word: true };
		}
		return null;
	}
	let value = word;
	let end = i + 1;
	const next = tokens[end];
	if (FRACTION_WORDS.has(t.lower)) {
		// "half a lemon", "half an onion": the article belongs to the amount.
		if (next && (next.lower === 'a' || next.lower === 'an') && next.kind === 'word') end++;
		return { value, end, word: true };
	}
	// "one-half", "one and a half", "two and one-half"
	if (next?.text === '-' && tokens[end + 1] && FRACTION_WORDS.has(tokens[end + 1]!.lower) && value === 1) {
		return { value: WORDS[tokens[end + 1]!.lower] ?? 0.5, end: end + 2, word: true };
	}
	if (next?.lower === 'and') {
		const k = tokens[end + 1]?.lower === 'a' || tokens[end + 1]?.lower === 'one' ? end + 2 : end + 1;
		const f = tokens[k];
		if (f && FRACTION_WORDS.has(f.lower)) return { value: value + (WORDS[f.lower] ?? 0), end: k + 1, word: true };
		if (f?.kind === 'num' && f.fraction) return { value: value + f.value, end: k + 1, word: true };
	}
	if (next?.lower === 'dozen') return { value: value * 12, end: end + 1, word: true };
	return { value, end, word: true };
}

export interface AmountMatch {
	quantity: number;
	quantityMax: number | null;
	/** Index of the first token of the amount and just past it. */
	start: number;
	end: number;
}

const RANGE_WORDS = new Set(['to', 'or', '-', '–', '—', '~', 'through', 'bis', 'à']);

/** An amount starting at `tokens[i]`: a number, perhaps the top of a range after it. */
export function readAmount(tokens: readonly Token[], i: number): AmountMatch | null {
	const first = readNumber(tokens, i);
	if (!first) return null;
	let quantityMax: number | null = null;
	let end = first.end;
	const link = tokens[end];
	if (link && RANGE_WORDS.has(link.lower)) {
		const top = readNumber(tokens, end + 1);
		// A range goes up: "2-3", "1 to 1 1/2"; "1/2-1"; "2 or 3"; never "4 or ½".
		if (top && top.value > first.value && !(top.word && !first.word && link.lower === '-')) {
			quantityMax = top.value;
			end = top.end;
		}
	}
	return { quantity: first.value, quantityMax, start: i, end };
}
