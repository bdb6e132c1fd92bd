import { Recipe, type Ingredient } from '../../src/lib/contract/recipe';

/** An ingredient line with the parts the parser would find in it. */
export function ingredient(text: string, parts: Partial<Omit<Ingredient, 'text'>> = {}): Ingredient {
	return { text, quantity: null, quantityMax: null, unit: null, name: null, comment: null, ...parts };
}

/** A complete, valid recipe (the model the parsing phase outputs), with `overrides` on top. */
export function makeRecipe(overrides: Partial<Recipe> = {}): Recipe {
	return Recipe.parse({
		title: 'Pancakes',
		description: 'Fluffy on a Sunday.',
		yields: '4 servings',
		servings: 4,
		prepMinutes: 10,
		cookMinutes: 20,
		totalMinutes: 30,
		ingredientGroups: [
			{
				name: null,
				ingredients: [
					ingredient('2 cups flour', { quantity: 2, unit: 'cup', name: 'flour' }),
					ingredient('1 tsp salt', { quantity: 1, unit: 'teaspoon', name: 'salt' }),
					ingredient('3 eggs, beaten', { quantity: 3, name: 'eggs', comment: 'beaten' })
				]
			}
		],
		stepGroups: [{ name: null, steps: ['Mix the flour and salt.', 'Stir in the eggs and fry.'] }],
		tags: [],
		image: 'https://example.com/pancakes.jpg',
		sourceUrl: 'https://example.com/pancakes',
		siteName: 'Example Kitchen',
		author: null,
		nutrition: null,
		parsedBy: 'structured-data',
		...overrides
	});
}
