/**
 * Whether the page's own list (ingredients or method as the markup shows it) should replace
 * the structured data's. Structured data wins unless it visibly lost something the page shows.
 */

const hasAmount = (line: string) => /\d|[¼-¾⅐-⅞]/.test(line);

/** How two sources of one line compare: case and spacing aside ("1Zwiebel" is "1 Zwiebel"). */
const fold = (line: string) => line.toLowerCase().replace(/\s+/g, '');

/** A line's words without its amounts: "Salt: 2 pinches" and "Salt: 8 pinches" are one ingredient. */
const words = (line: string) => line.toLowerCase().replace(/[^\p{L}]+/gu, '');

/** Letters and digits only, to compare one line as two sources print it, or with the pieces it was cut into. */
export const bare = (line: string) => line.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');

/** The data cut the page's lines into pieces at their commas ("250 g pork", "in pieces"). */
function cutIntoPieces(data: string[], shown: string[]): boolean {
	let next = 0;
	let whole = 0;
	let cut = 0;
	for (const line of shown) {
		const target = bare(line);
		let joined = '';
		let pieces = 0;
		// A piece that goes on a line is its note ("in pieces") or a number's decimals ("1", "5 tsp"),
		// never a line of its own: no amount, no heading before it.
		const goesOn = (piece: string) => {
			if (!pieces) return true;
			const before = data[next - 1]!.trim();
			return /\d$/.test(before) || (!/^\W*(?:\d|[¼-¾⅐-⅞])/.test(piece) && !before.endsWith(':'));
		};
		while (next < data.length && target.startsWith(joined + bare(data[next]!)) && joined.length < target.length && goesOn(data[next]!)) {
			joined += bare(data[next++]!);
			pieces++;
		}
		if (pieces && joined === target) {
			whole++;
			if (pieces > 1) cut++;
		}
	}
	return cut > 0 && whole >= shown.length * 0.8;
}

const share = (lines: string[], test: (line: string, index: number) => boolean) => lines.filter(test).length / lines.length;

export function pageListIsBetter(data: string[], shown: string[], { amounts }: { amounts: boolean }): boolean {
	if (shown.length < 2) return false;
	// Nothing, or everything in one line.
	if (data.length <= 1) return true;
	const page = shown.map(fold);
	const inPage = share(data, (line) => page.some((p) => p.includes(fold(line)))) >= 0.8;
	if (amounts && inPage) {
		// The data's lines are the page's, cut short: names without the amounts the page shows…
		if (share(data, hasAmount) < 0.3 && share(shown, hasAmount) >= 0.5) return true;
		// …or its end lost: the page's list begins with the data's lines and goes on with further
		// ingredients, with amounts, that are none of the data's (not its lines for other servings).
		// Or it lost a large part of the list: further lines at least three for every four it kept.
		const named = data.map(words);
		const further = (lines: string[]) => lines.filter((line) => hasAmount(line) && words(line) && !named.some((d) => words(line).includes(d))).length;
		const begins = share(data, (line, i) => page[i]?.includes(fold(line)) ?? false) >= 0.8;
		// What follows the list is read up to the first sentence: a page goes on to ads and tools there.
		const after = shown.slice(data.length);
		const end = after.findIndex((line) => !hasAmount(line) && line.length > 40);
		if ((begins && further(end < 0 ? after : after.slice(0, end)) >= 2) || further(shown) >= data.length * 0.75) return true;
	}
	if (amounts && data.length > shown.length && cutIntoPieces(data, shown)) return true;
	// The data glued the page's lines into a few ("Sauce: 2 eggs 1 cup milk …").
	const glued = fold(data.join(' '));
	const lines = page.filter((p) => words(p).length >= 2);
	return lines.length >= data.length * 3 && share(lines, (p) => glued.includes(p)) >= 0.8;
}
