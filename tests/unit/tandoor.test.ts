import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Recipe } from '../../src/lib/contract/recipe';
import { JobError, PermanentError, RetryableError } from '../../src/lib/server/failures/errors';
import { firstFieldError, tandoorClient, tandoorRecipe } from '../../src/lib/server/targets/tandoor';
import type { RemoteRecipe, TargetRequestLimits } from '../../src/lib/server/targets/target';
import { deferred, within } from '../helpers/deferred';
import { startHttpServer } from '../helpers/http-server';
import { startTandoorServer, type TandoorServer } from '../helpers/tandoor-server';

const TOKEN = 'tda_5c1f0e2a_9b7d_4e3c_8a6f_1d2e3f4a5b6c';
const LIMITS: TargetRequestLimits = { timeoutMs: 5_000, maxBytes: 1_000_000, allowPrivate: true };

const shakshuka: Recipe = {
	title: 'Shakshuka',
	description: 'Eggs poached in a spiced tomato and pepper sauce.',
	yields: '4 servings',
	servings: 4,
	prepMinutes: 10,
	cookMinutes: 25,
	totalMinutes: 35,
	ingredientGroups: [
		{
			name: null,
			ingredients: [
				{ text: '2 tbsp olive oil', quantity: 2, quantityMax: null, unit: 'tablespoon', name: 'olive oil', comment: null },
				{ text: '1 large onion, diced', quantity: 1, quantityMax: null, unit: null, name: 'onion', comment: 'large, diced' },
				{ text: '1½ cans chopped tomatoes', quantity: 1.5, quantityMax: null, unit: 'can', name: 'chopped tomatoes', comment: null },
				{ text: 'salt to taste', quantity: null, quantityMax: null, unit: null, name: 'salt', comment: 'to taste' }
			]
		},
		{
			name: 'For the topping',
			ingredients: [
				{ text: '4-6 eggs', quantity: 4, quantityMax: 6, unit: null, name: 'eggs', comment: null },
				{ text: 'a handful of whatever herbs you have', quantity: null, quantityMax: null, unit: null, name: null, comment: null }
			]
		}
	],
	stepGroups: [
		{ name: null, steps: ['Soften the onion in the oil.', 'Add the tomatoes and simmer for 15 minutes.'] },
		{ name: 'To serve', steps: ['Crack in the eggs, cover and cook until set.'] }
	],
	tags: ['Breakfast', 'breakfast', 'Vegetarian', ' '],
	image: 'https://cooking.example/shakshuka.jpg',
	sourceUrl: 'https://cooking.example/recipes/shakshuka',
	siteName: 'Cooking Example',
	author: null,
	nutrition: null,
	parsedBy: 'structured-data'
};

let server: TandoorServer;

beforeEach(async () => {
	server = await startTandoorServer({ token: TOKEN });
});
afterEach(() => server.close());

const client = (limits: Partial<TargetRequestLimits> = {}, connection: { baseUrl?: string; token?: string } = {}) =>
	tandoorClient({ kind: 'tandoor', baseUrl: server.origin, token: TOKEN, ...connection }, { ...LIMITS, ...limits });

const noop = async () => {};
const line = (r: { method: string; path: string }) => `${r.method} ${r.path}`;

async function rejection(promise: Promise<unknown>): Promise<JobError> {
	const err = await within(promise.then(() => null, (e: unknown) => e), 10_000, 'the call to settle');
	if (!(err instanceof JobError)) throw new Error(`expected a JobError, got ${String(err)}`);
	expect(err.message).not.toContain(TOKEN);
	return err;
}

/** The stored recipe's ingredient rows, reduced to what the mapping decides. */
function rows(recipe: Record<string, any>) {
	return (recipe.steps as any[]).map((step) =>
		(step.ingredients as any[]).map((i) => ({
			food: i.food?.name ?? null,
			unit: i.unit?.name ?? null,
			amount: i.amount,
			note: i.note,
			original_text: i.original_text,
			is_header: i.is_header,
			no_amount: i.no_amount,
			order: i.order
		}))
	);
}

const stored = (remote: RemoteRecipe) => server.recipes.get(Number(remote.remoteId)) as Record<string, any>;

describe('create', () => {
	it('saves the whole recipe the way Tandoor’s own importer shapes one', async () => {
		const remote = await client().create(shakshuka, noop);
		expect(remote).toEqual({ remoteId: '1', url: `${server.origin}/recipe/1`, hasPicture: false });
		const recipe = stored(remote);
		expect(recipe).toMatchObject({
			name: 'Shakshuka',
			description: 'Eggs poached in a spiced tomato and pepper sauce.',
			servings: 4,
			servings_text: 'servings',
			working_time: 10,
			waiting_time: 25,
			source_url: 'https://cooking.example/recipes/shakshuka',
			internal: true
		});
		expect(recipe.keywords.map((k: any) => k.name)).toEqual(['Breakfast', 'Vegetarian']);
		expect(recipe.steps.map((s: any) => [s.order, s.name, s.instruction])).toEqual([
			[0, '', 'Soften the onion in the oil.'],
			[1, '', 'Add the tomatoes and simmer for 15 minutes.'],
			[2, 'To serve', 'Crack in the eggs, cover and cook until set.']
		]);
		expect(rows(recipe)).toEqual([
			[
				{ food: 'olive oil', unit: 'tablespoon', amount: 2, note: '', original_text: '2 tbsp olive oil', is_header: false, no_amount: false, order: 0 },
				{ food: 'onion', unit: null, amount: 1, note: 'large, diced', original_text: '1 large onion, diced', is_header: false, no_amount: false, order: 1 },
				{ food: 'chopped tomatoes', unit: 'can', amount: 1.5, note: '', original_text: '1½ cans chopped tomatoes', is_header: false, no_amount: false, order: 2 },
				{ food: 'salt', unit: null, amount: 0, note: 'to taste', original_text: 'salt to taste', is_header: false, no_amount: true, order: 3 },
				{ food: null, unit: null, amount: 0, note: 'For the topping', original_text: null, is_header: true, no_amount: true, order: 4 },
				// Tandoor has no range: the upper end goes in the note.
				{ food: 'eggs', unit: null, amount: 4, note: 'up to 6', original_text: '4-6 eggs', is_header: false, no_amount: false, order: 5 },
				// No food found: the whole line is the food, as Tandoor's importer writes it (2.x shows no row without one).
				{
					food: 'a handful of whatever herbs you have',
					unit: null,
					amount: 0,
					note: '',
					original_text: 'a handful of whatever herbs you have',
					is_header: false,
					no_amount: true,
					order: 6
				}
			],
			[],
			[]
		]);
		// The person's units are read first, to use their spellings.
		expect(server.requests.map((r) => [line(r), r.status, r.headers.authorization])).toEqual([
			['GET /api/unit/', 200, `Bearer ${TOKEN}`],
			['POST /api/recipe/', 201, `Bearer ${TOKEN}`]
		]);
		expect(server.units.get('tablespoon')).toMatchObject({ name: 'tablespoon', base_unit: 'tbsp' });
	});

	it('fills what the recipe does not say: servings from the yield, the rest of the total as waiting, one empty step', async () => {
		const bare: Recipe = {
			...shakshuka,
			yields: 'Makes 12 muffins',
			servings: null,
			prepMinutes: null,
			cookMinutes: null,
			totalMinutes: 40,
			stepGroups: [],
			description: null,
			tags: []
		};
		const recipe = stored(await client().create(bare, noop));
		expect(recipe).toMatchObject({ servings: 12, servings_text: 'muffins', working_time: 0, waiting_time: 40, description: '', keywords: [] });
		expect(recipe.steps).toHaveLength(1);
		expect(recipe.steps[0]).toMatchObject({ name: '', instruction: '' });
		expect(rows(recipe)[0]).toHaveLength(7);

		const unknown = stored(await client().create({ ...bare, yields: null, totalMinutes: null, prepMinutes: 5 }, noop));
		expect(unknown).toMatchObject({ servings: 1, servings_text: '', working_time: 5, waiting_time: 0 });
	});

	it('leaves servings_text empty when the yield counts something other than servings', () => {
		expect(tandoorRecipe({ ...shakshuka, yields: '8 pancakes', servings: 4 })).toMatchObject({ servings: 4, servings_text: '' });
		expect(tandoorRecipe({ ...shakshuka, yields: '4-6 servings', servings: 4 })).toMatchObject({ servings: 4, servings_text: 'servings' });
		expect(tandoorRecipe({ ...shakshuka, yields: 'Serves 4', servings: 4 })).toMatchObject({ servings: 4, servings_text: '' });
		expect(tandoorRecipe({ ...shakshuka, yields: `4 ${'very generous '.repeat(3)}servings`, servings: 4.4 })).toMatchObject({ servings: 4, servings_text: '' });
	});

	it('cuts every string to its column, counting characters as Tandoor does, so Tandoor takes it', async () => {
		const long: Recipe = {
			...shakshuka,
			title: '🥞'.repeat(200),
			description: 'd'.repeat(2000),
			sourceUrl: `https://cooking.example/${'p'.repeat(1100)}`,
			tags: ['t'.repeat(60)],
			ingredientGroups: [
				{
					name: 'g'.repeat(200),
					ingredients: [{ text: 'x'.repeat(500), quantity: 1, quantityMax: null, unit: 'u'.repeat(40), name: 'n'.repeat(500), comment: 'c'.repeat(500) }]
				}
			],
			stepGroups: [{ name: 's'.repeat(200), steps: ['i'.repeat(5000)] }]
		};
		const recipe = stored(await client().create(long, noop));
		expect(Array.from(recipe.name as string)).toHaveLength(128);
		expect(recipe.name).toBe('🥞'.repeat(128));
		expect(recipe.description).toHaveLength(512);
		expect(recipe.source_url).toHaveLength(1024);
		expect(recipe.steps[0].name).toHaveLength(128);
		expect(recipe.steps[0].instruction).toHaveLength(5000);
		const [header, row] = recipe.steps[0].ingredients;
		expect(header.note).toBe('g'.repeat(200));
		expect(row.food.name).toHaveLength(128);
		expect(row.note).toHaveLength(256);
		expect(row.original_text).toHaveLength(500);
		expect(server.requests.map((r) => r.status)).toEqual([200, 201]);
	});

	it('awaits created with the id before it sends anything else', async () => {
		const entered = deferred<RemoteRecipe>();
		const release = deferred();
		let settled = false;
		const creating = client()
			.create(shakshuka, async (remote) => {
				entered.resolve(remote);
				await release.promise;
			})
			.then((remote) => {
				settled = true;
				return remote;
			});
		const remote = await within(entered.promise, 5_000, 'created to be called');
		expect(remote).toEqual({ remoteId: '1', url: `${server.origin}/recipe/1`, hasPicture: false });
		expect(server.requests.map(line)).toEqual(['GET /api/unit/', 'POST /api/recipe/']);
		await new Promise((resolve) => setImmediate(resolve));
		expect(settled).toBe(false);
		release.resolve();
		expect(await creating).toEqual(remote);
		expect(server.requests.map(line)).toEqual(['GET /api/unit/', 'POST /api/recipe/']);
	});

	it('passes on a failure of created and sends nothing more', async () => {
		const broken = new Error('database is gone');
		await expect(client().create(shakshuka, async () => Promise.reject(broken))).rejects.toBe(broken);
		expect(server.requests.map(line)).toEqual(['GET /api/unit/', 'POST /api/recipe/']);
	});

	it('reports what Tandoor refused, by field', async () => {
		const full = await startTandoorServer({ token: TOKEN, maxRecipes: 1 });
		try {
			const tandoor = tandoorClient({ kind: 'tandoor', baseUrl: full.origin, token: TOKEN }, LIMITS);
			await tandoor.create(shakshuka, noop);
			const err = await rejection(tandoor.create(shakshuka, noop));
			expect(err).toBeInstanceOf(PermanentError);
			expect(err.code).toBe('target_rejected');
			expect(err.message).toBe('Tandoor rejected the recipe: You have reached the maximum number of recipes for your space.');
		} finally {
			await full.close();
		}
	});
});

describe('the person’s own vocabulary', () => {
	it('uses their spelling of a unit (their “g” for our gram) and creates ours with Tandoor’s base unit otherwise', async () => {
		await server.close();
		server = await startTandoorServer({ token: TOKEN, units: [{ name: 'g', base_unit: 'g' }, { name: 'EL', plural_name: 'tbsp' }] });
		const recipe: Recipe = {
			...shakshuka,
			ingredientGroups: [
				{
					name: null,
					ingredients: [
						{ text: '200 g spinach', quantity: 200, quantityMax: null, unit: 'gram', name: 'spinach', comment: null },
						{ text: '2 tbsp oil', quantity: 2, quantityMax: null, unit: 'tablespoon', name: 'oil', comment: null },
						{ text: '1 cup stock', quantity: 1, quantityMax: null, unit: 'cup', name: 'stock', comment: null }
					]
				}
			]
		};

		const remote = await client().create(recipe, noop);

		expect(rows(stored(remote))[0]!.map((r) => r.unit)).toEqual(['g', 'EL', 'cup']);
		expect([...server.units.values()].map((u) => [u.name, u.base_unit])).toEqual([
			['g', 'g'],
			['EL', null],
			['cup', 'us_cup']
		]);
	});

	it('sends nutrition as recipe properties per serving, on the person’s own property types where they have them', async () => {
		await server.close();
		server = await startTandoorServer({ token: TOKEN, propertyTypes: [{ name: 'Kalorien', unit: 'kcal', open_data_slug: 'property-calories' }, { name: 'Fat', unit: 'g' }] });
		const withNutrition: Recipe = { ...shakshuka, nutrition: { calories: '320 kcal', fat: '18 g', saturatedFat: null, carbohydrates: '22 g', sugar: null, fiber: null, protein: '15 g', sodium: '0.8 g' } };

		const remote = await client().create(withNutrition, noop);

		const properties = (stored(remote).properties as any[]).map((p) => [p.property_type.name, p.property_type.unit, p.property_amount]);
		expect(properties).toEqual([
			['Kalorien', 'kcal', 320],
			['Fat', 'g', 18],
			['Carbohydrates', 'g', 22],
			['Proteins', 'g', 15],
			['Sodium', 'mg', 800]
		]);
		// Sent again: the same property rows, rewritten; none left behind.
		await client().update(remote, { ...withNutrition, nutrition: { ...withNutrition.nutrition!, calories: '300 kcal', sodium: null } });
		expect((stored(remote).properties as any[]).map((p) => [p.property_type.name, p.property_amount])).toEqual([
			['Kalorien', 300],
			['Fat', 18],
			['Carbohydrates', 22],
			['Proteins', 15]
		]);
		expect(server.orphans()).toEqual({ steps: 0, ingredients: 0, properties: 0 });
	});
});

describe('update', () => {
	const changed: Recipe = {
		...shakshuka,
		title: 'Green shakshuka',
		tags: ['Brunch'],
		ingredientGroups: [{ name: null, ingredients: [{ text: '200 g spinach', quantity: 200, quantityMax: null, unit: 'gram', name: 'spinach', comment: null }] }],
		stepGroups: [{ name: null, steps: ['Wilt the spinach.'] }]
	};

	it('writes the recipe over the old one in place: its own rows reused by id, the spare ones deleted, none left behind', async () => {
		const remote = await client().create(shakshuka, noop);
		const before = structuredClone(stored(remote));
		const from = server.requests.length;

		expect(await client().update(remote, changed)).toEqual(remote);

		const after = stored(remote);
		expect(server.recipes.size).toBe(1);
		expect(after).toMatchObject({ id: 1, name: 'Green shakshuka', created_at: before.created_at });
		expect(after.keywords.map((k: any) => k.name)).toEqual(['Brunch']);
		expect(after.steps.map((s: any) => s.instruction)).toEqual(['Wilt the spinach.']);
		// The first step and first ingredient row are the same rows, rewritten (Tandoor keeps a row's original_text).
		expect(after.steps[0].id).toBe(before.steps[0].id);
		expect(after.steps[0].ingredients[0]).toMatchObject({ id: before.steps[0].ingredients[0].id, food: { name: 'spinach' }, unit: { name: 'gram' }, amount: 200 });
		const put = server.requests.find((r) => r.method === 'PUT')!;
		expect((put.body as any).steps[0]).toMatchObject({ id: before.steps[0].id, ingredients: [{ id: before.steps[0].ingredients[0].id }] });
		// Six spare ingredient rows and two spare steps, deleted before the PUT (after it, no endpoint could reach them).
		expect(server.requests.slice(from).map((r) => [line(r), r.status])).toEqual([
			['GET /api/recipe/1/', 200],
			['GET /api/unit/', 200],
			...before.steps[0].ingredients.slice(1).map((i: any) => [`DELETE /api/ingredient/${i.id}/`, 204]),
			...before.steps.slice(1).map((st: any) => [`DELETE /api/step/${st.id}/`, 204]),
			['PUT /api/recipe/1/', 200]
		]);
		expect(server.orphans()).toEqual({ steps: 0, ingredients: 0, properties: 0 });
	});

	it('leaves nothing behind after ten re-sends, where steps sent without ids would leave every old row', async () => {
		const remote = await client().create(shakshuka, noop);
		for (let i = 0; i < 10; i++) await client().update(remote, i % 2 ? shakshuka : changed);
		expect(server.orphans()).toEqual({ steps: 0, ingredients: 0, properties: 0 });

		// What the earlier client did: a full PUT without ids. Tandoor keeps the old rows, unlinked.
		const put = await fetch(`${server.origin}/api/recipe/1/`, {
			method: 'PUT',
			headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
			body: JSON.stringify(tandoorRecipe(shakshuka))
		});
		expect(put.status).toBe(200);
		expect(server.orphans()).toEqual({ steps: 3, ingredients: 7, properties: 0 });
	});

	it('says the copy is gone when the recipe was deleted in Tandoor', async () => {
		const remote = await client().create(shakshuka, noop);
		server.recipes.delete(1);
		expect(await client().update(remote, shakshuka)).toEqual({ unusable: 'deleted' });
		expect(server.requests.at(-1)).toMatchObject({ method: 'GET', path: '/api/recipe/1/', status: 404 });
	});
});

describe('findExisting', () => {
	it('finds the recipe made for the same page, not a namesake from elsewhere', async () => {
		const other = await client().create({ ...shakshuka, sourceUrl: 'https://elsewhere.example/shakshuka' }, noop);
		const ours = await client().create(shakshuka, noop);
		await client().create({ ...shakshuka, title: 'Shakshuka bake', sourceUrl: 'https://cooking.example/recipes/shakshuka-bake' }, noop);
		expect(other.remoteId).not.toBe(ours.remoteId);

		expect(await client().findExisting(shakshuka)).toEqual(ours);
		expect(await client().findExisting({ ...shakshuka, sourceUrl: 'https://third.example/shakshuka' })).toBeNull();
		const search = server.requests.find((r) => r.method === 'GET' && r.path === '/api/recipe/');
		expect(search?.query).toEqual({ query: 'Shakshuka', page_size: '10' });
	});

	it('finds nothing in an empty Tandoor', async () => {
		expect(await client().findExisting(shakshuka)).toBeNull();
	});

	it('finds the recipe a create stored before its answer was lost', async () => {
		server.failNext('timeout-after-create');
		let called = false;
		const err = await rejection(
			client({ timeoutMs: 300 }).create(shakshuka, async () => {
				called = true;
			})
		);
		expect(err).toBeInstanceOf(RetryableError);
		expect(err.code).toBe('timeout');
		expect(called).toBe(false);
		expect(server.recipes.size).toBe(1);

		expect(await client().findExisting(shakshuka)).toEqual({ remoteId: '1', url: `${server.origin}/recipe/1`, hasPicture: false });
	});
});

describe('setImage', () => {
	const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0xff, 0xd9]);
	const picture = { bytes: jpeg, mediaType: 'image/jpeg', extension: 'jpg' };

	it('uploads the picture’s bytes as a file, never a URL for Tandoor to fetch', async () => {
		const remote = await client().create(shakshuka, noop);
		expect(await client().setImage(remote, picture)).toBe(true);
		expect(stored(remote).image).toMatch(new RegExp(`^${server.origin}/media/recipes/[0-9a-f-]+_1\\.jpg$`));
		const put = server.requests.at(-1);
		expect(put).toMatchObject({ method: 'PUT', path: '/api/recipe/1/image/', status: 200, body: { image: { filename: 'recipe.jpg', type: 'image/jpeg', size: jpeg.length } } });
		expect(put?.body).not.toHaveProperty('image_url');
		// Re-sending keeps the picture there, whoever chose it.
		expect(await client().update(remote, shakshuka)).toEqual({ ...remote, hasPicture: true });
	});

	it('would lose a picture to image_url: Tandoor cannot fetch from a private address and clears the picture it had', async () => {
		const images = await startHttpServer({ '/shakshuka.jpg': (_req, res) => res.writeHead(200, { 'content-type': 'image/jpeg' }).end(jpeg) });
		try {
			const remote = await client().create(shakshuka, noop);
			await client().setImage(remote, picture);
			const form = new FormData();
			form.append('image_url', `${images.origin}/shakshuka.jpg`);
			const res = await fetch(`${server.origin}/api/recipe/1/image/`, { method: 'PUT', headers: { authorization: `Bearer ${TOKEN}` }, body: form });
			expect([res.status, await res.json()]).toEqual([200, { image: null, image_url: `${images.origin}/shakshuka.jpg` }]);
			expect(stored(remote).image).toBeNull();
			expect(images.hits).toEqual([]);
		} finally {
			await images.close();
		}
	});

	it('is false for what Tandoor will not take, and for a recipe gone meanwhile', async () => {
		const remote = await client().create(shakshuka, noop);
		expect(await client().setImage(remote, { ...picture, bytes: Buffer.from('<html>not a picture</html>') })).toBe(false);
		expect(server.requests.at(-1)).toMatchObject({ status: 400 });
		const requests = server.requests.length;
		expect(await client().setImage(remote, { bytes: jpeg, mediaType: 'image/avif', extension: 'avif' })).toBe(false);
		expect(server.requests).toHaveLength(requests); // Tandoor's image action takes no AVIF: not sent
		server.recipes.delete(1);
		expect(await client().setImage(remote, picture)).toBe(false);
		expect(server.requests.at(-1)).toMatchObject({ path: '/api/recipe/1/image/', status: 404 });
	});

	it('throws the server’s trouble rather than calling it a bad picture', async () => {
		const remote = await client().create(shakshuka, noop);
		server.failNext({ status: 503 });
		const err = await rejection(client().setImage(remote, picture));
		expect(err).toBeInstanceOf(RetryableError);
		expect(err.code).toBe('server_error');
	});
});

describe('testConnection', () => {
	it('reports the server’s version and the token’s user', async () => {
		expect(await client().testConnection()).toEqual({ server: 'Tandoor 2.6.12', user: 'Ada Lovelace' });
		expect(server.requests.map((r) => [line(r), r.headers.authorization ?? null, r.status])).toEqual([
			['GET /api/user-preference/', `Bearer ${TOKEN}`, 200],
			// The right to save, proved without saving: an empty recipe is refused for its missing fields.
			['POST /api/recipe/', `Bearer ${TOKEN}`, 400],
			['GET /api/server-settings/current/', null, 200]
		]);
		expect(server.recipes.size).toBe(0);
	});

	it.each([{ scope: 'read' }, { group: 'guest' as const }])('says what the token lacks when it may read but not save (%o)', async (limits) => {
		await server.close();
		server = await startTandoorServer({ token: TOKEN, ...limits });
		const err = await rejection(client().testConnection());
		expect(err).toMatchObject({ code: 'target_read_only', message: expect.stringContaining('“read write” scope') });
		// What the earlier test missed: every upload then fails with the same 403.
		expect(await rejection(client().create(shakshuka, noop))).toMatchObject({ code: 'target_auth' });
	});

	it('asks for a new token when Tandoor refuses this one', async () => {
		const err = await rejection(client({}, { token: 'tda_wrong' }).testConnection());
		expect(err).toBeInstanceOf(PermanentError);
		expect(err.code).toBe('target_auth');
		expect(err.message).toBe('Tandoor refused the token (403): check your Tandoor token in Settings (it needs the “read write” scope)');
	});

	it('takes a 401 the same way', async () => {
		server.failNext({ status: 401 });
		const err = await rejection(client().create(shakshuka, noop));
		expect(err.code).toBe('target_auth');
		expect(err.message).toBe('Tandoor refused the token (401): check your Tandoor token in Settings (it needs the “read write” scope)');
	});

	it('says when the address is not a Tandoor server', async () => {
		const site = await startHttpServer({});
		try {
			const elsewhere = client({}, { baseUrl: site.origin });
			const err = await rejection(elsewhere.testConnection());
			expect(err).toBeInstanceOf(PermanentError);
			expect(err.code).toBe('target_not_found');
			expect(err.message).toBe(`this does not look like a Tandoor server: 127.0.0.1:${site.port} answered 404 for /api/user-preference/`);
			const create = await rejection(elsewhere.create(shakshuka, noop));
			expect(create.message).toBe(`this does not look like a Tandoor server: 127.0.0.1:${site.port} answered 404 for /api/unit/`);
			expect(await rejection(elsewhere.update({ remoteId: '1', url: '' }, shakshuka))).toMatchObject({ code: 'target_not_found' });
		} finally {
			await site.close();
		}
	});

	it('says when an address answers with a web page', async () => {
		const site = await startHttpServer({ '/api/user-preference/': (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<h1>Welcome</h1>') });
		try {
			const err = await rejection(client({}, { baseUrl: site.origin }).testConnection());
			expect(err.code).toBe('target_not_found');
			expect(err.message).toBe(`this does not look like a Tandoor server: 127.0.0.1:${site.port} answered 200 with a page instead of JSON for /api/user-preference/`);
		} finally {
			await site.close();
		}
	});

	it('refuses an address below Tandoor’s, which Tandoor sends to its login page', async () => {
		const err = await rejection(client({}, { baseUrl: `${server.origin}/recipes` }).testConnection());
		expect(err).toBeInstanceOf(PermanentError);
		expect(err).toMatchObject({ code: 'target_not_found', message: `this address is not a Tandoor server: ${new URL(server.origin).host} sends /recipes/api/user-preference/ to /accounts/login/` });
	});
});

describe('server trouble', () => {
	it('is retryable, with Tandoor’s Retry-After', async () => {
		server.failNext({ status: 503, retryAfter: '120' });
		const err = await rejection(client().create(shakshuka, noop));
		expect(err).toBeInstanceOf(RetryableError);
		expect(err).toMatchObject({ code: 'server_error', retryAfterMs: 120_000 });
		expect(server.recipes.size).toBe(0);
	});

	it('is retryable for a plain 500 too', async () => {
		server.failNext({ status: 500 });
		const err = await rejection(client().findExisting(shakshuka));
		expect(err).toBeInstanceOf(RetryableError);
		expect(err.retryAfterMs).toBeUndefined();
	});
});

describe('the test server', () => {
	const post = (body: unknown, token = TOKEN) =>
		fetch(`${server.origin}/api/recipe/`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
			body: JSON.stringify(body)
		});

	it('refuses what Tandoor’s serializers refuse, in DRF’s shape', async () => {
		const res = await post({
			name: 'n'.repeat(129),
			servings: 2.5,
			keywords: [{ name: '' }],
			steps: [{ instruction: 'ok', ingredients: [] }, { ingredients: [{ unit: null, amount: 'lots', food: { name: 'x' } }, { food: null }] }],
			unknown_field: 'ignored'
		});
		expect(res.status).toBe(400);
		const body = await res.json();
		expect(body).toEqual({
			name: ['Ensure this field has no more than 128 characters.'],
			servings: ['A valid integer is required.'],
			keywords: [{ name: ['This field may not be blank.'] }],
			steps: [{}, { ingredients: [{ amount: ['A valid number is required'] }, { unit: ['This field is required.'], amount: ['This field is required.'] }] }]
		});
		expect(firstFieldError(body)).toBe('name: Ensure this field has no more than 128 characters.');
		expect(firstFieldError({ steps: body.steps })).toBe('steps[1].ingredients[0].amount: A valid number is required');
	});

	it('requires the steps and accepts what the client sends', async () => {
		expect(await (await post({ name: 'Toast' })).json()).toEqual({ steps: ['This field is required.'] });
		expect(await (await post({ name: 'Toast', steps: ['Toast the bread.'] })).json()).toEqual({
			steps: [{ non_field_errors: ['Invalid data. Expected a dictionary, but got str.'] }]
		});
		const res = await post(tandoorRecipe(shakshuka));
		expect(res.status).toBe(201);
		expect(await res.json()).toMatchObject({ id: 1, name: 'Shakshuka' });
	});

	it('refuses a wrong token as Tandoor does', async () => {
		const res = await post(tandoorRecipe(shakshuka), 'tda_wrong');
		expect(res.status).toBe(403);
		expect(await res.json()).toEqual({ detail: 'Authentication credentials were not provided.' });
	});
});
