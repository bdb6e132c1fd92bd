import { describe, expect, it } from 'vitest';
import pino from 'pino';
import { allIngredients } from '../../src/lib/contract/recipe';
import { parseIngredientLine } from '../../src/lib/ingredients/ingredient-line';
import { markForReview, reviewReasons } from '../../src/lib/ingredients/review';
import { readPage } from '../../src/lib/server/pipeline/recipe/extract/read-page';
import { parseContent } from '../../src/lib/server/pipeline/recipe/parse';
import { ingredient } from '../helpers/recipe';

const reasons = (line: string) => reviewReasons(parseIngredientLine(line));

describe('review marks', () => {
	it('leaves lines the rules read with confidence alone', () => {
		for (const line of ['2 cups flour', '1 (8 ounce) package cream cheese, softened', 'Salt and pepper to taste', '2 lg eggs', '200gr flour', '3 EL Öl', '2 x 400g tins tomatoes', 'Juice of 1 lemon', '1st class olive oil']) {
			expect(reasons(line), line).toEqual([]);
		}
	});

	it('marks a word after the amount that looks like a unit nobody knows', () => {
		for (const line of ['1 dstspn sugar', '2 cps milk', '2 Zw. Knoblauch', '2 ст. сахара']) expect(reasons(line), line).toEqual(['unit']);
	});

	it('marks a line without a food', () => {
		expect(reasons('2 tsp')).toEqual(['food']);
		expect(reasons('1 1/2')).toEqual(['food']);
	});

	it('judges any reader’s reading: an amount in the text that was not read, a unit that is not known', () => {
		expect(reviewReasons(ingredient('2 eggs', { name: 'eggs' }))).toEqual(['amount']);
		expect(reviewReasons(ingredient('Two eggs', { name: 'eggs' }))).toEqual(['amount']);
		expect(reviewReasons(ingredient('1 sprinkle salt', { quantity: 1, unit: 'sprinkle', name: 'salt' }))).toEqual(['unit']);
		expect(reviewReasons(ingredient('1 tbsp oil', { quantity: 1, unit: 'tbsp', name: 'oil' }))).toEqual([]);
		expect(reviewReasons(ingredient('salt', { name: 'salt' }))).toEqual([]);
	});

	it('a line with nothing unsure has no review key, and old marks are judged afresh', () => {
		expect(markForReview(parseIngredientLine('2 cups flour'))).not.toHaveProperty('review');
		const fixed = { ...ingredient('2 cups flour', { quantity: 2, unit: 'cup', name: 'flour' }), review: ['food' as const] };
		expect(markForReview(fixed)).not.toHaveProperty('review');
		expect(markForReview(parseIngredientLine('2 tsp'))).toMatchObject({ review: ['food'] });
	});

	it('an import marks the lines it was unsure of', async () => {
		const ld = { '@context': 'https://schema.org', '@type': 'Recipe', name: 'Tea', recipeIngredient: ['2 cups water', '1 dstspn sugar', '2 tsp'], recipeInstructions: ['Boil.'] };
		const content = readPage(`<html><head><script type="application/ld+json">${JSON.stringify(ld)}</script></head><body></body></html>`, 'https://tea.example.com/');
		const recipe = await parseContent(content, { llm: null, llmMaxInputChars: 1000 }, { signal: new AbortController().signal, progress: () => {}, log: pino({ level: 'silent' }) });
		expect(allIngredients(recipe).map((i) => [i.text, i.review])).toEqual([
			['2 cups water', undefined],
			['1 dstspn sugar', ['unit']],
			['2 tsp', ['food']]
		]);
	});
});
