/**
 * A recipe's yield as recipe managers store it: a number apart from its words. Tandoor keeps
 * servings and `servings_text`; Mealie (since v2.3) keeps servings, a yield quantity and the
 * yield's words. Both importers split a yield the same way, so the clients share it.
 */
export interface YieldParts {
	/** The first number ("4-6 servings" → 4, a range counted as one), rounded to a whole one. */
	count: number;
	/** The words without that number and the verb before it ("Makes 12 muffins" → "muffins"). */
	words: string;
	/** Whether it counts servings ("4 servings", "Serves 4", a bare "4") rather than things ("12 muffins"). */
	servings: boolean;
}

/** Words that introduce a yield's number and read wrong after it ("12 Makes muffins"). */
const YIELD_VERB = /^(?:(?:makes|serves|yields?|for|about|approx(?:imately|\.)?)\b[\s:]*)+/i;
const SERVING_WORDS = /^(?:servings?|serves|portions?|people|persons?|personen|portionen|porciones|porzioni|personnes|parts?)\b/i;

export function splitYield(yields: string | null | undefined): YieldParts | null {
	const match = yields ? /\d+(?:[.,]\d+)?(?:\s*[-–]\s*\d+(?:[.,]\d+)?)?/.exec(yields) : null;
	if (!yields || !match) return null;
	const rest = yields.slice(0, match.index) + yields.slice(match.index + match[0].length);
	const words = rest.replace(/\s+/g, ' ').trim().replace(YIELD_VERB, '').replace(/^[\s:,-]+/, '');
	const count = Math.round(Number.parseFloat(match[0].replace(',', '.')));
	const servings = words === '' || SERVING_WORDS.test(words) || /^\s*serves\b/i.test(yields);
	return { count, words, servings };
}
