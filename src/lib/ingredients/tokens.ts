/**
 * Splits an ingredient line into numbers, words and punctuation, remembering where each came from
 * so that the food's name can be cut back out of the line as the source wrote it.
 */

export interface Token {
	kind: 'num' | 'word' | 'punct';
	/** The token as written (after the normalisation below). */
	text: string;
	/** Lower case, without trailing dots; what word lists are matched against. */
	lower: string;
	/** For numbers: the value (½ → 0.5, "1,5" → 1.5, "1/2" → 0.5, "1½" → 1.5). */
	value: number;
	/** A fraction below one ("1/2", "½"), which may follow a whole number ("1 1/2"). */
	fraction: boolean;
	/** Whitespace came before it in the line. */
	space: boolean;
	/** Where it starts in the normalised line. */
	start: number;
}

const VULGAR: Record<string, number> = {
	'½': 1 / 2, '⅓': 1 / 3, '⅔': 2 / 3, '¼': 1 / 4, '¾': 3 / 4, '⅕': 1 / 5, '⅖': 2 / 5, '⅗': 3 / 5, '⅘': 4 / 5,
	'⅙': 1 / 6, '⅚': 5 / 6, '⅐': 1 / 7, '⅛': 1 / 8, '⅜': 3 / 8, '⅝': 5 / 8, '⅞': 7 / 8, '⅑': 1 / 9, '⅒': 1 / 10
};
const VULGAR_CHARS = Object.keys(VULGAR).join('');

/** Dashes and fraction slashes as plain ASCII, odd spaces as spaces; letters are left alone. */
export function normaliseLine(line: string): string {
	return line
		.replace(/[\u2010-\u2015\u2212\uFE58\uFE63\uFF0D]/g, '-')
		.replace(/[\u2044\u2215]/g, '/')
		.replace(/[\u00A0\u2000-\u200B\u202F\u205F\u3000\t\r\n]/g, ' ')
		.replace(/\s+/g, ' ')
		.trim();
}

const NUMBER = new RegExp(
	// "1½", "1 ½" is two tokens (the amount reader joins them); "1/2"; "1.5"; "1,5"; ".25"; "½"
	`^(?:(\\d+)([${VULGAR_CHARS}])|(\\d+)\\s*/\\s*(\\d+)(?![\\d.,])|(\\d*[.,]\\d+|\\d+)|([${VULGAR_CHARS}]))`
);
// Letters with marks, inner apostrophes and hyphens ("all-purpose", "confectioners'"), brand marks.
const WORD = /^[\p{L}\p{M}][\p{L}\p{M}\p{N}]*(?:['’][\p{L}\p{M}]+)*(?:-[\p{L}\p{M}][\p{L}\p{M}\p{N}]*(?:['’][\p{L}\p{M}]+)*)*['’]?[®™©]*/u;

const NUMBER_WORDS = new Set(['one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'twelve', 'half']);

function decimal(text: string): number {
	// "1,5" is one and a half; "1,500" is fifteen hundred.
	if (/^\d{1,3}(,\d{3})+$/.test(text)) return Number(text.replace(/,/g, ''));
	return Number(text.replace(',', '.'));
}

export function tokenize(input: string): Token[] {
	const s = normaliseLine(input);
	const tokens: Token[] = [];
	let i = 0;
	let space = false;
	while (i < s.length) {
		const rest = s.slice(i);
		if (rest[0] === ' ') {
			space = true;
			i++;
			continue;
		}
		const push = (kind: Token['kind'], text: string, value = NaN, fraction = false) => {
			tokens.push({ kind, text, lower: text.toLowerCase().replace(/\.+$/, ''), value, fraction, space, start: i });
			space = false;
			i += text.length;
		};
		const n = NUMBER.exec(rest);
		if (n) {
			const [text, whole, vulgar, numerator, denominator, plain, lone] = n;
			if (whole !== undefined && vulgar !== undefined) push('num', text, Number(whole) + (VULGAR[vulgar] ?? 0));
			else if (numerator !== undefined && denominator !== undefined) {
				const value = Number(denominator) === 0 ? NaN : Number(numerator) / Number(denominator);
				if (Number.isFinite(value)) push('num', text, value, value < 1);
				else push('punct', text);
			} else if (plain !== undefined) {
				const value = decimal(plain);
				if (Number.isFinite(value)) push('num', text, value);
				else push('punct', text);
			} else if (lone !== undefined) push('num', text, VULGAR[lone] ?? NaN, true);
			continue;
		}
		const w = WORD.exec(rest);
		if (w) {
			// "one-pound", "two-inch": the number word is a number of its own.
			const hyphen = w[0].indexOf('-');
			if (hyphen > 0 && NUMBER_WORDS.has(w[0].slice(0, hyphen).toLowerCase())) push('word', w[0].slice(0, hyphen));
			else push('word', w[0]);
			continue;
		}
		// One character (a whole surrogate pair for emoji) of punctuation.
		const ch = String.fromCodePoint(rest.codePointAt(0) ?? 32);
		push('punct', ch);
	}
	return tokens;
}

/** The tokens as the line wrote them, with the spaces it had between them (and one where others were taken out). */
export function joinTokens(tokens: readonly Token[]): string {
	let out = '';
	let previous: Token | undefined;
	for (const t of tokens) {
		const adjacent = !!previous && previous.start + previous.text.length === t.start;
		out += (out && (t.space || !adjacent) ? ' ' : '') + t.text;
		previous = t;
	}
	return out;
}
