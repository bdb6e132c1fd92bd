import { describe, expect, it } from 'vitest';
import { extractionSummary, readPage } from '../../src/lib/server/pipeline/recipe/extract/read-page';
import { durationMinutes } from '../../src/lib/server/pipeline/recipe/extract/structured';

const base = 'https://example.com/recipes/pie';
const page = (head: string, body = '') => `<!doctype html><html><head>${head}</head><body>${body}</body></html>`;
const ld = (data: unknown) => `<script type="application/ld+json">${JSON.stringify(data)}</script>`;
const extract = (html: string) => extractionSummary(readPage(html, base));

describe('JSON-LD recipes', () => {
	it('reads a plain Recipe, cleaning entities and HTML inside strings', () => {
		const out = extract(
			page(
				ld({
					'@context': 'https://schema.org',
					'@type': 'Recipe',
					name: 'Mac &#039;n cheese',
					recipeIngredient: ['400 g <b>pumpkin</b>', ' 1 clove  garlic '],
					recipeInstructions: '<p>Boil water.</p><p>Cook&nbsp;pasta.</p>',
					recipeYield: ['4', '4 servings'],
					totalTime: 'PT1H15M',
					image: '/img/pie.jpg',
					author: { '@type': 'Person', name: 'Ann' },
					description: 'Cheesy &amp; good'
				})
			)
		);
		expect(out).toEqual({
			url: base,
			title: "Mac 'n cheese",
			ingredients: ['400 g pumpkin', '1 clove garlic'],
			instructions: ['Boil water.', 'Cook pasta.'],
			yields: '4 servings',
			total_time: 75,
			image: 'https://example.com/img/pie.jpg',
			author: 'Ann',
			description: 'Cheesy & good'
		});
	});

	it('finds the Recipe in an @graph, with @type lists, flattening HowToSections', () => {
		const out = extract(
			page(
				ld({
					'@context': 'https://schema.org',
					'@graph': [
						{ '@type': 'WebPage', name: 'Site page' },
						{
							'@type': ['Recipe', 'NewsArticle'],
							name: 'Layer cake',
							recipeIngredient: ['flour'],
							recipeInstructions: [
								{ '@type': 'HowToSection', name: 'Cake', itemListElement: [{ '@type': 'HowToStep', text: 'Mix.' }, { '@type': 'HowToStep', text: 'Bake.' }] },
								{
									'@type': 'HowToSection',
									name: 'Icing',
									itemListElement: [
										{ '@type': 'HowToStep', name: 'Whip.' },
										{ '@type': 'HowToStep', name: 'Glaze', text: 'Pour over the cake.' },
										{ '@type': 'HowToStep', name: 'Step 3', text: 'Chill.' },
										{ '@type': 'HowToStep', name: 'Leave it', text: 'Leave it to set.' }
									]
								}
							],
							prepTime: 'PT20M',
							cookTime: 'PT40M',
							image: [{ '@type': 'ImageObject', url: 'https://cdn.example.com/cake.jpg' }]
						}
					]
				})
			)
		);
		expect(out).toMatchObject({ title: 'Layer cake', instructions: ['Cake', 'Mix.', 'Bake.', 'Icing', 'Whip.', 'Glaze', 'Pour over the cake.', 'Chill.', 'Leave it to set.'], total_time: 60, image: 'https://cdn.example.com/cake.jpg' });
	});

	it('takes the largest rendition of the recipe\'s picture', () => {
		const images = ['https://example.com/p-225x225.jpg', 'https://example.com/p-1200x800.jpg', 'https://example.com/p.jpg'];
		expect(extract(page(ld({ '@type': 'Recipe', name: 'x', image: images }))).image).toBe('https://example.com/p.jpg');
		expect(extract(page(ld({ '@type': 'Recipe', name: 'x', image: images.slice(0, 2) }))).image).toBe('https://example.com/p-1200x800.jpg');
	});

	it('on a WordPress blog prefers the post\'s share picture to the recipe card\'s crops; elsewhere the recipe\'s own', () => {
		const wp = ['https://blog.example/wp-content/uploads/p-225x225.jpg', 'https://blog.example/wp-content/uploads/p.jpg'];
		const share = '<meta property="og:image" content="https://blog.example/wp-content/uploads/featured.jpg">';
		expect(extract(page(share + ld({ '@type': 'Recipe', name: 'x', image: wp }))).image).toBe('https://blog.example/wp-content/uploads/featured.jpg');
		const magazine = '<meta property="og:image" content="https://cdn.example.com/16:9/w_1280/p.jpg">';
		expect(extract(page(magazine + ld({ '@type': 'Recipe', name: 'x', image: 'https://cdn.example.com/5:7/w_1936/p.jpg' }))).image).toBe(
			'https://cdn.example.com/5:7/w_1936/p.jpg'
		);
		// A link-preview crop or a logo never leads, even on a blog.
		const card = '<meta property="og:image" content="https://blog.example/wp-content/uploads/p-1200x630.jpg">';
		expect(extract(page(card + ld({ '@type': 'Recipe', name: 'x', image: wp }))).image).toBe('https://blog.example/wp-content/uploads/p.jpg');
		const logo = '<meta property="og:image" content="https://blog.example/wp-content/uploads/cropped-site-logo.png">';
		expect(extract(page(logo + ld({ '@type': 'Recipe', name: 'x', image: wp }))).image).toBe('https://blog.example/wp-content/uploads/p.jpg');
	});

	it('follows an image given by reference to its node in the graph', () => {
		const graph = {
			'@context': 'https://schema.org',
			'@graph': [
				{ '@type': 'Recipe', name: 'x', image: { '@id': 'https://example.com/pie#primaryimage' } },
				{ '@type': 'ImageObject', '@id': 'https://example.com/pie#primaryimage', url: 'https://example.com/pie.jpg', width: 1200, height: 800 }
			]
		};
		expect(extract(page(ld(graph))).image).toBe('https://example.com/pie.jpg');
		// An unresolved fragment names a node, not a picture.
		expect(extract(page(ld({ '@type': 'Recipe', name: 'x', image: { '@id': 'https://example.com/pie#nothing' } }))).image).toBeNull();
	});

	it('reads the share picture as the page meant it: the https address first, a glued-on host removed', () => {
		const both = '<meta property="og:image" content="http://shop.example/p.jpg"><meta property="og:image:secure_url" content="https://shop.example/p.jpg">';
		expect(extract(page(both)).image).toBe('https://shop.example/p.jpg');
		const glued = '<meta property="og:image" content="http://example.comhttps://cdn.example.net/pie.jpg">';
		expect(extract(page(glued)).image).toBe('https://cdn.example.net/pie.jpg');
		// An image CDN's fetch URL carries the original inside its path, and is kept whole.
		const fetched = '<meta property="og:image" content="https://res.example.net/image/fetch/w_1600/https://example.com/pie.jpg">';
		expect(extract(page(fetched)).image).toBe('https://res.example.net/image/fetch/w_1600/https://example.com/pie.jpg');
		// An absolute address stays as written, not re-escaped.
		const accented = '<meta property="og:image" content="https://example.com/Fritadeira-Elétrica.jpg">';
		expect(extract(page(accented)).image).toBe('https://example.com/Fritadeira-Elétrica.jpg');
	});

	it('without a share or recipe picture, takes the content picture captioned with the title, never furniture', () => {
		const body = `<header><img src="/hero-banner.jpg" width="1200"></header>
			<img src="/logo.png" alt="Site"><img src="/thumb.jpg" width="80" height="80">
			<img src="/kitchen.jpg" alt="Our kitchen"><img src="/pie.jpg" alt="Pumpkin pie, sliced">`;
		expect(extract(page('<title>Pumpkin pie</title>', body)).image).toBe('https://example.com/pie.jpg');
		// With no captioned picture, the first one in the content that is not furniture.
		expect(extract(page('<title>Pumpkin pie</title>', body.replace('Pumpkin pie, sliced', ''))).image).toBe('https://example.com/kitchen.jpg');
		// A share picture that is the site's icon gives way to the content's picture.
		expect(extract(page('<title>Pumpkin pie</title><meta property="og:image" content="/media/icon.jpg">', body)).image).toBe('https://example.com/pie.jpg');
	});

	it('repairs the JSON mistakes sites make: JavaScript escapes, trailing commas, a closing semicolon', () => {
		const sloppy = `<script type="application/ld+json">{"@type":"Recipe","name":"Don\\'t stop","recipeIngredient":["1 egg",],"totalTime":"PTH5M"};</script>`;
		expect(extract(page(sloppy))).toMatchObject({ title: "Don't stop", ingredients: ['1 egg'], total_time: 5 });
	});

	it('splits ingredients given as one HTML string, and tidies card-plugin artefacts', () => {
		const blob = ld({ '@type': 'Recipe', name: 'x', recipeIngredient: ['<p>1 cup flour<br/>▢ 2 eggs ((beaten))<br>1 tsp salt , fine</p>'] });
		expect(extract(page(blob)).ingredients).toEqual(['1 cup flour', '2 eggs (beaten)', '1 tsp salt, fine']);
		const escaped = ld({ '@type': 'Recipe', name: 'x', recipeInstructions: ['&lt;p&gt;Stir.&lt;/p&gt;&lt;p&gt;Serve.&lt;/p&gt;'] });
		expect(extract(page(escaped)).instructions).toEqual(['Stir.', 'Serve.']);
	});

	it('repairs UTF-8 that the site stored as Latin-1 or Windows-1252, and leaves real accents alone', () => {
		const garbled = ld({ '@type': 'Recipe', name: 'CrÃ¨me brÃ»lÃ©e', recipeIngredient: ['1Â¼ cups cream', 'SÃO PAULO coffee'], recipeInstructions: ['Itâ€™s done at 90Â°C.'] });
		expect(extract(page(garbled))).toMatchObject({
			title: 'Crème brûlée',
			ingredients: ['1¼ cups cream', 'SÃO PAULO coffee'],
			instructions: ['It’s done at 90°C.']
		});
	});

	it("reads a step's line breaks as lines, unless its text is hard-wrapped mid-sentence", () => {
		const step = (text: string) => ({ '@type': 'HowToStep', text });
		const wrapped = ld({ '@type': 'Recipe', name: 'Cake', recipeInstructions: [step('Preheat the oven and grease the tins. Put the flour,\r\nsugar and cocoa into a bowl.\r\nWhisk to combine.'), step('Bake.')] });
		expect(extract(page(wrapped)).instructions).toEqual(['Preheat the oven and grease the tins. Put the flour, sugar and cocoa into a bowl. Whisk to combine.', 'Bake.']);
		const lines = ld({ '@type': 'Recipe', name: 'Pasta', recipeInstructions: { '@type': 'HowToSection', name: 'Method', itemListElement: [step('Peel the aubergines.\nFry them in oil.\n\nBlend.')] } });
		expect(extract(page(lines)).instructions).toEqual(['Method', 'Peel the aubergines.', 'Fry them in oil.', 'Blend.']);
	});

	it("drops the label a site prints before a step's sentence, but keeps it before a section title", () => {
		const data = ld({ '@type': 'Recipe', name: 'Pizza', recipeInstructions: ['Step 1 Install the pizza stone.', 'STEP 2 | Stretch the dough.', 'Étape 3 : Cuisson des carottes', '4. Bake.'] });
		expect(extract(page(data)).instructions).toEqual(['Install the pizza stone.', 'Stretch the dough.', 'Étape 3 : Cuisson des carottes', '4. Bake.']);
	});

	it('reports a serving range by its upper end', () => {
		expect(extract(page(ld({ '@type': 'Recipe', name: 'x', recipeYield: 'Serves 4-6' }))).yields).toBe('Serves 6');
		expect(extract(page(ld({ '@type': 'Recipe', name: 'x', recipeYield: ['12', '12 cookies'] }))).yields).toBe('12 servings');
		expect(extract(page(ld({ '@type': 'Recipe', name: 'x', recipeYield: 1 }))).yields).toBe('1 serving');
	});

	it('survives broken JSON (raw line breaks in strings, kept as the lines they are) and ignores blocks it cannot read', () => {
		const broken = `<script type="application/ld+json">{"@type":"Recipe",
"name":"Soup\\t","recipeIngredient":["1 onion
2 l stock\r
Salt"],"recipeInstructions":"Chop.
Simmer \\"slowly\\"."}</script><script type="application/ld+json">{ not json</script>`;
		expect(extract(page(broken))).toMatchObject({ title: 'Soup', ingredients: ['1 onion', '2 l stock', 'Salt'], instructions: ['Chop.', 'Simmer "slowly".'] });
	});
});

describe('microdata and fallbacks', () => {
	it('reads schema.org Recipe microdata, not the nested author\'s properties', () => {
		const out = extract(
			page(
				'<title>Site</title>',
				`<div itemscope itemtype="https://schema.org/Recipe">
					<h1 itemprop="name">Scones</h1>
					<span itemprop="author" itemscope itemtype="https://schema.org/Person"><span itemprop="name">Bea</span></span>
					<meta itemprop="totalTime" content="PT25M"><span itemprop="recipeYield">8</span>
					<img itemprop="image" src="/scones.jpg">
					<ul><li itemprop="recipeIngredient">250 g flour</li><li itemprop="recipeIngredient">50 g butter</li></ul>
					<table><tr itemprop="recipeIngredient"><td><span>1</span></td><th>egg, beaten</th></tr></table>
					<ol itemprop="recipeInstructions"><li>Rub in.</li><li>Bake.</li></ol>
				</div>`
			)
		);
		expect(out).toMatchObject({
			title: 'Scones',
			author: 'Bea',
			ingredients: ['250 g flour', '50 g butter', '1 egg, beaten'],
			instructions: ['Rub in.', 'Bake.'],
			yields: '8 servings',
			total_time: 25,
			image: 'https://example.com/scones.jpg'
		});
	});

	it('a page without structured data still gives its OpenGraph title, picture and description', () => {
		const out = extract(page('<meta property="og:title" content="Just a page"><meta property="og:image" content="/a.png"><meta name="description" content="About it">'));
		expect(out).toEqual({
			url: base,
			title: 'Just a page',
			ingredients: [],
			instructions: [],
			yields: null,
			total_time: null,
			image: 'https://example.com/a.png',
			author: null,
			description: 'About it'
		});
	});
});

describe("ingredient groups the page prints over the data's lines", () => {
	const data = ld({ '@type': 'Recipe', name: 'Cake', recipeIngredient: ['2 cups flour', '1 egg (beaten)', '1 cup sugar', '2 tbsp milk'] });
	const recipeOf = (body: string) => readPage(page(data, body), base).recipe!;
	const items = (lines: string[], attrs = '') => `<ul>${lines.map((l) => `<li${attrs}>${l}</li>`).join('')}</ul>`;

	it('keeps the data\'s lines under the headings of a WP Recipe Maker card, and leaves them out of the contract\'s flat list', () => {
		const group = (name: string, lines: string[]) =>
			`<div class="wprm-recipe-ingredient-group"><h4 class="wprm-recipe-group-name">${name}</h4>${items(lines, ' class="wprm-recipe-ingredient"')}</div>`;
		// The card prints the note without the data's brackets, and a check box before each line.
		const html = page(data, `<div class="wprm-recipe-ingredients-container"><h3 class="wprm-recipe-header">Ingredients</h3>${group('Cake', ['▢ 2 cups flour', '▢ 1 egg beaten'])}${group('Glaze', ['▢ 1 cup sugar', '▢ 2 tbsp milk'])}</div>`);
		const recipe = readPage(html, base).recipe!;
		expect(recipe.ingredients).toEqual(['Cake', '2 cups flour', '1 egg (beaten)', 'Glaze', '1 cup sugar', '2 tbsp milk']);
		expect(recipe.ingredientHeadings).toEqual(['Cake', 'Glaze']);
		expect(extract(html).ingredients).toEqual(['2 cups flour', '1 egg (beaten)', '1 cup sugar', '2 tbsp milk']);
	});

	it('takes any theme\'s heading between the lists, and names the first group only by a heading marked up alike', () => {
		const recipe = recipeOf(`<div class="card"><h3>Ingredients</h3><p class="yield">Makes one cake</p>${items(['2 cups flour', '1 egg (beaten)'])}<p><strong>Glaze</strong></p>${items(['1 cup sugar', '2 tbsp milk'])}</div>`);
		expect(recipe.ingredients).toEqual(['2 cups flour', '1 egg (beaten)', 'Glaze', '1 cup sugar', '2 tbsp milk']);
		expect(recipe.ingredientHeadings).toEqual(['Glaze']);
	});

	it('takes headings set as items of the list itself', () => {
		const recipe = recipeOf(`<ul><li class="sub">Dough</li><li>2 cups flour</li><li>1 egg, beaten</li><li class="sub">Glaze</li><li>1 cup sugar</li><li>2 tbsp milk</li></ul>`);
		expect(recipe.ingredientHeadings).toEqual(['Dough', 'Glaze']);
	});

	it("finds the card's groups after the post's own copy of the list", () => {
		const card = `<div class="recipe-card"><h4>Dough</h4>${items(['2 cups flour', '1 egg (beaten)'])}<h4>Glaze</h4>${items(['1 cup sugar', '2 tbsp milk'])}</div>`;
		const recipe = recipeOf(`<article><p>You will need:</p>${items(['2 cups flour', '1 egg (beaten)', '1 cup sugar', '2 tbsp milk'])}<p>Now the recipe.</p></article>${card}`);
		expect(recipe.ingredientHeadings).toEqual(['Dough', 'Glaze']);
	});

	it.each([
		['the page shows one list', items(['2 cups flour', '1 egg (beaten)', '1 cup sugar', '2 tbsp milk'])],
		['lists follow each other without headings', `${items(['2 cups flour', '1 egg (beaten)'])}${items(['1 cup sugar', '2 tbsp milk'])}`],
		['the page shows a line the data lacks', `<h4>Dough</h4>${items(['2 cups flour', '1 egg (beaten)'])}<h4>Glaze</h4>${items(['1 cup sugar', '1 tsp vanilla', '2 tbsp milk'])}`],
		['the page lacks a line of the data', `<h4>Dough</h4>${items(['2 cups flour', '1 egg (beaten)'])}<h4>Glaze</h4>${items(['1 cup sugar'])}`],
		['a note stands between the lists', `${items(['2 cups flour', '1 egg (beaten)'])}<p>Whisk these first, then set the bowl aside while you make the glaze below.</p>${items(['1 cup sugar', '2 tbsp milk'])}`],
		['the lines between the lists are marked up unlike each other', `<h4>Dough</h4>${items(['2 cups flour'])}<h4>Filling</h4>${items(['1 egg (beaten)'])}<p class="ad">Advertisement</p>${items(['1 cup sugar', '2 tbsp milk'])}`]
	])('keeps the flat list when %s', (_, body) => {
		const recipe = recipeOf(body);
		expect(recipe.ingredients).toEqual(['2 cups flour', '1 egg (beaten)', '1 cup sugar', '2 tbsp milk']);
		expect(recipe.ingredientHeadings).toBeUndefined();
	});
});

describe('durations', () => {
	it.each([
		['PT1H30M', 90],
		['P0DT45M', 45],
		['PT90M', 90],
		['P1DT2H', 1560],
		['PT0.5H', 30],
		['30', 30],
		['1 hour 20 mins', 80],
		['PT0S', null],
		['soon', null],
		[15, 15]
	])('%s → %s minutes', (input, minutes) => {
		expect(durationMinutes(input)).toBe(minutes);
	});
});
