import { describe, expect, it } from 'vitest';
import { isoDuration, recipeJsonLd, recipeSlug } from '../../src/lib/recipe-jsonld';
import { ingredient, makeRecipe } from '../helpers/recipe';

describe('recipeJsonLd', () => {
	it('describes the recipe as a schema.org Recipe', () => {
		const doc = recipeJsonLd(makeRecipe({ author: 'Ada Baker', tags: ['breakfast', 'quick'] }));
		expect(doc).toEqual({
			'@context': 'https://schema.org',
			'@type': 'Recipe',
			name: 'Pancakes',
			description: 'Fluffy on a Sunday.',
			image: 'https://example.com/pancakes.jpg',
			url: 'https://example.com/pancakes',
			isBasedOn: 'https://example.com/pancakes',
			author: { '@type': 'Person', name: 'Ada Baker' },
			recipeYield: '4 servings',
			prepTime: 'PT10M',
			cookTime: 'PT20M',
			totalTime: 'PT30M',
			recipeIngredient: ['2 cups flour', '1 tsp salt', '3 eggs, beaten'],
			recipeInstructions: [
				{ '@type': 'HowToStep', text: 'Mix the flour and salt.' },
				{ '@type': 'HowToStep', text: 'Stir in the eggs and fry.' }
			],
			keywords: 'breakfast, quick'
		});
	});

	it('names another page as url when asked, keeping the source as isBasedOn', () => {
		const doc = recipeJsonLd(makeRecipe(), { url: 'https://cookmark.example/recipes/1' });
		expect(doc).toMatchObject({ url: 'https://cookmark.example/recipes/1', isBasedOn: 'https://example.com/pancakes' });
	});

	it('leaves out what the recipe does not state, rather than sending it empty', () => {
		const doc = recipeJsonLd(
			makeRecipe({ description: null, image: null, author: null, yields: null, servings: null, prepMinutes: null, cookMinutes: null, totalMinutes: null, tags: [], nutrition: null })
		);
		for (const key of ['description', 'image', 'author', 'recipeYield', 'prepTime', 'cookTime', 'totalTime', 'keywords', 'nutrition']) {
			expect(doc).not.toHaveProperty(key);
		}
		expect(doc.recipeIngredient).toHaveLength(3);
	});

	it('gives a recipe read from shared pictures no image or url: its picture is referred to inside Cookmark only', () => {
		const doc = recipeJsonLd(makeRecipe({ image: 'urn:cookmark:shared-picture:00000000-0000-4000-8000-000000000001', sourceUrl: null, readFrom: 'pictures' }));
		for (const key of ['image', 'url', 'isBasedOn']) expect(doc).not.toHaveProperty(key);
	});

	it('falls back to the number of servings for the yield', () => {
		expect(recipeJsonLd(makeRecipe({ yields: null, servings: 6 })).recipeYield).toBe('6');
	});

	it('lists every group’s ingredient lines, never the group names', () => {
		const doc = recipeJsonLd(
			makeRecipe({
				ingredientGroups: [
					{ name: 'For the dough', ingredients: [ingredient('500 g flour'), ingredient('1 tsp salt')] },
					{ name: 'For the sauce', ingredients: [ingredient('400 g tomatoes')] }
				]
			})
		);
		expect(doc.recipeIngredient).toEqual(['500 g flour', '1 tsp salt', '400 g tomatoes']);
	});

	it('makes named step groups HowToSections and keeps unnamed steps as HowToSteps, in order', () => {
		const doc = recipeJsonLd(
			makeRecipe({
				stepGroups: [
					{ name: null, steps: ['Heat the oven.'] },
					{ name: 'Dough', steps: ['Knead.', 'Let it rise.'] },
					{ name: 'Sauce', steps: ['Simmer the tomatoes.'] }
				]
			})
		);
		expect(doc.recipeInstructions).toEqual([
			{ '@type': 'HowToStep', text: 'Heat the oven.' },
			{
				'@type': 'HowToSection',
				name: 'Dough',
				itemListElement: [
					{ '@type': 'HowToStep', text: 'Knead.' },
					{ '@type': 'HowToStep', text: 'Let it rise.' }
				]
			},
			{ '@type': 'HowToSection', name: 'Sauce', itemListElement: [{ '@type': 'HowToStep', text: 'Simmer the tomatoes.' }] }
		]);
	});

	it('gives the stated nutrition under schema.org names, and none when nothing is stated', () => {
		const nutrition = { calories: '250 kcal', fat: '12 g', saturatedFat: '3 g', carbohydrates: '30 g', sugar: '8 g', fiber: '2 g', protein: '6 g', sodium: '400 mg' };
		expect(recipeJsonLd(makeRecipe({ nutrition })).nutrition).toEqual({
			'@type': 'NutritionInformation',
			calories: '250 kcal',
			fatContent: '12 g',
			saturatedFatContent: '3 g',
			carbohydrateContent: '30 g',
			sugarContent: '8 g',
			fiberContent: '2 g',
			proteinContent: '6 g',
			sodiumContent: '400 mg'
		});
		const some = { ...Object.fromEntries(Object.keys(nutrition).map((k) => [k, null])), calories: '180 kcal' } as typeof nutrition;
		expect(recipeJsonLd(makeRecipe({ nutrition: some })).nutrition).toEqual({ '@type': 'NutritionInformation', calories: '180 kcal' });
		const none = Object.fromEntries(Object.keys(nutrition).map((k) => [k, null])) as unknown as typeof nutrition;
		expect(recipeJsonLd(makeRecipe({ nutrition: none }))).not.toHaveProperty('nutrition');
	});

	it('is plain JSON (survives a round trip unchanged)', () => {
		const doc = recipeJsonLd(makeRecipe({ author: 'Ada' }));
		expect(JSON.parse(JSON.stringify(doc))).toEqual(doc);
	});
});

describe('isoDuration', () => {
	it('writes minutes as ISO-8601 durations', () => {
		expect([0, 5, 45, 60, 90, 125, 24 * 60 + 30].map(isoDuration)).toEqual(['PT0M', 'PT5M', 'PT45M', 'PT1H', 'PT1H30M', 'PT2H5M', 'PT24H30M']);
	});
});

describe('recipeSlug', () => {
	it('makes a safe file name from a title', () => {
		expect(recipeSlug("Grandma's Crème Brûlée!")).toBe('grandmas-creme-brulee');
		expect(recipeSlug('  Pasta  e  Fagioli  ')).toBe('pasta-e-fagioli');
		expect(recipeSlug('"quoted"/..\\path')).toBe('quoted-path');
		expect(recipeSlug('寿司')).toBe('recipe');
		expect(recipeSlug('a'.repeat(200))).toHaveLength(80);
	});
});
