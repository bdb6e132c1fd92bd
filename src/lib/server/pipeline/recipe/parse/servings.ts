/**
 * The number a recipe scales by, from its yield ("4 servings" → 4, "Serves 4-6" → 6 as
 * extraction already takes a range's upper end, "1 loaf" → 1); null when it names none.
 */
export function servingsOf(yields: string | null | undefined): number | null {
	const m = yields?.match(/\d+(?:[.,]\d+)?/);
	if (!m) return null;
	const n = Number(m[0].replace(',', '.'));
	return Number.isFinite(n) && n > 0 && n <= 1000 ? n : null;
}
