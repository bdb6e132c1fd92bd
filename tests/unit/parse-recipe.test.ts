import { describe, expect, it } from 'vitest';
import pino from 'pino';
import { Recipe } from '../../src/lib/contract/recipe';
import { readPage } from '../../src/lib/server/pipeline/recipe/extract/read-page';
import { parseContent } from '../../src/lib/server/pipeline/recipe/parse';
import { ingredientGroups, isIngredientHeading, stepGroups } from '../../src/lib/server/pipeline/recipe/parse/sections';
import { servingsOf } from '../../src/lib/server/pipeline/recipe/parse/servings';
import { PermanentError } from '../../src/lib/server/failures/errors';

const ld = (data: unknown) => `<script type="application/ld+json">${JSON.stringify(data)}</script>`;
const page = (head: string, body = '', url = 'https://food.example.com/pie') => readPage(`<html><head>${head}</head><body>${body}</body></html>`, url);
const ctx = { signal: new AbortController().signal, progress: () => {}, log: pino({ level: 'silent' }) };
const noModel = { llm: null, llmMaxInputChars: 12_000 };

describe('sections of ingredient and step lists', () => {
	it('tells section names from ingredients', () => {
		for (const h of ['For the sauce:', 'Für den Teig', 'Pour la pâte', 'DRESSING', 'Topping:']) expect(isIngredientHeading(h), h).toBe(true);
		for (const l of ['2 eggs', 'Salt and pepper', 'SALT AND PEPPER', 'For 4 people you need 2 eggs', 'Butter, for greasing', '']) expect(isIngredientHeading(l), l).toBe(false);
	});

	it('groups ingredients under their section names and drops empty sections', () => {
		const parse = (text: string) => ({ text, quantity: null, quantityMax: null, unit: null, name: text, comment: null });
		const groups = ingredientGroups(['Ingredients:', '2 eggs', 'For the glaze:', '1 cup sugar', 'Juice of 1 lemon'], parse);
		expect(groups.map((g) => [g.name, g.ingredients.map((i) => i.text)])).toEqual([
			['Ingredients', ['2 eggs']],
			['For the glaze', ['1 cup sugar', 'Juice of 1 lemon']]
		]);
	});

	it('groups ingredients under the group names extraction read from the page, whatever they look like', () => {
		const parse = (text: string) => ({ text, quantity: null, quantityMax: null, unit: null, name: text, comment: null });
		const groups = ingredientGroups(['Barbacoa', '1 pound beef', 'Whole30 Tortillas', '2 plantains'], parse, ['Barbacoa', 'Whole30 Tortillas']);
		expect(groups.map((g) => [g.name, g.ingredients.map((i) => i.text)])).toEqual([
			['Barbacoa', ['1 pound beef']],
			['Whole30 Tortillas', ['2 plantains']]
		]);
	});

	it('groups steps under known section names and lines that end in a colon', () => {
		const groups = stepGroups(['Mix.', 'Make the glaze:', 'Stir sugar into the juice.', 'Baking', 'Bake 20 min. Cool.'], ['Baking']);
		expect(groups).toEqual([
			{ name: null, steps: ['Mix.'] },
			{ name: 'Make the glaze', steps: ['Stir sugar into the juice.'] },
			{ name: 'Baking', steps: ['Bake 20 min. Cool.'] }
		]);
	});

	it('reads the number a recipe scales by from its yield', () => {
		expect([servingsOf('4 servings'), servingsOf('6'), servingsOf('1 loaf'), servingsOf('1,5 kg'), servingsOf('a crowd'), servingsOf(null)]).toEqual([4, 6, 1, 1.5, null, null]);
	});
});

describe('the parsing phase', () => {
	it('takes a structured recipe as the page gives it, with amounts, sections, times, tags and nutrition', async () => {
		const content = page(
			ld({
				'@type': 'Recipe',
				name: 'Lemon cake',
				recipeYield: ['8', '8 slices'],
				prepTime: 'PT15M',
				cookTime: 'PT40M',
				keywords: 'cake, lemon, baking',
				nutrition: { '@type': 'NutritionInformation', calories: '320 kcal', proteinContent: '5 g', fatContent: ' g' },
				recipeIngredient: ['200 g flour', '2 eggs', 'For the glaze:', '100 g icing sugar'],
				recipeInstructions: [
					{ '@type': 'HowToSection', name: 'Cake', itemListElement: [{ '@type': 'HowToStep', text: 'Mix everything.' }, { '@type': 'HowToStep', text: 'Bake.' }] },
					{ '@type': 'HowToSection', name: 'Glaze', itemListElement: [{ '@type': 'HowToStep', text: 'Stir the sugar with juice.' }] }
				],
				image: 'https://food.example.com/cake.jpg'
			})
		);
		let asked = 0;
		const model = { llm: { completeJson: async () => (asked++, Promise.reject(new Error('must not be called'))) }, llmMaxInputChars: 100 };
		const recipe = await parseContent(content, model, ctx);
		expect(asked).toBe(0);
		expect(Recipe.parse(recipe)).toEqual(recipe);
		expect(recipe).toMatchObject({
			title: 'Lemon cake',
			servings: 8,
			prepMinutes: 15,
			cookMinutes: 40,
			totalMinutes: 55,
			tags: ['cake', 'lemon', 'baking'],
			image: 'https://food.example.com/cake.jpg',
			sourceUrl: 'https://food.example.com/pie',
			parsedBy: 'structured-data',
			nutrition: { calories: '320 kcal', protein: '5 g', fat: null }
		});
		expect(recipe.ingredientGroups.map((g) => g.name)).toEqual([null, 'For the glaze']);
		// A card's empty template ("calories": " calories") is no nutrition at all.
		const empty = page(ld({ '@type': 'Recipe', name: 'Popcorn', nutrition: { calories: ' calories' }, recipeIngredient: ['1 cup corn', '2 tbsp oil'], recipeInstructions: ['Pop.'] }));
		expect((await parseContent(empty, model, ctx)).nutrition).toBeNull();
		expect(recipe.ingredientGroups[0]!.ingredients[0]).toMatchObject({ text: '200 g flour', quantity: 200, unit: 'gram', name: 'flour' });
		expect(recipe.stepGroups).toEqual([
			{ name: 'Cake', steps: ['Mix everything.', 'Bake.'] },
			{ name: 'Glaze', steps: ['Stir the sugar with juice.'] }
		]);
	});

	it("reads a caption's recipe by the rules, with servings and time from its prose", async () => {
		const caption = 'Easy banana bread 🍌\nServes 8 · ready in 1 hour\n\nIngredients:\n- 3 bananas, mashed\n- 2 cups flour\n\nMethod:\n1. Mash the bananas.\n2. Bake for 50 minutes.\n#baking';
		const content = page(
			`<meta property="og:description" content="12 likes, 3 comments - baker on May 1, 2026: &quot;${caption.replace(/\n/g, '&#10;')}&quot;"><meta property="og:image" content="https://cdn.example.com/p.jpg">`,
			'',
			'https://www.instagram.com/p/abc123/'
		);
		const recipe = await parseContent(content, noModel, ctx);
		expect(recipe).toMatchObject({ title: 'Easy banana bread', servings: 8, totalMinutes: 60, parsedBy: 'rules' });
		expect(recipe.ingredientGroups[0]!.ingredients.map((i) => [i.quantity, i.unit, i.name])).toEqual([
			[3, null, 'bananas'],
			[2, 'cup', 'flour']
		]);
		expect(recipe.stepGroups[0]!.steps).toEqual(['Mash the bananas.', 'Bake for 50 minutes.']);
	});

	it('reports a post without a recipe as such instead of inventing one', async () => {
		const content = page(
			`<meta property="og:description" content="90 likes, 4 comments - chef on May 1, 2026: &quot;Sunset at the market today, what a view! #travel&quot;">`,
			'',
			'https://www.instagram.com/p/xyz789/'
		);
		await expect(parseContent(content, noModel, ctx)).rejects.toMatchObject({ kind: 'permanent', code: 'no_recipe', message: 'no recipe found in this post' });
		const article = page('<title>Our story</title>', '<article><p>We started baking in 1999.</p></article>');
		const err = await parseContent(article, noModel, ctx).catch((e: unknown) => e);
		expect(err).toBeInstanceOf(PermanentError);
		expect((err as PermanentError).message).toBe('no recipe found on this page');
	});
});

describe('durations the recipe model cannot hold', () => {
	// Found by fuzzing (tests/unit/fuzz-extract.test.ts): a totalTime of 86400.5 minutes rounded to
	// 86401, over the model's 60 days, and the parsing phase threw a ZodError instead of reading the recipe.
	it('are left out, and the recipe is read', async () => {
		const recipe = await parseContent(
			page(ld({ '@type': 'Recipe', name: 'Pie', recipeIngredient: ['1 egg'], recipeInstructions: ['Bake.'], totalTime: 86400.5, prepTime: 'PT99999999H', cookTime: 'PT10M' })),
			noModel,
			ctx
		);
		expect(recipe).toMatchObject({ title: 'Pie', totalMinutes: null, prepMinutes: null, cookMinutes: 10 });
		expect(Recipe.parse(recipe)).toEqual(recipe);
	});
});
