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
