import { describe, expect, it } from 'vitest';
import { tidyIngredient } from '../../src/lib/server/pipeline/recipe/extract/lines';
import { timed } from '../helpers/fuzz';

describe('tidyIngredient', () => {
	it("drops a recipe-card plugin's brackets around a note the author bracketed already", () => {
		expect(tidyIngredient('▢ 2 eggs ((beaten))')).toBe('2 eggs (beaten)');
		expect(tidyIngredient('1 cup butter ((softened)) , cubed')).toBe('1 cup butter (softened), cubed');
		expect(tidyIngredient('salt ((((to taste))))')).toBe('salt (to taste)');
	});

	it('keeps brackets that are not a doubled pair', () => {
		expect(tidyIngredient('1 can ((400 g) drained)')).toBe('1 can ((400 g) drained)');
		expect(tidyIngredient('2 cloves garlic ((minced) (or 1 tsp paste))')).toBe('2 cloves garlic ((minced) (or 1 tsp paste))');
		expect(tidyIngredient('flour ((unbalanced')).toBe('flour ((unbalanced');
	});

	// A fuzzed page found this: every "((" rescanned the rest of the line, hours for a long one.
	it('takes linear time on a line of a million brackets', () => {
		for (const line of ['('.repeat(1_000_000), '(('.repeat(250_000) + '))'.repeat(250_000), '(('.repeat(500_000) + 'x']) {
			const { ms } = timed(() => tidyIngredient(line));
			expect(ms).toBeLessThan(2_000);
		}
	});
});
