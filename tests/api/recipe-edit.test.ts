import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RecipeDetail, RecipeList } from '../../src/lib/contract/library';
import { EditedRecipe } from '../../src/lib/contract/recipe-edit';
import { Item } from '../../src/lib/contract/queue';
import { allIngredients } from '../../src/lib/contract/recipe';
import { expectError } from '../helpers/api-error';
import { within } from '../helpers/deferred';
import { html, startHttpServer } from '../helpers/http-server';
import { recipePage } from '../helpers/recipe-page';
import { serverStorage, startServer, waitForItem, type Account, type ServerProcess, type ServerStorage } from '../helpers/server';
import { startTandoorServer, type TandoorServer } from '../helpers/tandoor-server';

let site: Awaited<ReturnType<typeof startHttpServer>>;
beforeAll(async () => {
	site = await startHttpServer({ '/bread': html(recipePage('Country Bread')), '/stew': html(recipePage('Bob Stew')) });
});
afterAll(() => site?.close());

async function share(server: ServerProcess, path: string): Promise<string> {
	const res = await server.api('/api/queue', { method: 'POST', json: { url: `${site.origin}${path}` } });
	expect(res.status).toBe(201);
	const done = await waitForItem<{ status: string; results: { recipeId?: string } | null }>(server, Item.parse(await res.json()).id, (i) => i.status === 'success');
	return done.results!.recipeId!;
}

const patch = (server: ServerProcess, id: string, body: unknown) => server.api(`/api/recipes/${id}`, { method: 'PATCH', json: body });
const detail = async (server: ServerProcess, id: string) => RecipeDetail.parse(await (await server.api(`/api/recipes/${id}`)).json());
const lines = (d: RecipeDetail) => allIngredients(d.recipe!).map((i) => i.text);

describe('the library API: edit, delete and restore', () => {
	let storage: ServerStorage;
	let server: ServerProcess;
	let bob: Account;
	let bread: string;
	let stew: string;

	beforeAll(async () => {
		storage = await serverStorage();
		server = await startServer(storage);
		await server.signUp('alice');
		expect((await server.api('/api/users', { method: 'POST', json: { username: 'bob', password: 'correct horse battery staple' } })).status).toBe(201);
		const alice = server.token;
		bob = await server.signUp('bob');
		stew = await share(server, '/stew');
		server.token = alice;
		bread = await share(server, '/bread');
	});
	afterAll(async () => {
		await server?.stop();
		await storage?.cleanup();
	});

	it('refuses what is not a valid edit with a JSON 4xx that names the field, and changes nothing', async () => {
		const before = await detail(server, bread);
		const invalid: [unknown, string][] = [
			[{ title: '   ' }, 'title'],
			[{ servings: -2 }, 'servings'],
			[{ totalMinutes: 'an hour' }, 'totalMinutes'],
			[{ ingredientGroups: [{ name: null, lines: ['2 cups flour', ''] }] }, 'ingredientGroups.0.lines.1'],
			[{ stepGroups: [{ name: null }] }, 'stepGroups.0.steps'],
			[{ titel: 'Typo' }, 'titel'],
			[[], '(root)']
		];
		for (const [body, field] of invalid) {
			const error = await expectError(await patch(server, bread, body), 422, 'validation_failed');
			expect(error.error.message, JSON.stringify(body)).toContain(field);
			expect(error.error.issues?.length).toBeGreaterThan(0);
		}
		await expectError(await server.api(`/api/recipes/${bread}`, { method: 'PATCH', body: 'title=x', headers: { 'content-type': 'text/plain' } }), 415, 'unsupported_media_type');
		await expectError(await server.api(`/api/recipes/${bread}`, { method: 'PATCH', body: '{"title":', headers: { 'content-type': 'application/json' } }), 400, 'invalid_json');
		await expectError(await patch(server, stew, { title: 'Mine now' }), 404, 'not_found');
		await expectError(await patch(server, 'not-an-id', { title: 'x' }), 404, 'not_found');
		expect(await detail(server, bread)).toEqual(before);
	});

	it('an edit is saved and read back, with changed lines read again and the rest as they were', async () => {
		const res = await patch(server, bread, {
			title: 'Seeded Country Bread',
			description: 'With a crackling crust.',
			servings: 8,
			tags: ['bread', 'Bread', 'weekend'],
			ingredientGroups: [
				{ name: 'Dough', lines: ['2 cups flour', '1 tsp salt', '3 eggs, beaten'] },
				{ name: 'Topping', lines: ['2 tbsp sesame seeds, toasted'] }
			],
			stepGroups: [{ name: null, steps: ['Mix everything.', 'Scatter the seeds and bake.'] }]
		});
		expect(res.status).toBe(200);
		const edited = EditedRecipe.parse(await res.json());
		expect(edited.targetUpdate).toBeNull();
		expect(edited).toMatchObject({ id: bread, title: 'Seeded Country Bread', description: 'With a crackling crust.' });
		expect(edited.recipe).toMatchObject({ servings: 8, tags: ['bread', 'weekend'], stepGroups: [{ name: null, steps: ['Mix everything.', 'Scatter the seeds and bake.'] }] });
		expect(edited.recipe!.ingredientGroups[1]).toEqual({
			name: 'Topping',
			ingredients: [{ text: '2 tbsp sesame seeds, toasted', quantity: 2, quantityMax: null, unit: 'tablespoon', name: 'sesame seeds', comment: 'toasted' }]
		});
		const { targetUpdate: _, ...answered } = edited;
		expect(await detail(server, bread)).toEqual(answered);
		const list = RecipeList.parse(await (await server.api('/api/recipes?q=seeded')).json());
		expect(list.recipes.map((r) => r.id)).toEqual([bread]);
	});

	it('delete hides the recipe at once; restore brings it back; someone else’s recipe is 404 for both', async () => {
		expect((await server.api(`/api/recipes/${bread}`, { method: 'DELETE' })).status).toBe(204);
		await expectError(await server.api(`/api/recipes/${bread}`), 404, 'not_found');
		expect(RecipeList.parse(await (await server.api('/api/recipes')).json()).recipes).toEqual([]);
		await expectError(await patch(server, bread, { title: 'Ghost' }), 404, 'not_found');
		await expectError(await server.api(`/api/recipes/${bread}`, { method: 'DELETE' }), 404, 'not_found');

		const asBob = { authorization: `Bearer ${bob.token}` };
		await expectError(await server.api(`/api/recipes/${bread}/restore`, { method: 'POST', headers: asBob }), 404, 'not_found');
		await expectError(await server.api(`/api/recipes/${stew}`, { method: 'DELETE' }), 404, 'not_found');
		await expectError(await server.api(`/api/recipes/${stew}/restore`, { method: 'POST' }), 404, 'not_found');
		await expectError(await server.api('/api/recipes/00000000-0000-4000-8000-000000000000/restore', { method: 'POST' }), 404, 'not_found');

		const restored = await server.api(`/api/recipes/${bread}/restore`, { method: 'POST' });
		expect(restored.status).toBe(200);
		expect(RecipeDetail.parse(await restored.json())).toMatchObject({ id: bread, title: 'Seeded Country Bread' });
		expect((await detail(server, bread)).title).toBe('Seeded Country Bread');
		expect(RecipeList.parse(await (await server.api('/api/recipes')).json()).recipes.map((r) => r.id)).toEqual([bread]);
		expect((await server.api(`/api/recipes/${bread}/restore`, { method: 'GET' })).status).toBe(405);
		// Bob's own recipe was never touched.
		expect((await server.api(`/api/recipes/${stew}`, { headers: asBob })).status).toBe(200);
	});
});

// A server start, an import through Tandoor and two or three edits: more than the default 30 s on a busy machine.
const TARGET_TEST_MS = 90_000;

describe('an edit and the copy on Tandoor', () => {
	const TOKEN = 'tda_0123456789abcdef';
	const cleanups: Array<() => Promise<unknown>> = [];
	afterEach(async () => {
		while (cleanups.length) await cleanups.pop()!();
	});

	async function setUp() {
		const tandoor = await startTandoorServer({ token: TOKEN });
		const storage = await serverStorage();
		// A short fetch limit: a Tandoor that hangs is given up on quickly.
		const server = await startServer(storage, { SECRET_KEY: 'k'.repeat(40), TANDOOR_BASE_URL: tandoor.origin, TANDOOR_TOKEN: TOKEN, FETCH_TIMEOUT_MS: '2000' });
		cleanups.push(() => tandoor.close(), () => storage.cleanup(), () => server.stop());
		await server.signUp();
		return { tandoor, server };
	}
	const creates = (tandoor: TandoorServer) => tandoor.requests.filter((r) => r.method === 'POST' && r.path === '/api/recipe/').length;
	// Amounts and foods: Tandoor keeps an ingredient row's original text from its first write.
	const remoteLines = (tandoor: TandoorServer) =>
		([...tandoor.recipes.values()][0]!.steps as { ingredients: { amount: number; food: { name: string } | null }[] }[]).flatMap((s) =>
			s.ingredients.map((i) => [i.amount, i.food?.name])
		);

	it('updates the same recipe there, never a second one', async () => {
		const { tandoor, server } = await setUp();
		const id = await share(server, '/bread');
		expect(tandoor.recipes.size).toBe(1);
		const [remoteId] = [...tandoor.recipes.keys()];

		const res = await patch(server, id, { title: 'Country Loaf', ingredientGroups: [{ name: null, lines: ['500 g flour', '1 tsp salt', '3 eggs, beaten'] }] });
		expect(res.status).toBe(200);
		const edited = EditedRecipe.parse(await res.json());
		expect(edited.targetUpdate).toMatchObject({ ok: true, link: { kind: 'tandoor', remoteId: String(remoteId) } });
		expect(tandoor.recipes.size).toBe(1);
		expect(creates(tandoor)).toBe(1);
		expect(tandoor.recipes.get(remoteId!)).toMatchObject({ name: 'Country Loaf' });
		expect(remoteLines(tandoor)).toEqual([[500, 'flour'], [1, 'salt'], [3, 'eggs']]);
		expect(tandoor.orphans()).toEqual({ steps: 0, ingredients: 0, properties: 0 });
	}, TARGET_TEST_MS);

	it('a failing or hanging Tandoor never loses the edit: it is saved first, and the answer says the copy was not updated', async () => {
		const { tandoor, server } = await setUp();
		const id = await share(server, '/bread');

		tandoor.failNext({ status: 503 });
		const failed = EditedRecipe.parse(await (await patch(server, id, { title: 'Edited While Tandoor Was Down' })).json());
		expect(failed.title).toBe('Edited While Tandoor Was Down');
		expect(failed.targetUpdate).toMatchObject({ ok: false, kind: 'tandoor' });
		expect((await detail(server, id)).title).toBe('Edited While Tandoor Was Down');

		// Tandoor takes the update and never answers: the edit is readable while the request waits.
		tandoor.failNext('hold-update');
		const held = tandoor.nextHold();
		const answer = patch(server, id, { ingredientGroups: [{ name: null, lines: ['3 cups flour'] }] });
		await within(held, 10_000, 'Tandoor to receive the update');
		expect(lines(await detail(server, id))).toEqual(['3 cups flour']);
		const timedOut = EditedRecipe.parse(await (await answer).json());
		expect(timedOut.targetUpdate).toMatchObject({ ok: false, kind: 'tandoor' });
		expect(lines(timedOut)).toEqual(['3 cups flour']);

		// Once Tandoor answers again, sending it again catches the copy up: still one recipe there.
		expect((await server.api(`/api/recipes/${id}/send`, { method: 'POST' })).status).toBe(200);
		expect(tandoor.recipes.size).toBe(1);
		expect(creates(tandoor)).toBe(1);
		expect([...tandoor.recipes.values()][0]).toMatchObject({ name: 'Edited While Tandoor Was Down' });
		expect(remoteLines(tandoor)).toEqual([[3, 'flour']]);
	}, TARGET_TEST_MS);
});
