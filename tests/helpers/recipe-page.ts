/**
 * A small real recipe page (schema.org Recipe in JSON-LD, as most recipe sites serve): what fixture
 * sites answer so that items go through parsing, which fails pages that hold no recipe.
 */
export function recipePage(title: string, extraHead = ''): string {
	const data = {
		'@context': 'https://schema.org',
		'@type': 'Recipe',
		name: title,
		recipeYield: '4',
		totalTime: 'PT30M',
		recipeIngredient: ['2 cups flour', '1 tsp salt', '3 eggs, beaten'],
		recipeInstructions: [
			{ '@type': 'HowToStep', text: 'Mix the flour and salt.' },
			{ '@type': 'HowToStep', text: 'Stir in the eggs and bake for 25 minutes.' }
		]
	};
	const escaped = title.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
	return `<html><head><title>${escaped}</title>${extraHead}<script type="application/ld+json">${JSON.stringify(data).replace(/</g, '\\u003c')}</script></head><body><h1>${escaped}</h1></body></html>`;
}

/** A recipe told in prose, with no structured data: parsing sends it to the language model when one is set. */
export function prosePage(title: string, extraHead = ''): string {
	return `<html><head><title>${title}</title>${extraHead}</head><body><article><h1>${title}</h1>
<p>My grandmother made this every Sunday, and the whole house smelled of it.</p>
<h2>Ingredients</h2><ul><li>4 ripe tomatoes</li><li>1 onion, chopped</li><li>2 cups stock</li></ul>
<h2>Method</h2><ol><li>Soften the onion.</li><li>Add the tomatoes and stock and simmer for 20 minutes.</li></ol>
</article></body></html>`;
}

/** What a language model answers for prosePage(title), in Cookmark's recipe draft schema. */
export function proseDraft(title: string) {
	return {
		title,
		description: null,
		yields: '4 servings',
		servings: 4,
		prepMinutes: 5,
		cookMinutes: 20,
		totalMinutes: 25,
		ingredientGroups: [
			{
				name: null,
				ingredients: [
					{ text: '4 ripe tomatoes', quantity: 4, quantityMax: null, unit: null, name: 'tomatoes', comment: 'ripe' },
					{ text: '1 onion, chopped', quantity: 1, quantityMax: null, unit: null, name: 'onion', comment: 'chopped' },
					{ text: '2 cups stock', quantity: 2, quantityMax: null, unit: 'cup', name: 'stock', comment: null }
				]
			}
		],
		stepGroups: [{ name: null, steps: ['Soften the onion.', 'Add the tomatoes and stock and simmer for 20 minutes.'] }],
		tags: ['soup']
	};
}
