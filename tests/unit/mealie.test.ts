import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Recipe } from '../../src/lib/contract/recipe';
import { PermanentError, RetryableError } from '../../src/lib/server/queue/errors';
import { MEALIE_MARK, duration, mealieClient, mealieSlug, nutrientAmount } from '../../src/lib/server/targets/mealie';
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
const link = (slug: string) => ({ remoteId: slug, url: `${server.origin}/g/home/r/${slug}` });

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
			recipeYield: '1 loaf, 10 slices',
			recipeServings: 10,
			prepTime: '15 minutes',
			performTime: '50 minutes',
			totalTime: '1 hour 5 minutes',
			orgURL: 'https://example.com/lemon-drizzle-cake',
			extras: { [MEALIE_MARK]: 'https://example.com/lemon-drizzle-cake' },
			// Amounts shown; the household's other settings (Mealie's defaults differ) kept as they were.
			settings: { public: true, showNutrition: false, showAssets: false, landscapeView: false, disableComments: false, disableAmount: false, locked: false }
		});
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
		expect(server.foods.map((f) => f.name)).toEqual(['unsalted butter', 'eggs', 'lemons', 'caster sugar', 'lemon juice']);
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

		expect(remote).toEqual({ remoteId: 'pancakes-1', url: `${server.origin}/recipe/pancakes-1` });
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
		expect(after).toMatchObject({ name: 'Lemon Drizzle Loaf', description: '', recipeServings: 0, tags: [], notes: [{ title: 'Tip', text: 'Use unwaxed lemons.' }] });
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

		expect(await client().update(remote, pancakes)).toBeNull();
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

		const remote = await client().create(recipe, noop);

		expect(server.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
			'GET /api/users/self 200',
			'GET /api/units 200',
			'GET /api/foods 200',
			'POST /api/foods 201',
			'POST /api/units 201',
			'POST /api/recipes 201',
			'GET /api/recipes/salted-flour 200',
			'PATCH /api/recipes/salted-flour 200'
		]);
		expect(server.requests.filter((r) => r.method === 'GET' && /units|foods/.test(r.path)).map((r) => r.query)).toEqual([{ perPage: '-1' }, { perPage: '-1' }]);
		expect(server.requests.filter((r) => r.method === 'POST' && /units|foods/.test(r.path)).map((r) => r.body)).toEqual([
			{ name: 'salt' },
			{ name: 'pinch', pluralName: 'pinches', abbreviation: '', pluralAbbreviation: '', useAbbreviation: false, fraction: true }
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

		// Sending it again reads the lists again and creates nothing: the recipe, the lists, the PATCH.
		const before = server.requests.length;
		expect(await client().update(remote, recipe)).toEqual(remote);
		expect(log(before)).toEqual(['GET /api/recipes/salted-flour', 'GET /api/users/self', 'GET /api/units', 'GET /api/foods', 'PATCH /api/recipes/salted-flour']);
		expect(server.units).toHaveLength(4);
		expect(server.foods.map((f) => f.name)).toEqual(['flour', 'salt']);
	});

	it('turns “disable amount” off on update too, keeping the recipe’s other settings', async () => {
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
		server.failNext('timeout-after-create');
		const created = vi.fn(noop);

		const err = await failure(client({}, 300).create(pancakes, created));

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
		server.failNext('timeout-after-create');
		await failure(client({}, 300).create(pancakes, noop));
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
		expect(await client().testConnection()).toEqual({ server: 'Mealie v2.8.0', user: 'Casey Cook' });
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
	it('has Mealie fetch the picture: true when it took it, false when it could not use it', async () => {
		const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0xff, 0xd9]);
		const site = await startHttpServer({
			'/cake.jpg': (_req, res) => void res.writeHead(200, { 'content-type': 'image/jpeg' }).end(jpeg),
			'/cake.html': html('<p>not a picture</p>')
		});
		try {
			const remote = await client().create(cake, noop);
			const id = server.recipes.get(remote.remoteId)!.id;

			expect(await client().setImage(remote, `${site.origin}/cake.html`)).toBe(false);
			expect(server.images.has(id)).toBe(false);

			expect(await client().setImage(remote, `${site.origin}/cake.jpg`)).toBe(true);
			expect(server.images.get(id)).toEqual({ type: 'image/jpeg', size: jpeg.length });
			expect(server.requests.at(-1)).toMatchObject({ method: 'POST', path: `/api/recipes/${remote.remoteId}/image`, body: { url: `${site.origin}/cake.jpg` } });

			server.failNext({ status: 502 });
			expect(await failure(client().setImage(remote, `${site.origin}/cake.jpg`))).toBeInstanceOf(RetryableError);
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
				{ quantity: 2, unit: { id: cup.id, name: 'cup' }, food: { id: flour.id, name: 'flour' }, note: '' },
				{ quantity: 1, unit: null, food: { id: '5f0c3b8e-52a4-4d0b-9a43-0d6f1a3c2b11', name: 'ghost' }, note: 'x' }
			]
		});
		expect(res.status).toBe(200);
		expect(server.recipes.get('pancakes')!.recipeIngredient).toMatchObject([
			{ unit: { id: cup.id, name: 'cup' }, food: { id: flour.id, name: 'flour' } },
			{ unit: null, food: null }
		]);
		expect((await patch('pancakes', { recipeIngredient: [{ quantity: 1, food: { name: 'flour' } }] })).status).toBe(500);
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
		expect(nutrientAmount('250 kcal')).toBe('250');
		expect(nutrientAmount('1,200 kcal')).toBe('1200');
		expect(nutrientAmount('2,5 g')).toBe('2.5');
		expect(nutrientAmount('about 12.5g')).toBe('12.5');
		expect(nutrientAmount('n/a')).toBeNull();
		expect(nutrientAmount('1.2 g', true)).toBe('1200');
		expect(nutrientAmount('480 mg', true)).toBe('480');
	});
});
