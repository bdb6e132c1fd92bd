import type { CheerioAPI } from 'cheerio';
import { absoluteUrl, isJsonObject, type Json, type JsonObject } from '../values';

/** The value at a path of keys (or list indexes), when every step exists. */
export function at(v: Json | undefined, ...path: string[]): Json | undefined {
	for (const key of path) v = Array.isArray(v) ? v[Number(key)] : isJsonObject(v) ? v[key] : undefined;
	return v;
}
export const str = (v: Json | undefined): string | null => (typeof v === 'string' && v.trim() ? v.trim() : null);

export const metaContent = ($: CheerioAPI, name: string) => $(`meta[property="${name}"], meta[name="${name}"]`).first().attr('content')?.trim() || null;

export function parseJson(text: string): Json | undefined {
	try {
		return JSON.parse(text) as Json;
	} catch {
		return undefined;
	}
}

/** The end of the balanced `{…}` or `[…]` starting at `start`, brackets inside strings ignored; -1 when it never closes. */
function balancedEnd(code: string, start: number): number {
	let depth = 0;
	let quote: string | null = null;
	for (let i = start; i < code.length; i++) {
		const c = code[i];
		if (quote) {
			if (c === '\\') i++;
			else if (c === quote) quote = null;
		} else if (c === '"' || c === "'") quote = c;
		else if (c === '{' || c === '[') depth++;
		else if ((c === '}' || c === ']') && --depth === 0) return i;
	}
	return -1;
}

/**
 * The JSON object that follows `prefix` (a pattern ending just before its `{`) in an inline script:
 * `var ytInitialPlayerResponse = {…};`, `window.__additionalDataLoaded('/p/x/', {…});`.
 * Scripts go on after the literal, so its end is found by balancing braces outside strings.
 */
export function scriptObject($: CheerioAPI, prefix: string): Json | undefined {
	const pattern = new RegExp(`${prefix}\\{`);
	for (const el of $('script:not([src])').toArray()) {
		const code = $(el).text();
		const found = pattern.exec(code);
		if (!found) continue;
		const start = found.index + found[0].length - 1;
		const end = balancedEnd(code, start);
		if (end > 0) return parseJson(code.slice(start, end + 1));
	}
	return undefined;
}

/** The object literal assigned to `name` in an inline script (`var ytInitialPlayerResponse = {…};`). */
export const assignedObject = ($: CheerioAPI, name: string) => scriptObject($, `${name}["'\\]]*\\s*=\\s*`);

/**
 * JSON kept as a string inside a script's JSON (`"contextJSON":"{\"gql_data\":…}"`): the string
 * literal is read as JSON, then its text parsed again.
 */
export function stringifiedJson($: CheerioAPI, key: string): Json | undefined {
	const pattern = new RegExp(`"${key}"\\s*:\\s*"((?:[^"\\\\]|\\\\.)*)"`);
	for (const el of $('script:not([src])').toArray()) {
		const found = pattern.exec($(el).text());
		const text = found ? parseJson(`"${found[1]}"`) : undefined;
		if (typeof text === 'string') return parseJson(text);
	}
	return undefined;
}

export const scriptJson = ($: CheerioAPI, id: string) => {
	const el = $(`script[id="${id}"]`).first();
	return el.length ? parseJson(el.text()) : undefined;
};

/** The largest of a list of `{url, width, height}` renditions. */
export function largest(list: Json | undefined, base: string): string | null {
	const candidates = (Array.isArray(list) ? list : []).filter(isJsonObject);
	const area = (t: JsonObject) => (typeof t.width === 'number' && typeof t.height === 'number' ? t.width * t.height : 0);
	const best = candidates.reduce<JsonObject | null>((b, t) => (!b || area(t) > area(b) ? t : b), null);
	return best ? absoluteUrl(str(best.url), base) : null;
}

/** Absolute, deduplicated picture addresses, in order. */
export const uniqueUrls = (list: (string | null | undefined)[], base: string): string[] => [
	...new Set(list.map((u) => absoluteUrl(u, base)).filter((u): u is string => !!u))
];
