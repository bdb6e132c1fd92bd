import { describe, expect, it } from 'vitest';
import { extractionSummary, readPage } from '../../src/lib/server/pipeline/recipe/extract/read-page';

const base = 'https://food.example.com/recipes/pie';
const extract = (body: string, head = '') => extractionSummary(readPage(`<html><head>${head}</head><body>${body}</body></html>`, base));
const ld = (data: unknown) => `<script type="application/ld+json">${JSON.stringify(data)}</script>`;

describe('recipes read from the markup, for pages without structured data', () => {
	it('takes the lists inside elements named for ingredients and method', () => {
		const out = extract(`
			<nav><ul><li>Home</li><li>Recipes</li></ul></nav>
			<h1>Apple pie</h1>
			<div class="recipe-ingredients"><ul><li>US</li><li>Metric</li></ul><ul><li>3 apples</li><li>1 cup <b>sugar</b></li></ul><ul><li>1 pie crust</li></ul></div>
			<div class="recipe-instructions"><ol><li>Slice the apples.</li><li>Bake for 40 minutes.</li></ol></div>
			<div class="share-buttons"><ul><li>Facebook</li><li>Pinterest</li></ul></div>`);
		expect(out).toMatchObject({
			title: 'Apple pie',
			ingredients: ['3 apples', '1 cup sugar', '1 pie crust'],
			instructions: ['Slice the apples.', 'Bake for 40 minutes.']
		});
	});

	it('takes the lists under headings in several languages, up to the next section', () => {
		const out = extract(`
			<h1>Apfelkuchen</h1>
			<div><h3>Zutaten:</h3></div>
			<ul><li>3 Äpfel</li><li>200 g Mehl</li></ul>
			<p><strong>Für den Guss</strong></p>
			<ul><li>1 Ei</li></ul>
			<h3>Zubereitung</h3>
			<p>Äpfel schneiden.</p><p>Backen.</p>
			<h3>Kommentare</h3><p>Lecker!</p>`);
		expect(out.ingredients).toEqual(['3 Äpfel', '200 g Mehl', 'Für den Guss', '1 Ei']);
		expect(out.instructions).toEqual(['Äpfel schneiden.', 'Backen.']);
	});

	it('falls back to lists whose items start with amounts, counting a repeated card once', () => {
		const list = '<ul><li>2 cups flour</li><li>½ tsp salt</li><li>1 egg</li></ul>';
		const out = extract(`<h1>Bread</h1><ul><li>About us</li><li>Contact</li></ul>${list}${list}`);
		expect(out.ingredients).toEqual(['2 cups flour', '½ tsp salt', '1 egg']);
		const bulleted = extract(`<h1>Piccata</h1><p>Tatsache ist: lecker.<br>Und dazu Risotto.</p><p><em>• 15 g Parmesan<br>• 1 Ei (<a href="#">kl.</a>)<br>• 1 EL Wasser<br>• Salz, Pfeffer</em></p>`);
		expect(bulleted.ingredients).toEqual(['15 g Parmesan', '1 Ei (kl.)', '1 EL Wasser', 'Salz, Pfeffer']);
	});

	it('reads past a heading\'s inline decoration, such as a wiki\'s edit link', () => {
		const out = extract(`<h1>Pumpkin pie</h1><div class="mw-heading"><h2>Ingredients</h2><span class="mw-editsection">[<a href="#">edit</a>]</span></div>
			<ul><li>2 cups milk</li><li>1 cup maple syrup</li></ul><div class="mw-heading"><h2>Procedure</h2><span>[<a href="#">edit</a>]</span></div><ol><li>Mix it all well.</li><li>Bake for an hour.</li></ol>`);
		expect(out).toMatchObject({ ingredients: ['2 cups milk', '1 cup maple syrup'], instructions: ['Mix it all well.', 'Bake for an hour.'] });
	});

	it('takes list items named alike as one list across the lists of its sections', () => {
		const out = extract(`<h1>Mantu</h1><div class="post"><p>Afghan mantu is a dumpling.</p><h3>For the filling</h3>
			<ul><li class="ingredient">2 cups onions</li><li class="ingredient">1 pound beef</li></ul><h3>For the sauce</h3><ul><li class="ingredient">500 ml yogurt</li></ul></div>`);
		expect(out.ingredients).toEqual(['2 cups onions', '1 pound beef', '500 ml yogurt']);
	});

	it("never takes the page's own frame for furniture, whatever its theme's classes say", () => {
		const out = extractionSummary(
			readPage(`<html><body class="theme avada-social-full-transparent"><main class="has-share-bar"><h1>Pie</h1><h3>Ingredients:</h3><ul><li>3 eggs</li><li>1 pie crust</li></ul><div class="share"><ul><li>Facebook</li><li>X</li></ul></div></main></body></html>`, base)
		);
		expect(out.ingredients).toEqual(['3 eggs', '1 pie crust']);
	});

	it('reads on past a lower heading that names a part of the list, and stops at one of its own level', () => {
		const out = extract(`<h1>Yuringi</h1><h2>Ingredients</h2><ul><li>1 pound chicken</li><li>½ tsp salt</li></ul><h3>For sauce:</h3><ul><li>3 tbsp soy sauce</li></ul>
			<h2>Good to know</h2><ul><li>4 servings</li></ul><h2>Directions</h2><ol><li>Fry the chicken.</li><li>Pour the sauce over it.</li></ol>`);
		expect(out.ingredients).toEqual(['1 pound chicken', '½ tsp salt', 'For sauce:', '3 tbsp soy sauce']);
	});

	it('reads on past step numbers set as headings, and stops at the next real heading', () => {
		const out = extract(`<h1>Pie</h1><h3>Ingredients</h3><ul><li>3 eggs</li><li>1 pie crust</li></ul><h3>Preparation:</h3>
			<h6>STEP 1.</h6><p>Preheat the oven.</p><h6>STEP 2.</h6><p>Whisk the eggs.</p><h3>More recipes</h3><p>Apple pie is lovely.</p>`);
		expect(out.instructions).toEqual(['Preheat the oven.', 'Whisk the eggs.']);
	});

	it('reads a list in headed sections named alike as one list, with each section\'s heading', () => {
		const section = (name: string, items: string[]) => `<div class="ingredients-wrap"><h5>${name}</h5><ul>${items.map((i) => `<li>${i}</li>`).join('')}</ul></div>`;
		const out = extract(`<h1>Wings</h1><h4>Ingrediënten</h4>${section('', ['20 kippenvleugels', '½ tl zout'])}${section('Sausmix', ['1 el sojasaus', '2 tl rijstwijn'])}`);
		expect(out.ingredients).toEqual(['20 kippenvleugels', '½ tl zout', 'Sausmix', '1 el sojasaus', '2 tl rijstwijn']);
	});

	it('does not take a wrapper around both sections as the method', () => {
		const out = extract(`
			<div class="recipe-method-wrap">
				<div class="ingredients"><ul><li>1 egg</li><li>2 cups milk</li></ul></div>
				<div class="steps"><ol><li>Whisk.</li><li>Fry.</li></ol></div>
			</div>`);
		expect(out.ingredients).toEqual(['1 egg', '2 cups milk']);
		expect(out.instructions).toEqual(['Whisk.', 'Fry.']);
	});

	it('reads microdata properties outside any Recipe scope, and named paragraphs split at <br>', () => {
		const out = extract(`
			<h1>Carbonara</h1>
			<ul><li itemprop="recipeIngredient">200 g pasta</li><li itemprop="recipeIngredient">2 eggs</li></ul>
			<div itemprop="recipeInstructions"><p><img src="x.jpg"></p><p>1- Beat the eggs.</p><p>2- Boil the pasta.<br>3- Mix.</p></div>`);
		expect(out.ingredients).toEqual(['200 g pasta', '2 eggs']);
		expect(out.instructions).toEqual(['1- Beat the eggs.', '2- Boil the pasta.', '3- Mix.']);
		const named = extract(`<ul class="ingredients"><li>1 egg</li><li>1 cup milk</li></ul><p class="instructions">Whisk.</p><p>An aside.</p><p class="instructions">Fry.</p>`);
		expect(named.instructions).toEqual(['Whisk.', 'Fry.']);
	});

	it('spaces amount, unit and food set in elements of their own, but not a unit symbol or Chinese', () => {
		const out = extract(`
			<div class="ingredients"><ul>
				<li><span>2</span><span>yemek kaşığı</span><span>sıvı yağ</span><span>(soğuk)</span></li>
				<li><span>250</span><span>g</span> flour, <a href="#">sifted</a></li>
				<li><span>150克</span><span>鸡胸肉</span></li>
			</ul></div>`);
		expect(out.ingredients).toEqual(['2 yemek kaşığı sıvı yağ (soğuk)', '250g flour, sifted', '150克鸡胸肉']);
	});

	it('reads a list built of repeated elements as one line per row, not one per piece', () => {
		const row = (amount: string, food: string, note = '') =>
			`<div class="calc__ingredient"><div class="calc__amount">${amount}</div><div class="calc__label">${food}</div>${note ? `<div>${note}</div>` : ''}</div>`;
		const named = extract(`<h1>Popcorn</h1><div class="calc-ingredients"><div class="counter"><b>2</b> portion(s)</div><div>${row('½ cup', 'popping corn')}${row('2 tbsp', 'oil')}${row('1 tbsp', 'soy sauce', '(Kikkoman)')}</div></div>`);
		expect(named.ingredients).toEqual(['½ cup popping corn', '2 tbsp oil', '1 tbsp soy sauce (Kikkoman)']);
		const check = (amount: string, food: string) => `<div class="my-2 flex"><input type="checkbox"><div class="flex gap-2"><div>${amount}</div><div class="font-bold">${food}</div></div></div>`;
		const headed = extract(`<h1>Pudding</h1><h2>Hozzávalók</h2><div>${check('2 rúd', 'fahéj')}${check('1 csipet', 'só')}${check('1 l', 'tej')}</div><h2>Elkészítés</h2><p>Főzd meg.</p>`);
		expect(headed.ingredients).toEqual(['2 rúd fahéj', '1 csipet só', '1 l tej']);
	});

	it('does not take sections with lines of their own, or a unit picker, for rows', () => {
		const section = (name: string, lines: string[]) => `<div class="part"><strong>${name}</strong><br>${lines.join('<br>')}</div>`;
		const out = extract(`<h1>Wings</h1><h2>Ingredients</h2><div><select id="ingredients-select"><option>Metric</option><option>Cups</option><option>Imperial</option></select>
			${section('Wings', ['20 wings', '½ tsp salt'])}${section('Sauce', ['1 tbsp soy sauce', '2 tsp wine'])}${section('Tools', ['Air fryer'])}</div>`);
		expect(out.ingredients).toEqual(['Wings', '20 wings', '½ tsp salt', 'Sauce', '1 tbsp soy sauce', '2 tsp wine', 'Tools', 'Air fryer']);
	});

	it("leaves the card's own labels out of an ingredient list (its heading word, the servings), and a newsletter sign-up", () => {
		const out = extract(`<h1>Chicken</h1><div class="recipe-ingredients"><ul><li>Ingredients</li><li>for 3 to 4 servings</li><li>2 portion(s)</li><li>2 - 4 porcje</li><li>1 pound chicken</li><li>½ tsp salt</li></ul></div>`);
		expect(out.ingredients).toEqual(['1 pound chicken', '½ tsp salt']);
		const signup = extract(`<h1>Tart</h1><h3>Ingredients</h3><div><p>250g pastry<br>3 egg yolks</p><div><div class="newsletter-cta"><a href="#">Subscribe to our newsletter</a></div></div></div>`);
		expect(signup.ingredients).toEqual(['250g pastry', '3 egg yolks']);
	});

	it('leaves steps and tips out of an ingredient list, and looks further when that leaves nothing; run-on steps are the method', () => {
		const out = extract(`<h1>Ribs</h1><h3>Ingredients</h3><ul><li>1 rack of ribs</li><li>Fajita rub (optional, or any rub you like, really)</li><li>Optional</li>
			<li>Prepare your smoker at 275 degrees and use hickory wood for this smoke.</li></ul>`);
		expect(out.ingredients).toEqual(['1 rack of ribs', 'Fajita rub (optional, or any rub you like, really)', 'Optional']);
		// With no method of their own, the steps that ran on below the list are it.
		expect(out.instructions).toEqual(['Prepare your smoker at 275 degrees and use hickory wood for this smoke.']);
		const tips = extract(`<h1>Roast potatoes</h1><div class="ingredient-tips"><ul><li>Cut your potatoes into larger chunks for more surface area and crunch.</li>
			<li>Heavily season the water when boiling, it should taste almost like sea water.</li></ul></div>
			<ul><li>4 potatoes, peeled</li><li>100ml vegetable oil</li></ul>`);
		expect(tips.ingredients).toEqual(['4 potatoes, peeled', '100ml vegetable oil']);
	});

	it('leaves out the lists the page keeps hidden (the other unit system, the inactive tab) and the nutrition table', () => {
		const out = extract(`<h1>Shortbread</h1><h3>Ingredients</h3><div class="tab-content">
			<div class="tab-pane fade" id="us"><p>8.8oz flour</p><p>3.5oz sugar</p></div>
			<div class="tab-pane fade show active" id="metric"><p>250 g flour</p><p>100 g sugar</p></div>
			<ul class="u-visuallyhidden"><li>2 cups flour</li></ul>
			<div class="recipe-nutrition"><h4>Each serving contains</h4><ul><li>Energy 1405kj 17%</li><li>Fat 10g 15%</li></ul></div></div>`);
		expect(out.ingredients).toEqual(['250 g flour', '100 g sugar']);
		const toggled = extract(`<h1>Potatoes</h1><h3>Ingredients</h3><div><ul><li class="metric">4 potatoes</li><li class="metric">100ml oil</li>
			<li class="imperial hide">3 1/2fl oz oil</li></ul><ul class="hidden md:block"><li>Plenty of salt</li></ul></div>`);
		expect(toggled.ingredients).toEqual(['4 potatoes', '100ml oil', 'Plenty of salt']);
	});

	it('reads a table row as one ingredient, its amount, unit and food in cells of their own', () => {
		const out = extract(`
			<h2>Ingredients</h2>
			<table><thead><tr><th>Amount</th><th>Measure</th><th>Ingredient</th></tr></thead>
			<tbody><tr><td>1 ½</td><td>cups</td><td><a href="/flour">flour</a></td></tr><tr><td>1</td><td>teaspoon</td><td>baking soda</td></tr></tbody></table>
			<h2>Directions</h2><p>Mix.</p>`);
		expect(out.ingredients).toEqual(['1 ½ cups flour', '1 teaspoon baking soda']);
	});

	it('takes the numbered list of sentences as the method when nothing names or heads it', () => {
		const out = extract(`
			<h2>Ingredients</h2><ul><li>1 bag marshmallows</li><li>6 cups powdered sugar</li></ul>
			<p>Let's get started!</p>
			<ol><li>Pour the marshmallows into a bowl.</li><li>Microwave for 30 seconds, then stir.</li></ol>
			<ul><li><a href="/a">Fondant cake</a></li><li><a href="/b">More recipes</a></li></ul>`);
		expect(out.instructions).toEqual(['Pour the marshmallows into a bowl.', 'Microwave for 30 seconds, then stir.']);
	});

	it('reads a method written as plain paragraphs below the ingredient list, up to the next heading', () => {
		const out = extract(`
			<h1>Chicken salad</h1>
			<div class="col"><ul><li>6 cups chicken, shredded</li><li>2 cups red grapes</li></ul></div>
			<img src="/salad.jpg" alt="">
			<p>Combine chicken and grapes in a large mixing bowl.</p>
			<p>Chill for an hour before serving.<br>Serve on lettuce leaves, with bread.</p>
			<p>Enjoy!</p>
			<h3>More salads</h3><p>Our tuna salad is a classic for summer lunches.</p>`);
		expect(out.ingredients).toEqual(['6 cups chicken, shredded', '2 cups red grapes']);
		expect(out.instructions).toEqual([
			'Combine chicken and grapes in a large mixing bowl.',
			'Chill for an hour before serving.',
			'Serve on lettuce leaves, with bread.'
		]);
	});

	it('does not take a block of labels named like the method ("preparation time") for the steps', () => {
		const out = extract(`
			<h1>Rice pudding</h1>
			<ul class="preparation-times"><li>Prep 10 mins</li><li>Total 30 mins</li><li>Easy</li></ul>
			<h2>Ingredients</h2><ul><li>1 l milk</li><li>200 g rice</li></ul>
			<h2>Method</h2><ol><li>Bring the milk to the boil with the rice.</li><li>Simmer for 25 minutes, stirring now and then.</li></ol>`);
		expect(out.instructions).toEqual(['Bring the milk to the boil with the rice.', 'Simmer for 25 minutes, stirring now and then.']);
	});

	it('is not a recipe without an ingredient list', () => {
		const out = extract('<h1>About us</h1><p>We love food.</p>', '<meta property="og:title" content="About us | Site">');
		expect(out).toMatchObject({ title: 'About us', ingredients: [], instructions: [] });
	});
});

describe("structured data and the page's own lists together", () => {
	it('keeps structured lines unless the page shows the amounts they lack, or they are one blob', () => {
		const names = ld({ '@type': 'Recipe', name: 'Soup', recipeIngredient: ['Onion', 'Stock'], recipeInstructions: ['Cook.'] });
		const page = '<ul class="ingredients"><li>1 onion</li><li>1 l stock</li></ul><ol class="method"><li>Chop.</li><li>Cook.</li></ol>';
		expect(extract(`${names}${page}`)).toMatchObject({ ingredients: ['1 onion', '1 l stock'], instructions: ['Chop.', 'Cook.'] });
		const good = ld({ '@type': 'Recipe', name: 'Soup', recipeIngredient: ['2 onions', '1 l stock'], recipeInstructions: ['Chop.', 'Cook.'] });
		expect(extract(`${good}${page}`)).toMatchObject({ ingredients: ['2 onions', '1 l stock'], instructions: ['Chop.', 'Cook.'] });
	});

	it('takes the page list when the data lost lines, or glued several into one', () => {
		const shown = '<ul class="ingredients"><li>1 onion</li><li>1 l stock</li><li>200 g rice</li><li>50 g butter</li></ul>';
		const cut = ld({ '@type': 'Recipe', name: 'Risotto', recipeIngredient: ['1onion', '1 l stock'], recipeInstructions: ['Cook.'] });
		expect(extract(`${cut}${shown}`).ingredients).toEqual(['1 onion', '1 l stock', '200 g rice', '50 g butter']);
		// Lines from the middle of the list: the page wins when the data lost a large part of it, not one line.
		const few = ld({ '@type': 'Recipe', name: 'Risotto', recipeIngredient: ['1 l stock', 'Salt'], recipeInstructions: ['Cook.'] });
		const most = ld({ '@type': 'Recipe', name: 'Risotto', recipeIngredient: ['1 l stock', '200 g rice', '50 g butter'], recipeInstructions: ['Cook.'] });
		const shownMore = shown.replace('</ul>', '<li>1 glass white wine</li><li>Salt</li></ul>');
		expect(extract(`${few}${shownMore}`).ingredients).toEqual(['1 onion', '1 l stock', '200 g rice', '50 g butter', '1 glass white wine', 'Salt']);
		expect(extract(`${most}${shown}`).ingredients).toEqual(['1 l stock', '200 g rice', '50 g butter']);
		const glued = ld({ '@type': 'Recipe', name: 'Risotto', recipeIngredient: ['Base: 1 onion 1 l stock', 'Finish: 200 g rice 50 g butter'], recipeInstructions: ['Cook.'] });
		expect(extract(`${glued}<h3>Ingredients</h3><p>Base:<br>1 onion<br>1 l stock<br>Finish:<br>200 g rice<br>50 g butter</p>`).ingredients).toEqual([
			'Base:', '1 onion', '1 l stock', 'Finish:', '200 g rice', '50 g butter'
		]);
	});

	it('takes the page list when the data cut its lines into pieces at their commas', () => {
		const cut = ld({ '@type': 'Recipe', name: 'Gulasch', recipeIngredient: ['250 g Schweinefleisch', 'in Stücken', '1', '5 TL Senf', 'Salz'], recipeInstructions: ['Kochen.'] });
		expect(extract(`${cut}<ul class="ingredients"><li>250 g Schweinefleisch, in Stücken</li><li>1,5 TL Senf</li><li>Salz</li></ul>`).ingredients).toEqual([
			'250 g Schweinefleisch, in Stücken', '1,5 TL Senf', 'Salz'
		]);
		// A page that runs a section's lines together is not the better list.
		const sections = ld({ '@type': 'Recipe', name: 'Pasta', recipeIngredient: ['For the sauce:', '2 tbsp butter', 'Salt'], recipeInstructions: ['Cook.'] });
		expect(extract(`${sections}<ul class="ingredients"><li>For the sauce: 2 tbsp butter Salt</li><li>Parmesan</li></ul>`).ingredients).toEqual(['For the sauce:', '2 tbsp butter', 'Salt']);
	});

	it('keeps the data when the page only shows it for other servings, or adds headings and serving buttons', () => {
		const data = ld({ '@type': 'Recipe', name: 'Crêpes', recipeIngredient: ['Lait : 50 cl', 'Beurre : 120 g', 'Sel : 8 pincées'], recipeInstructions: ['Mix.'] });
		const other = '<ul class="ingredients"><li>2</li><li>4</li><li>6</li><li>Pour la pâte</li><li>Lait : 25 cl</li><li>Beurre : 60 g</li><li>Sel : 4 pincées</li></ul>';
		expect(extract(`${data}${other}`).ingredients).toEqual(['Lait : 50 cl', 'Beurre : 120 g', 'Sel : 8 pincées']);
		const ads = `<ul class="ingredients"><li>4 personnes</li><li>Lait : 50 cl</li><li>Beurre : 120 g</li><li>Sel : 8 pincées</li>
			<li>En cliquant sur les liens, vous pouvez être redirigé vers Amazon.fr</li><li>Ustensiles</li><li>1 saladier Les meilleures ventes</li><li>1 couteau Top 3</li></ul>`;
		expect(extract(`${data}${ads}`).ingredients).toEqual(['Lait : 50 cl', 'Beurre : 120 g', 'Sel : 8 pincées']);
	});
});

describe('servings, times and title from the page text', () => {
	it.each([
		['<p>Serves: 4</p>', '4 servings'],
		['<span>Makes</span><span>12 cookies</span>', '12 cookies'],
		['<p>Hoofdgerecht 4 personen 15 min</p>', '4 servings'],
		['<p>Serves 4–6 people</p>', '6 servings'],
		['<p>Yield 15 min</p>', null]
	])('%s → %s', (html, yields) => {
		expect(extract(`<h1>Pie</h1><ul class="ingredients"><li>1 egg</li><li>2 apples</li></ul>${html}`).yields).toBe(yields);
	});

	it.each([
		['<dl><dt>Total time</dt><dd>1 hr 5 mins</dd></dl>', 65],
		['<p>Prep: 10 min</p><p>Cook time: 20 minutes</p>', 30],
		['<p>Temps total : 45 minutes</p>', 45],
		['<p>Bake it well.</p>', null]
	])('%s → %s minutes', (html, minutes) => {
		expect(extract(`<h1>Pie</h1><ul class="ingredients"><li>1 egg</li><li>2 apples</li></ul>${html}`).total_time).toBe(minutes);
	});

	it('fills what structured data leaves out, and never overrides what it gives', () => {
		const partial = ld({ '@type': 'Recipe', name: 'Pie', recipeIngredient: ['1 egg'], recipeYield: '8' });
		expect(extract(`${partial}<p>Serves 2</p><p>Total time: 30 min</p>`)).toMatchObject({ yields: '8 servings', total_time: 30 });
	});

	it("names the page by the heading its <title> also names, else the title's first part", () => {
		const head = '<title>Apple Pie Recipe | Best Bakes</title>';
		expect(extract('<h2>Recipes</h2><h1>Best Bakes</h1><h1>Apple Pie</h1>', head).title).toBe('Apple Pie');
		expect(extract('<h1>Our newsletter</h1>', '<title>Apple Pie - Best Bakes</title>').title).toBe('Apple Pie');
	});
});

describe('big pages are read in time proportional to their size', () => {
	// Not a benchmark: each bound is tens of times what linear work takes here, and a fraction of
	// what the quadratic versions took (the seam joiner flattened its text once per element; the
	// furniture check compiled its selectors once per element).
	const bounded = (label: string, body: string) =>
		it(label, () => {
			const started = performance.now();
			const out = extract(body);
			expect(performance.now() - started).toBeLessThan(15_000);
			return out;
		});

	const products = Array.from({ length: 8_000 }, (_, i) => `<div class="tile"><span>Product</span><span>${i}</span><span>€</span><span>${i % 10},99</span></div>`).join('');
	bounded('a shop page with thousands of tiles around a short recipe', `<h1>Stew</h1><div class="recipe-ingredients"><ul><li>1 onion</li><li>2 carrots</li></ul></div><section>${products}</section>`);
	bounded('a method heading over thousands of separately styled pieces', `<h1>Stew</h1><h2>Method</h2><div>${'<span>stir</span><i>and</i><b>wait</b>'.repeat(3_000)}</div>`);
});
