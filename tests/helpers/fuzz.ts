import fc from 'fast-check';

/**
 * Shared pieces of the fuzz suites. fast-check prints the seed and path of any failure; set
 * FUZZ_SEED to replay a run, FUZZ_RUNS to run more (or fewer) cases than each suite's default.
 */
export function fuzzRuns(numRuns: number): fc.Parameters<unknown> {
	const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;
	const runs = process.env.FUZZ_RUNS ? Number(process.env.FUZZ_RUNS) : numRuns;
	return { numRuns: runs, ...(seed !== undefined ? { seed } : {}) };
}

/** Characters that trip up text handling: NUL, lone surrogates, direction overrides, BOM, combining marks, emoji. */
export const oddChar = fc.constantFrom(
	'\0', '\ud800', '\udfff', '\u202e', '\u200f', '\u200d', '\ufeff', '\u0301', '\ufffd', '\u2028', '🍅', '👨‍👩‍👧', '1️⃣', '½', '⅞', '\t', '\r', '\n', '%', '\\', '"', '<', '&'
);

/** Any text, with the odd characters mixed in more often than chance would. */
export const anyText = (maxLength = 200) =>
	fc.string({ unit: fc.oneof({ weight: 3, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) }, { weight: 1, arbitrary: oddChar }), maxLength });

/**
 * Long runs of one piece, the shape of input that makes a backtracking regex or a nested loop
 * blow up: spaces, digits, fractions, brackets, punctuation, emoji, hashtags, between text.
 */
export const PATHOLOGICAL_PIECES = [
	' ', '\n', '\t ', '1', '1/2 ', '1 1/2 - ', '½', '.', ',', ', 1', ':', ')', '(', '()', '-', '#a', '# ', '🍅', '🍅 ', '\ud800', '\0', 'a1', 'https://', 'http://a.b/', '&amp;', '<br>'
];
export const pathological = (maxRepeat = 50_000) =>
	fc
		.tuple(anyText(20), fc.constantFrom(...PATHOLOGICAL_PIECES), fc.integer({ min: 1_000, max: maxRepeat }), anyText(20))
		.map(([before, piece, times, after]) => before + piece.repeat(Math.ceil(times / piece.length)) + after);

/** Runs `f` and says how long it took, so a property can bound it (catastrophic backtracking, quadratic loops). */
export function timed<T>(f: () => T): { value: T; ms: number } {
	const start = performance.now();
	const value = f();
	return { value, ms: performance.now() - start };
}

/** Generous: it exists to catch blowups (seconds to hours), not to benchmark. */
export const PER_INPUT_MS = 2_000;
