import { describe, expect, it } from 'vitest';
import { readPage } from '../../src/lib/server/pipeline/recipe/extract/read-page';
import { MAX_PARSED_DEPTH, MAX_READ_DEPTH } from '../../src/lib/server/pipeline/recipe/extract/html-dom';
import { PermanentError } from '../../src/lib/server/failures/errors';

/**
 * Deep markup, found by fuzzing (tests/unit/fuzz-extract.test.ts): 10,000 nested <div>s overflowed
 * the stack in cheerio's `.text()` (a RangeError, not a failure the queue can report), 20,000
 * nested <li>s kept parse5 busy for a minute, and 250 nested elements named "ingredients" took the
 * markup readers seconds.
 */
const url = 'https://example.com/pie';
const nested = (open: string, close: string, n: number, inner: string) => open.repeat(n) + inner + close.repeat(n);

describe('deeply nested pages', () => {
	it('are refused with a typed error, quickly, when nested deeper than a browser nests', () => {
		for (const html of [nested('<div>', '</div>', 10_000, 'x'), '<ul><li>'.repeat(20_000), '<div>'.repeat(5_000) + '</x>'.repeat(20_000)]) {
			const start = performance.now();
			expect(() => readPage(html, url)).toThrow(PermanentError);
			expect(performance.now() - start).toBeLessThan(1_000);
		}
	});

	it('are read up to that depth, with what lies deeper kept as text', () => {
		const depth = MAX_PARSED_DEPTH - 10;
		const start = performance.now();
		const content = readPage(nested('<div class="ingredients">', '</div>', depth, '<ul><li>1 cup flour</li><li>2 eggs</li></ul>'), url);
		expect(performance.now() - start).toBeLessThan(2_000);
		expect(content.recipe?.ingredients.join(' ')).toContain('1 cup flour');
		expect(depth).toBeGreaterThan(MAX_READ_DEPTH);
	});

	it('holding deep HTML in their structured data, are refused too', () => {
		const ld = JSON.stringify({ '@type': 'Recipe', name: 'x', recipeIngredient: ['<b>'.repeat(10_000) + '1 egg'] });
		expect(() => readPage(`<script type="application/ld+json">${ld}</script>`, url)).toThrow(PermanentError);
	});
});

describe('lone surrogates', () => {
	// Found by fuzzing (tests/unit/fuzz-extract.test.ts): two lone low surrogates made parse5 throw
	// "RangeError: Invalid code point 2162687"; JSON-LD can escape them into a string that holds HTML.
	it('are read as U+FFFD, in the page and in its structured data', () => {
		expect(readPage('<html><body><div>\udfff\udfff</div></body></html>', url).url).toBe(url);
		const ld = '{"@type":"Recipe","name":"<b>Pie \\udfff\\udfff</b>","recipeIngredient":["1 egg","2 eggs"]}';
		expect(readPage(`<script type="application/ld+json">${ld}</script>`, url).recipe?.title).toBe('Pie \ufffd\ufffd');
	});
});
