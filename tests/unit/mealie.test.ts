import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Recipe } from '../../src/lib/contract/recipe';
import { PermanentError, RetryableError } from '../../src/lib/server/failures/errors';
import { nutrientAmount } from '../../src/lib/server/targets/amounts';
import { MEALIE_MARK, duration, mealieClient, mealieSlug } from '../../src/lib/server/targets/mealie';
import type { RemoteRecipe, TargetConnection } from '../../src/lib/server/targets/target';
import { within } from '../helpers/deferred';
import { html, startHttpServer } from '../helpers/http-server';
import { startMealieServer, type MealieServer } from '../helpers/mealie-server';
import { ingredient, makeRecipe } from '../helpers/recipe';

const TOKEN = 'mealie-api-token-Zq8v3N1c9XfT0pLm4RkW7yHs';

let server: MealieServer;

beforeEach(async () => {
	server = await startMealieServer({ token: TOKEN });
});
afterEach(() => server.close());

const limits = (timeoutMs = 5_000) => ({ timeoutMs, maxBytes: 1_000_000, allowPrivate: true });
const client = (connection: Partial<TargetConnection> = {}, timeoutMs?: number) =>
	mealieClient({ kind: 'mealie', baseUrl: server.origin, token: TOKEN, ...connection }, limits(timeoutMs));
const noop = async () => {};
const link = (slug: string, hasPicture = false) => ({ remoteId: slug, url: `${server.origin}/g/home/r/${slug}`, hasPicture });

async function failure(promise: Promise<unknown>): Promise<Error> {
	const err = await within(promise.then(() => null, (e: unknown) => e), 10_000, 'the call to settle');
	if (!(err instanceof Error)) throw new Error('expected the call to fail, and it succeeded');
	return err;
}

const cake: Recipe = makeRecipe({
	title: 'Lemon Drizzle Cake',
	description: 'A bake-sale classic.',
	yields: '1 loaf, 10 slices',
	servings: 10,
	prepMinutes: 15,
	cookMinutes: 50,
	totalMinutes: 65,
	ingredientGroups: [
		{
			name: null,
			ingredients: [
				ingredient('225 g unsalted butter, softened', { quantity: 225, unit: 'gram', name: 'unsalted butter', comment: 'softened' }),
				ingredient('4 eggs', { quantity: 4, name: 'eggs' }),
				ingredient('2-3 lemons, zested', { quantity: 2, quantityMax: 3, name: 'lemons', comment: 'zested' })
			]
		},
		{
			name: 'For the drizzle',
			ingredients: [
				ingredient('85 g caster sugar', { quantity: 85, unit: 'gram', name: 'caster sugar' }),
				ingredient('juice of 1½ lemons', { quantity: 1.5, name: 'lemon juice' })
			]
		}
	],
	stepGroups: [
		{ name: null, steps: ['Heat the oven to 180°C.', 'Beat the butter, sugar and eggs until pale.'] },
		{ name: 'Drizzle', steps: ['Mix the lemon juice with the sugar.', 'Spoon it over the warm cake.'] }
	],
	tags: ['Baking', 'cake'],
	sourceUrl: 'https://example.com/lemon-drizzle-cake',
	nutrition: { calories: '399 kcal', fat: '21 g', saturatedFat: '12,5 g', carbohydrates: '50 g', sugar: '34 g', fiber: null, protein: '5 g', sodium: '0.3 g' }
});

const pancakes = makeRecipe();

/** A create whose answer never comes: the client gives up (as on its timeout) once the server holds it back. */
function createUnanswered(recipe: Recipe, created: (remote: RemoteRecipe) => Promise<void>) {
	server.failNext('timeout-after-create');
	const controller = new AbortController();
	void server.nextHang().then(() => controller.abort(new RetryableError('timeout', 'Mealie did not answer in time')));
	return client().create(recipe, created, controller.signal);
}

describe('create', () => {
	it('writes the whole recipe with Mealie’s fields and conventions', async () => {
		const baking = server.seedTag('Baking');

		const remote = await client().create(cake, noop);

		expect(remote).toEqual(link('lemon-drizzle-cake'));
		expect(server.requests.every((r) => r.status !== undefined && r.status < 300)).toBe(true);
		const stored = server.recipes.get('lemon-drizzle-cake')!;
		expect(stored).toMatchObject({
			name: 'Lemon Drizzle Cake',
			description: 'A bake-sale classic.',
			// A yield of things, as Mealie's importer splits one (clean_yield): its quantity and words, no servings.
			recipeServings: 0,
			recipeYieldQuantity: 1,
			recipeYield: 'loaf, 10 slices',
			prepTime: '15 minutes',
			performTime: '50 minutes',
			totalTime: '1 hour 5 minutes',
			orgURL: 'https://example.com/lemon-drizzle-cake',
			extras: { [MEALIE_MARK]: 'https://example.com/lemon-drizzle-cake' },
			// The household's settings (Mealie's defaults differ) kept as they were; v3.1+ has no disableAmount.
			settings: { public: true, showNutrition: false, showAssets: false, landscapeView: false, disableComments: false, locked: false }
		});
		// Each ingredient has a reference id of its own: without one, Mealie stores NULL and the recipe breaks.
		const references = stored.recipeIngredient.map((i) => i.referenceId);
		expect(references.every((id) => typeof id === 'string' && /^[0-9a-f-]{36}$/.test(id))).toBe(true);
		expect(new Set(references).size).toBe(5);
		expect(server.broken.size).toBe(0);
		// Amount, unit and food linked by id, the comment as the note, the line as originalText; the group name on its first line.
		const gram = server.units.find((u) => u.name === 'gram')!;
		const food = (name: string) => ({ id: server.foods.find((f) => f.name === name)!.id, name });
		expect(stored.recipeIngredient).toMatchObject([
			{ quantity: 225, unit: { id: gram.id, name: 'gram' }, food: food('unsalted butter'), note: 'softened', originalText: '225 g unsalted butter, softened', title: null },
			{ quantity: 4, unit: null, food: food('eggs'), note: '', originalText: '4 eggs', title: null },
			{ quantity: 2, unit: null, food: food('lemons'), note: 'zested (up to 3)', originalText: '2-3 lemons, zested', title: null },
			{ quantity: 85, unit: { id: gram.id }, food: food('caster sugar'), note: '', originalText: '85 g caster sugar', title: 'For the drizzle' },
			{ quantity: 1.5, unit: null, food: food('lemon juice'), note: '', originalText: 'juice of 1½ lemons', title: null }
		]);
		expect(stored.recipeIngredient.map((i) => i.display)).toEqual([
			'225 grams unsalted butter softened',
			'4 eggs',
			'2 lemons zested (up to 3)',
			'85 grams caster sugar',
			'1.5 lemon juice'
		]);
		// The missing unit and foods were created once each, as Mealie's create schemas want them.
		expect(gram).toMatchObject({ pluralName: 'grams', abbreviation: 'g', fraction: false, useAbbreviation: false });
		expect(server.units.map((u) => u.name)).toEqual(['teaspoon', 'tablespoon', 'cup', 'gram']);
		expect(server.foods.map((f) => f.name).sort()).toEqual(['caster sugar', 'eggs', 'lemon juice', 'lemons', 'unsalted butter']);
		expect(stored.recipeInstructions.map(({ title, text }) => ({ title, text }))).toEqual([
			{ title: '', text: 'Heat the oven to 180°C.' },
			{ title: '', text: 'Beat the butter, sugar and eggs until pale.' },
			{ title: 'Drizzle', text: 'Mix the lemon juice with the sugar.' },
			{ title: '', text: 'Spoon it over the warm cake.' }
		]);
		expect(stored.nutrition).toMatchObject({
			calories: '399',
			fatContent: '21',
			saturatedFatContent: '12.5',
			carbohydrateContent: '50',
			sugarContent: '34',
			fiberContent: null,
			proteinContent: '5',
			sodiumContent: '300'
		});
		// The existing tag is linked by its id; the missing one was created first.
		expect(server.tags.map((t) => t.name)).toEqual(['Baking', 'cake']);
		expect(stored.tags).toEqual([
			{ id: baking.id, name: 'Baking', slug: 'baking' },
			{ id: server.tags[1]!.id, name: 'cake', slug: 'cake' }
		]);
		expect(server.recipes.size).toBe(1);
	});

	it('awaits `created` the moment Mealie gives the slug, before anything else is sent', async () => {
		const seen: string[][] = [];
		const log = () => server.requests.map((r) => `${r.method} ${r.path}`);
		const created = vi.fn(async (remote: RemoteRecipe) => {
			seen.push(log());
			await new Promise((resolve) => setImmediate(resolve));
			await new Promise((resolve) => setImmediate(resolve));
			seen.push(log());
			expect(remote).toEqual(link('pancakes'));
		});

		await client().create(pancakes, created);

		expect(created).toHaveBeenCalledTimes(1);
		expect(seen[0]!.at(-1)).toBe('POST /api/recipes');
		expect(seen[1]).toEqual(seen[0]); // nothing went out while `created` ran
		expect(log().slice(seen[0]!.length)).toEqual(['GET /api/recipes/pancakes', 'PATCH /api/recipes/pancakes']);
		expect(server.requests.find((r) => r.method === 'POST' && r.path === '/api/recipes')!.body).toEqual({ name: 'Pancakes' });
	});

	it('stops when `created` fails: the recipe is not written under an id nobody stored', async () => {
		const err = await failure(client().create(pancakes, async () => Promise.reject(new Error('database is down'))));
		expect(err.message).toBe('database is down');
		expect(server.requests.some((r) => r.method === 'PATCH')).toBe(false);
	});

	it('keeps the name Mealie gave a taken one ("Pancakes (1)"), and links pages the v1 beta way without a group slug', async () => {
		await server.close();
		server = await startMealieServer({ token: TOKEN, groupSlug: null });
		server.seedRecipe('Pancakes', { orgURL: 'https://other.example/pancakes' });

		const remote = await client().create(pancakes, noop);

		expect(remote).toEqual({ remoteId: 'pancakes-1', url: `${server.origin}/recipe/pancakes-1`, hasPicture: false });
		expect(server.recipes.get('pancakes-1')!.name).toBe('Pancakes (1)');
		expect(server.requests.find((r) => r.method === 'PATCH')!.body).not.toHaveProperty('name');
	});
});

describe('update', () => {
	it('replaces what the app owns and keeps what others added', async () => {
		const remote = await client().create(cake, noop);
		const stored = server.recipes.get(remote.remoteId)!;
		stored.notes = [{ title: 'Tip', text: 'Use unwaxed lemons.' }];
		stored.extras = { ...stored.extras, shoppingSync: 'on' };

		const changed = makeRecipe({
			title: 'Lemon Drizzle Loaf',
			description: null,
			servings: null,
			sourceUrl: cake.sourceUrl,
			ingredientGroups: [{ name: null, ingredients: [ingredient('1 lemon')] }],
			stepGroups: [{ name: null, steps: ['Bake it.'] }],
			tags: []
		});
		const updated = await client().update(remote, changed);

		expect(updated).toEqual(remote); // PATCH keeps the slug
		const after = server.recipes.get(remote.remoteId)!;
		expect(after).toMatchObject({ name: 'Lemon Drizzle Loaf', description: '', recipeServings: 4, recipeYieldQuantity: 0, recipeYield: '', tags: [], notes: [{ title: 'Tip', text: 'Use unwaxed lemons.' }] });
		expect(after.recipeIngredient.map((i) => i.note)).toEqual(['1 lemon']);
		expect(after.recipeInstructions.map((s) => s.text)).toEqual(['Bake it.']);
		expect(after.extras).toEqual({ shoppingSync: 'on', [MEALIE_MARK]: cake.sourceUrl });
		expect(server.recipes.size).toBe(1);
	});

	it('answers null for a recipe deleted in Mealie', async () => {
		const remote = await client().create(pancakes, noop);
		const deleted = await fetch(`${server.origin}/api/recipes/${remote.remoteId}`, { method: 'DELETE', headers: { authorization: `Bearer ${TOKEN}` } });
		expect(deleted.status).toBe(200);

		const before = server.requests.length;

		expect(await client().update(remote, pancakes)).toEqual({ unusable: 'deleted' });
		expect(server.requests.slice(before).map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual(['GET /api/recipes/pancakes 404']);
		expect(server.recipes.size).toBe(0);
	});
});

describe('ingredients', () => {
	const log = (from = 0) => server.requests.slice(from).map((r) => `${r.method} ${r.path}`);

	it('links the user’s own units and foods by name, plural, abbreviation or alias, whatever the case, creating nothing', async () => {
		await server.close();
		server = await startMealieServer({
			token: TOKEN,
			units: [
				{ name: 'Teelöffel', abbreviation: 'TSP' },
				{ name: 'Tasse', pluralName: 'Cups' },
				{ name: 'Esslöffel', aliases: [{ name: 'Tablespoon' }] },
				{ name: 'Gramm', abbreviation: 'g', useAbbreviation: true, fraction: false }
			],
			foods: [{ name: 'egg', pluralName: 'eggs' }, { name: 'Mehl', aliases: [{ name: 'Flour' }] }, { name: 'SALT' }]
		});
		const recipe = makeRecipe({
			ingredientGroups: [
				{
					name: null,
					ingredients: [
						ingredient('2 cups flour', { quantity: 2, unit: 'cup', name: 'flour' }),
						ingredient('1 tsp salt', { quantity: 1, unit: 'teaspoon', name: 'salt' }),
						ingredient('3 eggs, beaten', { quantity: 3, name: 'eggs', comment: 'beaten' }),
						ingredient('1 tbsp flour', { quantity: 1, unit: 'tablespoon', name: 'flour' }),
						ingredient('250 g flour', { quantity: 250, unit: 'gram', name: 'Flour' })
					]
				}
			]
		});

		const remote = await client().create(recipe, noop);

		expect(log().filter((r) => r.startsWith('POST'))).toEqual(['POST /api/recipes']);
		const stored = server.recipes.get(remote.remoteId)!;
		const unit = (name: string) => server.units.find((u) => u.name === name)!.id;
		const food = (name: string) => server.foods.find((f) => f.name === name)!.id;
		expect(stored.recipeIngredient.map((i) => [(i.unit as { id: string } | null)?.id ?? null, (i.food as { id: string }).id])).toEqual([
			[unit('Tasse'), food('Mehl')],
			[unit('Teelöffel'), food('SALT')],
			[null, food('egg')],
			[unit('Esslöffel'), food('Mehl')],
			[unit('Gramm'), food('Mehl')]
		]);
		expect(stored.recipeIngredient.map((i) => i.display)).toEqual(['2 Cups Mehl', '1 Teelöffel SALT', '3 eggs beaten', '1 Esslöffel Mehl', '250 g Mehl']);
	});

	it('reads the lists once per upload and creates each missing unit and food once: the exact requests', async () => {
		server.seedFood('flour');
		const recipe = makeRecipe({
			title: 'Salted Flour',
			ingredientGroups: [
				{
					name: null,
					ingredients: [
						ingredient('2 cups flour', { quantity: 2, unit: 'cup', name: 'flour' }),
						ingredient('1 tsp salt', { quantity: 1, unit: 'teaspoon', name: 'salt' }),
						ingredient('½ tsp Salt', { quantity: 0.5, unit: 'teaspoon', name: 'Salt' }),
						ingredient('1 pinch salt', { quantity: 1, unit: 'pinch', name: 'salt' }),
						ingredient('2 pinches flour', { quantity: 2, unit: 'pinch', name: 'flour' }),
						ingredient('salt, to taste', { name: 'salt', comment: 'to taste' }),
						ingredient('a little love')
					]
				}
			],
			tags: []
		});

		const mealie = client();
		const remote = await mealie.create(recipe, noop);

		expect(server.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
			'GET /api/users/self 200',
			'GET /api/units 200',
			'POST /api/units 201',
			'GET /api/foods 200',
			'POST /api/foods 201',
			'POST /api/recipes 201',
			'GET /api/recipes/salted-flour 200',
			'PATCH /api/recipes/salted-flour 200'
		]);
		expect(server.requests.filter((r) => r.method === 'GET' && /units|foods/.test(r.path)).map((r) => r.query)).toEqual([{ perPage: '-1' }, { perPage: '-1' }]);
		expect(server.requests.filter((r) => r.method === 'POST' && /units|foods/.test(r.path)).map((r) => r.body)).toEqual([
			{ name: 'pinch', pluralName: 'pinches', abbreviation: '', pluralAbbreviation: '', useAbbreviation: false, fraction: true },
			{ name: 'salt' }
		]);
		const stored = server.recipes.get(remote.remoteId)!;
		expect(stored.recipeIngredient.map(({ quantity, note, originalText, display }) => ({ quantity, note, originalText, display }))).toEqual([
			{ quantity: 2, note: '', originalText: '2 cups flour', display: '2 cups flour' },
			{ quantity: 1, note: '', originalText: '1 tsp salt', display: '1 teaspoon salt' },
			{ quantity: 0.5, note: '', originalText: '½ tsp Salt', display: '¹/₂ teaspoon salt' },
			{ quantity: 1, note: '', originalText: '1 pinch salt', display: '1 pinch salt' },
			{ quantity: 2, note: '', originalText: '2 pinches flour', display: '2 pinches flour' },
			// No amount: 0, as Mealie's parser writes it, with the food.
			{ quantity: 0, note: 'to taste', originalText: 'salt, to taste', display: 'salt to taste' },
			// No food to link: the line as the note.
			{ quantity: 0, note: 'a little love', originalText: 'a little love', display: 'a little love' }
		]);
		expect(stored.recipeIngredient.at(-1)).toMatchObject({ unit: null, food: null });

		// Sending it again with the same client reads no list and creates nothing: the recipe and the PATCH.
		const before = server.requests.length;
		expect(await mealie.update(remote, recipe)).toEqual(remote);
		expect(log(before)).toEqual(['GET /api/recipes/salted-flour', 'PATCH /api/recipes/salted-flour']);
		expect(server.units).toHaveLength(4);
		expect(server.foods.map((f) => f.name)).toEqual(['flour', 'salt']);
	});

	it('turns “disable amount” off on update too (Mealie before v3.1), keeping the recipe’s other settings', async () => {
		await server.close();
		server = await startMealieServer({ token: TOKEN, version: 'v2.0.0' });
		const remote = await client().create(pancakes, noop);
		const stored = server.recipes.get(remote.remoteId)!;
		stored.settings = { ...stored.settings, public: false, showNutrition: true, locked: false, disableAmount: true };

		await client().update(remote, pancakes);

		expect(server.recipes.get(remote.remoteId)!.settings).toEqual({ ...stored.settings, disableAmount: false });
		expect(server.requests.at(-1)!.body).toMatchObject({ settings: { public: false, showNutrition: true, disableAmount: false } });
	});

	it('sends a line whose food or unit Mealie will not create as its text in the note: nothing lost, the recipe saved', async () => {
		server.refuseCreates('foods', 403, ['lemons']);
		server.refuseCreates('units', 422);

		const remote = await client().create(cake, noop);

		const stored = server.recipes.get(remote.remoteId)!;
		expect(stored.recipeIngredient.map(({ quantity, unit, food, note, originalText }) => ({ quantity, unit, food: (food as { name: string } | null)?.name ?? null, note, originalText }))).toEqual([
			{ quantity: 0, unit: null, food: null, note: '225 g unsalted butter, softened', originalText: '225 g unsalted butter, softened' },
			{ quantity: 4, unit: null, food: 'eggs', note: '', originalText: '4 eggs' },
			{ quantity: 0, unit: null, food: null, note: '2-3 lemons, zested', originalText: '2-3 lemons, zested' },
			{ quantity: 0, unit: null, food: null, note: '85 g caster sugar', originalText: '85 g caster sugar' },
			{ quantity: 1.5, unit: null, food: 'lemon juice', note: '', originalText: 'juice of 1½ lemons' }
		]);
		expect(stored.recipeIngredient.map((i) => i.display)).toEqual(['225 g unsalted butter, softened', '4 eggs', '2-3 lemons, zested', '85 g caster sugar', '1.5 lemon juice']);
		// One try per name: gram once, lemons once; no food made for a line whose unit was refused.
		const posts = server.requests.filter((r) => r.method === 'POST' && /units|foods/.test(r.path));
		expect(posts.map((r) => `${r.path} ${(r.body as { name: string }).name} ${r.status}`)).toEqual([
			'/api/units gram 422',
			'/api/foods eggs 201',
			'/api/foods lemons 403',
			'/api/foods lemon juice 201'
		]);
		// A refusal reads the list again once (another upload may have made it meanwhile), then gives up.
		expect(log().filter((r) => r === 'GET /api/units' || r === 'GET /api/foods')).toEqual(['GET /api/units', 'GET /api/units', 'GET /api/foods', 'GET /api/foods']);
	});

	it('fails on a refused token or the server’s trouble while creating, before any recipe exists', async () => {
		server.refuseCreates('foods', 401);
		expect(await failure(client().create(pancakes, noop))).toMatchObject({ code: 'target_auth' });

		await server.close();
		server = await startMealieServer({ token: TOKEN });
		server.refuseCreates('units', 503);
		const busy = await failure(client().create(cake, noop));
		expect(busy).toBeInstanceOf(RetryableError);
		expect(busy).toMatchObject({ code: 'server_error' });
		expect(server.recipes.size).toBe(0);
	});
});

describe('what the real servers do differently', () => {
	it('leaves a copy an earlier write broke alone: update says so, findExisting passes it over', async () => {
		const remote = await client().create(pancakes, noop);
		server.broken.add(server.recipes.get(remote.remoteId)!.id);

		const answer = await client().update(remote, pancakes);

		expect(answer).toMatchObject({ unusable: 'broken', note: expect.stringContaining(remote.url) });
		expect(await client().findExisting(pancakes)).toBeNull();
		// A new copy can be made beside it, under the name Mealie gives when the slug is taken.
		expect(await client().create(pancakes, noop)).toEqual(link('pancakes-1'));
		expect(server.broken.size).toBe(1);
	});

	it('writes servings where the version has them: the whole yield as text before v2.3', async () => {
		await server.close();
		server = await startMealieServer({ token: TOKEN, version: 'v2.0.0' });

		const remote = await client().create(cake, noop);

		const stored = server.recipes.get(remote.remoteId)!;
		expect(stored.recipeYield).toBe('1 loaf, 10 slices');
		expect(stored).not.toHaveProperty('recipeServings');
		expect(stored.settings).toMatchObject({ disableAmount: false });
		expect(stored.recipeIngredient.map((i) => i.display)[0]).toBe('225 grams unsalted butter softened');

		const servings = await client().create(makeRecipe({ title: 'Soup', yields: null, servings: 6, sourceUrl: 'https://example.com/soup' }), noop);
		expect(server.recipes.get(servings.remoteId)!.recipeYield).toBe('6 servings');
	});

	it('writes a yield of servings as servings on v2.3+, as Mealie’s importer does', async () => {
		const remote = await client().create(makeRecipe({ yields: 'Serves 4-6', servings: 4 }), noop);
		expect(server.recipes.get(remote.remoteId)).toMatchObject({ recipeServings: 4, recipeYieldQuantity: 0, recipeYield: '' });
	});

	it.each(['v3.5.0', 'v3.24.0'])('%s: a unit another upload created a moment ago is looked up again and linked, not lost', async (version) => {
		await server.close();
		server = await startMealieServer({ token: TOKEN, version });
		// Between this upload's list and its create, another process makes the same unit and food.
		server.before('POST', '/api/units', () => server.seedUnit({ name: 'gram', abbreviation: 'g' }));
		server.before('POST', '/api/foods', () => server.seedFood('unsalted butter'));

		const remote = await client().create(cake, noop);

		const creates = server.requests.filter((r) => r.method === 'POST' && /units|foods/.test(r.path));
		expect(creates.find((r) => r.path === '/api/units')!.status).toBe(server.traits.conflictStatus);
		const stored = server.recipes.get(remote.remoteId)!;
		const gram = server.units.filter((u) => u.name === 'gram');
		expect(gram).toHaveLength(1);
		expect(stored.recipeIngredient.filter((i) => i.food).length).toBe(5);
		expect(stored.recipeIngredient[0]).toMatchObject({ unit: { id: gram[0]!.id }, food: { id: server.foods.find((f) => f.name === 'unsalted butter')!.id } });
	});

	it('two uploads at once in one process create each missing unit and food once, and link every line', async () => {
		const mealie = client();
		const other = makeRecipe({ ...cake, title: 'Lemon Bars', sourceUrl: 'https://example.com/lemon-bars' });

		const [a, b] = await Promise.all([mealie.create(cake, noop), mealie.create(other, noop)]);

		const posts = server.requests.filter((r) => r.method === 'POST' && /units|foods|tags/.test(r.path));
		expect(posts.map((r) => r.status)).toEqual(posts.map(() => 201));
		expect(server.foods).toHaveLength(5);
		for (const remote of [a, b]) expect(server.recipes.get(remote.remoteId)!.recipeIngredient.every((i) => i.food)).toBe(true);
		expect(server.requests.filter((r) => r.method === 'GET' && /units|foods|tags/.test(r.path))).toHaveLength(3);
	});

	it('a tag made meanwhile (Mealie answers a bare 500) is read again and linked', async () => {
		server.before('POST', '/api/organizers/tags', () => server.seedTag('Baking'));

		const remote = await client().create(makeRecipe({ tags: ['Baking'] }), noop);

		expect(server.tags.map((t) => t.name)).toEqual(['Baking']);
		expect(server.recipes.get(remote.remoteId)!.tags).toEqual([{ id: server.tags[0]!.id, name: 'Baking', slug: 'baking' }]);
	});

	it('without canOrganize (v3.19+) asks for no new foods or tags: those lines go as notes, units still link', async () => {
		await server.close();
		server = await startMealieServer({ token: TOKEN, version: 'v3.24.0', canOrganize: false, foods: [{ name: 'eggs' }] });

		const remote = await client().create(makeRecipe({ tags: ['Brunch'] }), noop);

		expect(server.requests.filter((r) => r.method === 'POST' && /foods|tags/.test(r.path))).toEqual([]);
		const stored = server.recipes.get(remote.remoteId)!;
		expect(stored.recipeIngredient.map((i) => [i.note, (i.food as { name: string } | null)?.name ?? null])).toEqual([
			['2 cups flour', null],
			['1 tsp salt', null],
			['beaten', 'eggs']
		]);
		expect(stored.tags).toEqual([]);
	});
});

describe('findExisting', () => {
	it('finds the app’s recipe by source URL, not a same-named one or Mealie’s own import of the page', async () => {
		server.seedRecipe('Pancakes', { orgURL: 'https://other.example/pancakes', recipeIngredient: ['2 eggs'] });
		expect(await client().findExisting(pancakes)).toBeNull();

		const remote = await client().create(pancakes, noop);
		expect(remote.remoteId).toBe('pancakes-1');
		// The same page imported by Mealie itself carries the URL but not our mark.
		server.seedRecipe('Pancakes', { orgURL: pancakes.sourceUrl, recipeIngredient: ['flour'] });

		expect(await client().findExisting(pancakes)).toEqual(link('pancakes-1'));
		expect(server.requests.find((r) => r.query.queryFilter)!.query).toMatchObject({ queryFilter: `orgURL = "${pancakes.sourceUrl}"` });

		server.recipes.delete('pancakes-1');
		expect(await client().findExisting(pancakes)).toBeNull();
	});

	it('adopts the stub a lost create answer left behind, so the retry makes exactly one recipe', async () => {
		server.seedRecipe('Pancakes', { orgURL: 'https://other.example/pancakes', recipeIngredient: ['2 eggs'] });
		const created = vi.fn(noop);

		const err = await failure(createUnanswered(pancakes, created));

		expect(err).toBeInstanceOf(RetryableError);
		expect(err).toMatchObject({ code: 'timeout' });
		expect(created).not.toHaveBeenCalled();
		const stub = server.recipes.get('pancakes-1')!;
		expect(stub).toMatchObject({ name: 'Pancakes (1)', orgURL: null });
		expect(stub.recipeIngredient.map((i) => i.note)).toEqual(['1 Cup Flour']); // Mealie's placeholder

		const found = await client().findExisting(pancakes);
		expect(found).toEqual(link('pancakes-1'));
		expect(await client().update(found!, pancakes)).toEqual(link('pancakes-1'));

		const ours = [...server.recipes.values()].filter((r) => r.orgURL === pancakes.sourceUrl);
		expect(ours).toHaveLength(1);
		expect(ours[0]).toMatchObject({ slug: 'pancakes-1', name: 'Pancakes (1)' });
		expect(ours[0]!.recipeIngredient.map((i) => i.originalText)).toEqual(['2 cups flour', '1 tsp salt', '3 eggs, beaten']);
		expect(ours[0]!.recipeIngredient.map((i) => i.display)).toEqual(['2 cups flour', '1 teaspoon salt', '3 eggs beaten']);
		expect(server.recipes.size).toBe(2);
	});

	it('leaves a same-named recipe alone once someone has put something in it, or another account made it', async () => {
		await failure(createUnanswered(pancakes, noop));
		const stub = server.recipes.get('pancakes')!;

		stub.description = 'Started typing my own.';
		expect(await client().findExisting(pancakes)).toBeNull();

		stub.description = '';
		stub.userId = '5f0c3b8e-52a4-4d0b-9a43-0d6f1a3c2b11';
		expect(await client().findExisting(pancakes)).toBeNull();

		stub.userId = server.userId;
		stub.recipeIngredient = [...stub.recipeIngredient, { ...stub.recipeIngredient[0]!, note: '2 eggs' }];
		expect(await client().findExisting(pancakes)).toBeNull();
	});
});

describe('testConnection', () => {
	it('reports the server version and the token’s account', async () => {
		expect(await client().testConnection()).toEqual({ server: 'Mealie v3.5.0', user: 'Casey Cook' });
	});

	it('names the token, never shows it, when Mealie refuses it', async () => {
		const err = await failure(client({ token: 'not-the-token-8c1f' }).testConnection());

		expect(err).toBeInstanceOf(PermanentError);
		expect(err).toMatchObject({ code: 'target_auth', message: 'Mealie refused the token (401): check your Mealie token in Settings' });
		expect(err.message).not.toContain('not-the-token-8c1f');
	});

	it('says when the address is not a Mealie server', async () => {
		const site = await startHttpServer({});
		const page = await startHttpServer({ '/api/app/about': html('<!doctype html><title>Home</title>') });
		try {
			const host = new URL(site.origin).host;
			const notFound = await failure(mealieClient({ kind: 'mealie', baseUrl: `${site.origin}/`, token: TOKEN }, limits()).testConnection());
			expect(notFound).toMatchObject({ code: 'target_not_found', message: `this does not look like a Mealie server: ${host} answered 404 for /api/app/about` });

			const create = await failure(mealieClient({ kind: 'mealie', baseUrl: site.origin, token: TOKEN }, limits()).create(pancakes, noop));
			expect(create).toMatchObject({ code: 'target_not_found', message: `this does not look like a Mealie server: ${host} answered 404 for /api/users/self` });
			expect(site.hits).not.toContain('/api/recipes');

			const webPage = await failure(mealieClient({ kind: 'mealie', baseUrl: page.origin, token: TOKEN }, limits()).testConnection());
			expect(webPage.message).toBe(`this does not look like a Mealie server: ${new URL(page.origin).host} answered with a web page for /api/app/about`);
		} finally {
			await site.close();
			await page.close();
		}
	});
});

describe('errors', () => {
	it('passes on a 503’s Retry-After, and a 500 as the server’s passing trouble', async () => {
		const remote = await client().create(pancakes, noop);

		server.failNext({ status: 503, retryAfter: '7' });
		const busy = await failure(client().update(remote, pancakes));
		expect(busy).toBeInstanceOf(RetryableError);
		expect(busy).toMatchObject({ code: 'server_error', retryAfterMs: 7_000 });

		server.failNext({ status: 500 });
		expect(await failure(client().findExisting(pancakes))).toMatchObject({ kind: 'retryable', code: 'server_error' });
	});

	it('quotes the first thing Mealie’s validation refused, and a token refused mid-way', async () => {
		const remote = await client().create(pancakes, noop);
		server.failNext({
			status: 422,
			body: { detail: [{ type: 'missing', loc: ['body', 'recipeInstructions', 0, 'text'], msg: 'Field required', input: {} }] }
		});
		const rejected = await failure(client().update(remote, pancakes));
		expect(rejected).toBeInstanceOf(PermanentError);
		expect(rejected).toMatchObject({ code: 'target_rejected', message: 'Mealie rejected the recipe: recipeInstructions.0.text: Field required' });

		server.failNext({ status: 401 });
		expect(await failure(client().update(remote, pancakes))).toMatchObject({ code: 'target_auth' });
	});
});

describe('setImage', () => {
	const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0xff, 0xd9]);
	const picture = { bytes: jpeg, mediaType: 'image/jpeg', extension: 'jpg' };

	it('uploads the bytes and confirms the picture where Mealie serves it', async () => {
		const remote = await client().create(cake, noop);
		const id = server.recipes.get(remote.remoteId)!.id;

		expect(await client().setImage(remote, picture)).toBe(true);

		const upload = server.requests.find((r) => r.method === 'PUT')!;
		expect(upload).toMatchObject({ path: `/api/recipes/${remote.remoteId}/image`, status: 200, body: { extension: 'jpg', image: { filename: 'original.jpg', type: 'image/jpeg', size: jpeg.length } } });
		expect(server.requests.at(-1)).toMatchObject({ method: 'GET', path: `/api/media/recipes/${id}/images/tiny-original.webp`, status: 200 });
		expect(server.images.get(id)).toEqual({ type: 'image/jpeg', size: jpeg.length });
		// The copy now has a picture: a re-send keeps it rather than sending another.
		expect(await client().update(remote, cake)).toEqual({ ...remote, hasPicture: true });
	});

	it('is false for bytes Mealie cannot open, and passes on the server’s trouble', async () => {
		const remote = await client().create(cake, noop);

		expect(await client().setImage(remote, { ...picture, bytes: Buffer.from('<html>not a picture</html>') })).toBe(false);
		expect(server.requests.at(-1)).toMatchObject({ method: 'PUT', status: 500 });
		expect(await client().update(remote, cake)).toEqual({ ...remote, hasPicture: false });

		server.failNext({ status: 502 });
		expect(await failure(client().setImage(remote, picture))).toBeInstanceOf(RetryableError);
	});

	it('repairs a copy whose picture Mealie only claims to have: an image key with no file behind it', async () => {
		const site = await startHttpServer({ '/cake.jpg': (_req, res) => void res.writeHead(200, { 'content-type': 'image/jpeg' }).end(jpeg) });
		try {
			const remote = await client().create(cake, noop);
			// What an earlier version did: have Mealie fetch the URL. From a private address it cannot, yet says 200.
			const scraped = await fetch(`${server.origin}/api/recipes/${remote.remoteId}/image`, {
				method: 'POST',
				headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
				body: JSON.stringify({ url: `${site.origin}/cake.jpg` })
			});
			expect([scraped.status, await scraped.json()]).toEqual([200, null]);
			expect(site.hits).toEqual([]);
			const stored = server.recipes.get(remote.remoteId)!;
			expect(stored.image).toEqual(expect.any(String));
			expect(server.images.has(stored.id)).toBe(false);

			// The key proves nothing: the copy counts as without a picture, so the next send uploads one.
			expect(await client().update(remote, cake)).toEqual({ ...remote, hasPicture: false });
			expect(await client().setImage(remote, picture)).toBe(true);
		} finally {
			await site.close();
		}
	});
});

describe('the test server', () => {
	const patch = (slug: string, body: unknown, token = TOKEN) =>
		fetch(`${server.origin}/api/recipes/${slug}`, {
			method: 'PATCH',
			headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
			body: JSON.stringify(body)
		});

	it('refuses what Mealie’s models refuse, in FastAPI’s shape', async () => {
		server.seedRecipe('Pancakes');
		const res = await patch('pancakes', { recipeInstructions: [{ title: 'x' }], recipeServings: null, tags: [{ name: 'x' }] });

		expect(res.status).toBe(422);
		const { detail } = (await res.json()) as { detail: { type: string; loc: unknown[]; msg: string }[] };
		expect(detail).toEqual(
			expect.arrayContaining([
				expect.objectContaining({ type: 'missing', loc: ['body', 'recipeInstructions', 0, 'text'], msg: 'Field required' }),
				expect.objectContaining({ type: 'float_type', loc: ['body', 'recipeServings'], msg: 'Input should be a valid number' }),
				expect.objectContaining({ type: 'missing', loc: ['body', 'tags', 0, 'slug'], msg: 'Field required' })
			])
		);
	});

	it('fails a unit or tag without an id as Mealie does, and refuses a wrong token', async () => {
		server.seedRecipe('Pancakes');
		expect((await patch('pancakes', { recipeIngredient: [{ quantity: 1, unit: { name: 'cup' }, note: 'flour' }] })).status).toBe(500);
		expect((await patch('pancakes', { tags: [{ name: 'Baking', slug: 'baking' }] })).status).toBe(500);
		const refused = await patch('pancakes', {}, 'wrong');
		expect(refused.status).toBe(401);
		expect(await refused.json()).toEqual({ detail: 'Could not validate credentials' });
		expect(server.recipes.get('pancakes')!.recipeIngredient.map((i) => i.note)).toEqual(['1 Cup Flour']);
	});

	it('lists and creates units and foods in Mealie’s shapes, links only known ids, and refuses a taken name', async () => {
		const get = async (path: string) => (await fetch(`${server.origin}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } })).json();
		const post = (path: string, body: unknown) =>
			fetch(`${server.origin}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` }, body: JSON.stringify(body) });

		expect(await get('/api/units?perPage=-1')).toMatchObject({ page: 1, perPage: 3, total: 3, totalPages: 1, next: null, previous: null, items: [{ name: 'teaspoon', abbreviation: 'tsp' }, { name: 'tablespoon' }, { name: 'cup' }] });
		const made = await post('/api/foods', { name: 'flour' });
		expect(made.status).toBe(201);
		const flour = (await made.json()) as { id: string };
		expect(flour).toMatchObject({ id: expect.any(String), name: 'flour', pluralName: null, description: '', labelId: null, aliases: [] });
		expect((await post('/api/foods', { name: 'flour' })).status).toBe(400);
		expect((await post('/api/units', { abbreviation: 'g' })).status).toBe(422);

		server.seedRecipe('Pancakes');
		const cup = server.units.find((u) => u.name === 'cup')!;
		const res = await patch('pancakes', {
			recipeIngredient: [
				{ quantity: 2, unit: { id: cup.id, name: 'cup' }, food: { id: flour.id, name: 'flour' }, note: '', referenceId: crypto.randomUUID() },
				{ quantity: 1, unit: null, food: { id: '5f0c3b8e-52a4-4d0b-9a43-0d6f1a3c2b11', name: 'ghost' }, note: 'x', referenceId: crypto.randomUUID() }
			]
		});
		expect(res.status).toBe(200);
		expect(server.recipes.get('pancakes')!.recipeIngredient).toMatchObject([
			{ unit: { id: cup.id, name: 'cup' }, food: { id: flour.id, name: 'flour' } },
			{ unit: null, food: null }
		]);
		expect((await patch('pancakes', { recipeIngredient: [{ quantity: 1, food: { name: 'flour' }, referenceId: crypto.randomUUID() }] })).status).toBe(500);
		// The unique constraint compares exactly: another case is another name.
		expect((await post('/api/foods', { name: 'Flour' })).status).toBe(201);
	});

	it('breaks a recipe written without reference ids, as Mealie before v3.12 does, and reads NULL as a fresh id after', async () => {
		const brokenAnswer = { detail: { message: 'Unknown Error', error: true, exception: 'ValidationError' } };
		const call = (method: string, path: string, body?: unknown) =>
			fetch(`${server.origin}${path}`, { method, headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` }, body: body === undefined ? undefined : JSON.stringify(body) });
		server.seedRecipe('Pancakes');

		const res = await patch('pancakes', { description: 'saved anyway', recipeIngredient: [{ quantity: 0, note: '2 eggs' }] });
		expect([res.status, await res.json()]).toEqual([500, brokenAnswer]);
		// The write was committed, and nothing can read, repair or delete the recipe through the API.
		expect(server.recipes.get('pancakes')).toMatchObject({ description: 'saved anyway' });
		for (const [method, body] of [['GET'], ['PATCH', { recipeIngredient: [] }], ['PUT', { name: 'Pancakes' }], ['DELETE']] as const) {
			const answer = await call(method, '/api/recipes/pancakes', body);
			expect([method, answer.status, await answer.json()]).toEqual([method, 500, brokenAnswer]);
		}
		const bulk = await call('POST', '/api/recipes/bulk-actions/delete', { recipes: ['pancakes'] });
		expect([bulk.status, await bulk.json()]).toEqual([200, null]);
		expect(((await (await call('GET', '/api/recipes')).json()) as { items: { slug: string }[] }).items.map((r) => r.slug)).toEqual(['pancakes']);
		// A step without ingredientReferences is a TypeError before anything is stored.
		server.seedRecipe('Waffles');
		const step = await patch('waffles', { description: 'not saved', recipeInstructions: [{ text: 'Heat the iron.' }] });
		expect([step.status, ((await step.json()) as typeof brokenAnswer).detail.exception]).toEqual([500, 'TypeError']);
		expect(server.recipes.get('waffles')!.description).toBe('');

		await server.close();
		server = await startMealieServer({ token: TOKEN, version: 'v3.27.0' });
		server.seedRecipe('Pancakes');
		expect((await patch('pancakes', { recipeIngredient: [{ quantity: 0, note: '2 eggs' }] })).status).toBe(200);
		const first = ((await (await call('GET', '/api/recipes/pancakes')).json()) as { recipeIngredient: { referenceId: string }[] }).recipeIngredient[0]!.referenceId;
		const second = ((await (await call('GET', '/api/recipes/pancakes')).json()) as { recipeIngredient: { referenceId: string }[] }).recipeIngredient[0]!.referenceId;
		expect(first).not.toBe(second);
	});

	it('answers a taken unit name as each version does, a taken tag with a bare 500, and refuses foods and tags without canOrganize from v3.19', async () => {
		const post = (path: string, body: unknown) =>
			fetch(`${server.origin}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` }, body: JSON.stringify(body) });
		const taken = async () => {
			const res = await post('/api/units', { name: 'cup' });
			return [res.status, ((await res.json()) as { detail: { message: string } }).detail.message];
		};
		expect(await taken()).toEqual([400, 'An unexpected error occurred']);
		expect((await post('/api/organizers/tags', { name: 'Baking' })).status).toBe(201);
		const tag = await post('/api/organizers/tags', { name: 'baking' });
		expect([tag.status, tag.headers.get('content-type'), await tag.text()]).toEqual([500, 'text/plain', 'Internal Server Error']);

		await server.close();
		server = await startMealieServer({ token: TOKEN, version: 'v3.24.0', canOrganize: false });
		expect(await taken()).toEqual([409, 'This item already exists.']);
		expect((await post('/api/foods', { name: 'flour' })).status).toBe(403);
		expect((await post('/api/organizers/tags', { name: 'Baking' })).status).toBe(403);
		expect((await post('/api/units', { name: 'pinch' })).status).toBe(201);
	});

	it('serves its web page for any other path, Tandoor’s included, never JSON', async () => {
		const get = (path: string) => fetch(`${server.origin}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } });
		for (const path of ['/api/user-preference/', '/api/server-settings/current/', '/g/home']) {
			const res = await get(path);
			expect([path, res.status, res.headers.get('content-type')]).toEqual([path, 404, 'text/html; charset=utf-8']);
		}
		await server.close();
		server = await startMealieServer({ token: TOKEN, version: 'v2.0.0' });
		expect((await get('/api/user-preference/')).status).toBe(200);
	});
});

describe('Mealie’s spelling', () => {
	it('makes the slug python-slugify makes', () => {
		expect(mealieSlug('Lemon Drizzle Cake')).toBe('lemon-drizzle-cake');
		expect(mealieSlug("Grandma's Apple Pie")).toBe('grandma-s-apple-pie');
		expect(mealieSlug('Grandma’s Apple Pie')).toBe('grandmas-apple-pie');
		expect(mealieSlug('Crème Brûlée')).toBe('creme-brulee');
		expect(mealieSlug('Käsespätzle & Straßenbrot')).toBe('kasespatzle-strassenbrot');
		expect(mealieSlug('1,000 Cookies — Best Ever!')).toBe('1000-cookies-best-ever');
		expect(mealieSlug('Pancakes (1)')).toBe('pancakes-1');
		expect(mealieSlug('Smørrebrød 🥪')).toBe('smorrebrod');
		// What only unidecode's tables would spell is not guessed.
		expect(mealieSlug('Борщ')).toBeNull();
		expect(mealieSlug('Fish &amp; Chips')).toBeNull();
		expect(mealieSlug('!!!')).toBeNull();
	});

	it('writes times and nutrition as Mealie’s importer does', () => {
		expect(duration(null)).toBeNull();
		expect(duration(0)).toBeNull();
		expect(duration(1)).toBe('1 minute');
		expect(duration(90)).toBe('1 hour 30 minutes');
		expect(duration(60 * 24 + 120)).toBe('1 day 2 hours');
		expect(nutrientAmount('250 kcal')).toBe(250);
		expect(nutrientAmount('1,200 kcal')).toBe(1200);
		expect(nutrientAmount('2,5 g')).toBe(2.5);
		expect(nutrientAmount('about 12.5g')).toBe(12.5);
		expect(nutrientAmount('n/a')).toBeNull();
		expect(nutrientAmount('1.2 g', true)).toBe(1200);
		expect(nutrientAmount('480 mg', true)).toBe(480);
	});
});
