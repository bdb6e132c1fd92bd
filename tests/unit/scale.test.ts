import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { displayAmount, displayQuantity, scaleFactor, scaleGroups, scaleIngredient } from '../../src/lib/scale';
import { ingredient } from '../helpers/recipe';

describe('scaleFactor', () => {
	it('is servings wanted over servings stated', () => {
		expect(scaleFactor(8, 4)).toBe(2);
		expect(scaleFactor(2, 4)).toBe(0.5);
		expect(scaleFactor(3, 4)).toBe(0.75);
		expect(scaleFactor(4, 4)).toBe(1);
	});

	it('is 1 (the recipe as written) when either number is missing or not a positive number', () => {
		for (const [wanted, stated] of [
			[null, 4],
			[4, null],
			[undefined, 4],
			[0, 4],
			[-2, 4],
			[4, 0],
			[Number.NaN, 4],
			[4, Number.POSITIVE_INFINITY]
		] as const) {
			expect(scaleFactor(wanted, stated)).toBe(1);
		}
	});
});

describe('scaling ingredients', () => {
	const flour = ingredient('2 cups flour', { quantity: 2, unit: 'cup', name: 'flour' });

	it('multiplies the amount and the top of a range, and keeps the rest of the line', () => {
		expect(scaleIngredient(flour, 2)).toEqual({ ...flour, quantity: 4 });
		const range = ingredient('2-3 eggs', { quantity: 2, quantityMax: 3, name: 'eggs' });
		expect(scaleIngredient(range, 2)).toMatchObject({ quantity: 4, quantityMax: 6, name: 'eggs', text: '2-3 eggs' });
	});

	it('leaves a line without an amount ("salt to taste") without one', () => {
		const salt = ingredient('salt to taste', { name: 'salt', comment: 'to taste' });
		expect(scaleIngredient(salt, 3)).toEqual(salt);
	});

	it('scales every group and keeps the group names', () => {
		const groups = [
			{ name: 'Dough', ingredients: [flour] },
			{ name: null, ingredients: [ingredient('1 tsp salt', { quantity: 1, unit: 'teaspoon' })] }
		];
		const scaled = scaleGroups(groups, 0.5);
		expect(scaled.map((g) => g.name)).toEqual(['Dough', null]);
		expect(scaled.flatMap((g) => g.ingredients.map((i) => i.quantity))).toEqual([1, 0.5]);
		expect(scaleGroups(groups, 1)).toBe(groups);
	});

	it('never changes the recipe it was given', () => {
		const before = structuredClone(flour);
		scaleIngredient(flour, 3);
		expect(flour).toEqual(before);
	});
});

describe('showing scaled amounts', () => {
	it('writes fractions as cooks do', () => {
		expect(displayAmount(ingredient('2 cups flour', { quantity: 2 }), 0.75)).toBe('1½');
		expect(displayAmount(ingredient('1 tsp salt', { quantity: 1 }), 0.75)).toBe('¾');
		expect(displayAmount(ingredient('1 cup milk', { quantity: 1 }), 1 / 3)).toBe('⅓');
		expect(displayAmount(ingredient('½ cup milk', { quantity: 0.5 }), 5)).toBe('2½');
		expect(displayAmount(ingredient('3 eggs', { quantity: 3 }), 2 / 3)).toBe('2');
		expect(displayAmount(ingredient('2 cups flour', { quantity: 2 }), 2)).toBe('4');
	});

	it('scales both ends of a range, and shows one number when they meet', () => {
		expect(displayAmount(ingredient('2-3 eggs', { quantity: 2, quantityMax: 3 }), 2)).toBe('4–6');
		expect(displayAmount(ingredient('2 eggs', { quantity: 2, quantityMax: 2 }), 2)).toBe('4');
	});

	it('is empty for a line without an amount', () => {
		expect(displayAmount(ingredient('salt to taste'), 2)).toBe('');
	});

	it('rounds large scaled amounts to whole numbers unless they land on a fraction', () => {
		expect(displayQuantity(1000 / 3)).toBe('333');
		expect(displayQuantity(12.5)).toBe('12½');
		expect(displayQuantity(10.25)).toBe('10¼');
		expect(displayQuantity(12.6)).toBe('13');
		expect(displayQuantity(150.5)).toBe('151');
		expect(displayQuantity(0.15)).toBe('0.15');
		expect(displayAmount(ingredient('250 g butter', { quantity: 250 }), 4 / 3)).toBe('333');
	});

	it('shows an unscaled amount exactly as the source stated it', () => {
		expect(displayAmount(ingredient('12.6 g yeast', { quantity: 12.6 }))).toBe('12.6');
		expect(displayAmount(ingredient('333.3 g flour', { quantity: 333.3 }))).toBe('333.3');
		expect(displayAmount(ingredient('1 1/2 cups', { quantity: 1.5 }), 1)).toBe('1½');
	});

	it('scaling up then down again gives back the amount shown at first', () => {
		fc.assert(
			fc.property(fc.integer({ min: 1, max: 200 }).map((n) => n / 4), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 12 }), (q, stated, wanted) => {
				const up = scaleIngredient(ingredient('x', { quantity: q }), scaleFactor(wanted, stated));
				const back = scaleIngredient(up, scaleFactor(stated, wanted));
				expect(displayAmount(back, 1)).toBe(displayAmount(ingredient('x', { quantity: q })));
			})
		);
	});
});
