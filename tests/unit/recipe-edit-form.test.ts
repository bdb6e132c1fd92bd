import { describe, expect, it } from 'vitest';
import { RecipePatch } from '../../src/lib/contract/recipe-edit';
import { formOf, newLine, patchOf, unchanged } from '../../src/lib/recipe-edit-form';
import { ingredient, makeRecipe } from '../helpers/recipe';

describe('the edit form', () => {
	it('an untouched form is a patch that changes nothing the server keeps', () => {
		const recipe = makeRecipe({ tags: ['breakfast', 'quick'] });
		const patch = RecipePatch.parse(patchOf(formOf(recipe)));
		expect(patch).toMatchObject({ title: recipe.title, description: recipe.description, servings: 4, tags: ['breakfast', 'quick'] });
		expect(patch.ingredientGroups).toEqual([{ name: null, lines: recipe.ingredientGroups[0]!.ingredients.map((i) => i.text) }]);
		expect(patch.stepGroups).toEqual([{ name: null, steps: recipe.stepGroups[0]!.steps }]);
	});

	it('leaves out blank lines, steps and sections; sends a checked line as reviewed only while it is unchanged', () => {
		const marked = { ...ingredient('2 tsp', { quantity: 2, unit: 'teaspoon' }), review: ['food' as const] };
		const form = formOf(makeRecipe({ ingredientGroups: [{ name: null, ingredients: [marked] }], tags: [] }));
		const line = form.ingredientGroups[0]!.lines[0]!;
		line.reviewed = true;
		form.ingredientGroups[0]!.lines.push(newLine('   '));
		form.ingredientGroups.push({ key: -1, name: 'Empty', lines: [newLine('')] });
		form.stepGroups[0]!.steps.push({ key: -2, text: ' ' });
		form.tags = ' a, ,b ';
		form.servings = Number.NaN;
		expect(patchOf(form)).toMatchObject({
			servings: null,
			tags: ['a', 'b'],
			ingredientGroups: [{ name: '', lines: [{ text: '2 tsp', reviewed: true }] }],
			stepGroups: [{ steps: makeRecipe().stepGroups[0]!.steps }]
		});
		line.text = '2 tsp sugar';
		expect(unchanged(line)).toBe(false);
		expect(patchOf(form).ingredientGroups).toEqual([{ name: '', lines: ['2 tsp sugar'] }]);
	});

	it('a recipe without ingredients or steps still gives a section to type into', () => {
		const form = formOf(makeRecipe({ ingredientGroups: [], stepGroups: [] }));
		expect(form.ingredientGroups).toHaveLength(1);
		expect(form.stepGroups).toHaveLength(1);
		expect(patchOf(form)).toMatchObject({ ingredientGroups: [], stepGroups: [] });
	});
});
