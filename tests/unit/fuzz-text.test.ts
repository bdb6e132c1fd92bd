import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Ingredient } from '../../src/lib/contract/recipe';
import { findLink, isHttpUrl, linkFromShare, normalizeUrl } from '../../src/lib/links';
import { readCaption } from '../../src/lib/server/pipeline/recipe/extract/caption';
import { parseIngredientLine } from '../../src/lib/ingredients/ingredient-line';
import { anyText, fuzzRuns, pathological, PER_INPUT_MS, timed } from '../helpers/fuzz';

/**
 * The text readers on random and hostile input: they return (or fail with a typed error) within
 * PER_INPUT_MS, and what they return keeps its promises. Long runs of one character are where a
 * backtracking regex or a nested loop shows itself.
 */

/** Shared text as share sheets send it: words around a link, or anything at all. */
const linkish = fc.oneof(
	anyText(300),
	pathological(),
	fc.tuple(anyText(40), fc.webUrl({ withQueryParameters: true, withFragments: true }), anyText(40)).map(([a, url, b]) => `${a} ${url}${b}`),
	fc.tuple(fc.webUrl(), fc.constantFrom(')', '.', ',', '"', '»', '?'), fc.integer({ min: 1_000, max: 60_000 })).map(([url, tail, n]) => url + tail.repeat(n))
);

function quickly<T>(f: () => T): T {
	const { value, ms } = timed(f);
	expect(ms).toBeLessThan(PER_INPUT_MS);
	return value;
}

describe('links on hostile input', () => {
	it('findLink finds an http(s) link that the text holds, or none', () => {
		fc.assert(
			fc.property(linkish, (text) => {
				const link = quickly(() => findLink(text));
				if (link !== null) {
					expect(isHttpUrl(link)).toBe(true);
					expect(text).toContain(link);
				}
			}),
			fuzzRuns(150)
		);
	});

	it('linkFromShare gives an http(s) link or null, and its key is stable', () => {
		fc.assert(
			fc.property(fc.record({ url: fc.option(linkish), text: fc.option(linkish), title: fc.option(anyText(100)) }), (share) => {
				const link = quickly(() => linkFromShare(share));
				if (link === null) return;
				expect(isHttpUrl(link)).toBe(true);
				const key = quickly(() => normalizeUrl(link));
				expect(isHttpUrl(key)).toBe(true);
				expect(normalizeUrl(key)).toBe(key);
			}),
			fuzzRuns(150)
		);
	});
});

describe('the ingredient parser on hostile input', () => {
	it('never throws, and what it reads fits the recipe contract', () => {
		fc.assert(
			fc.property(fc.oneof(anyText(300), pathological()), (line) => {
				const parsed = quickly(() => parseIngredientLine(line));
				if (parsed.text) expect(Ingredient.parse(parsed)).toEqual(parsed);
			}),
			fuzzRuns(150)
		);
	});
});

describe('the caption reader on hostile input', () => {
	const captionLines = fc.array(fc.oneof(anyText(80), fc.constantFrom('Ingredients:', 'Method', '- 1 cup flour', '1. Mix it all.', '#food #yum', '🍅 2 eggs')), { maxLength: 30 });
	it('returns a recipe of lines, or null', () => {
		fc.assert(
			fc.property(fc.oneof(anyText(500), pathological(), captionLines.map((lines) => lines.join('\n'))), (caption) => {
				const read = quickly(() => readCaption(caption));
				if (read) for (const line of [...read.ingredients, ...read.instructions]) expect(typeof line).toBe('string');
			}),
			fuzzRuns(150)
		);
	});
});
