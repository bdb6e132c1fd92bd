/** Parsed JSON, as embedded in pages (JSON-LD, platforms' page data). */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export const isJsonObject = (v: Json | undefined): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A link as the page wrote it, made absolute; only http(s), since later phases fetch it. */
export function absoluteUrl(href: string | null | undefined, base: string): string | null {
	if (!href?.trim()) return null;
	try {
		const url = new URL(href.trim(), base);
		if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
		// An absolute address is kept as the page wrote it (its own escaping and Unicode form).
		return /^https?:\/\/\S+$/i.test(href.trim()) ? href.trim() : url.href;
	} catch {
		return null;
	}
}

/** A bare serving count as words: "1 serving", "4 servings". */
export const servingsText = (count: string | number) => `${count} serving${Number(count) === 1 ? '' : 's'}`;
