import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError } from '../helpers/api-error';
import { encodeCursor, RecipeDetail, RecipeList } from '../../src/lib/contract/library';
import { Item } from '../../src/lib/contract/queue';
import { html, startHttpServer } from '../helpers/http-server';
import { recipePage } from '../helpers/recipe-page';
import { serverStorage, startServer, waitForItem, type Account, type ServerProcess, type ServerStorage } from '../helpers/server';

let site: Awaited<ReturnType<typeof startHttpServer>>;
let storage: ServerStorage;
let server: ServerProcess;
let alice: Account;
let bob: Account;
/** Alice's recipes by slug, shared oldest first: bread, soup, pie. */
const mine: Record<string, { id: string; itemId: string }> = {};
let bobsRecipe: string;

const missing = '00000000-0000-4000-8000-000000000000';

/** Shares a fixture page as the current token's user and waits for the recipe it is saved as. */
async function share(path: string): Promise<{ id: string; itemId: string }> {
	const res = await server.api('/api/queue', { method: 'POST', json: { url: `${site.origin}${path}` } });
	expect(res.status).toBe(201);
	const item = Item.parse(await res.json());
	const done = await waitForItem<{ status: string; results: { recipeId?: string } | null }>(server, item.id, (i) => i.status === 'success');
	expect(done.results?.recipeId).toMatch(/^[0-9a-f-]{36}$/);
	return { id: done.results!.recipeId!, itemId: item.id };
}

const asBob = { authorization: '' };

beforeAll(async () => {
	site = await startHttpServer({
		'/bread': html(recipePage('Country Bread')),
		'/soup': html(recipePage('Tomato Soup', '<meta name="description" content="Smoky, with roasted garlic.">')),
		'/pie': html(recipePage("Grandma's Apple Pie", '<meta property="og:image" content="/img/pie.jpg">')),
		'/stew': html(recipePage('Bob Stew'))
	});
	storage = await serverStorage();
	server = await startServer(storage);
	alice = await server.signUp('alice');
	// The first account is the admin; it adds Bob, who gets a token of his own.
	expect((await server.api('/api/users', { method: 'POST', json: { username: 'bob', password: 'correct horse battery staple' } })).status).toBe(201);
	bob = await server.signUp('bob');
	asBob.authorization = `Bearer ${bob.token}`;
	bobsRecipe = (await share('/stew')).id;
	server.token = alice.token;
	// One after the other, so that "newest first" has an order to check.
	for (const slug of ['bread', 'soup', 'pie']) mine[slug] = await share(`/${slug}`);
});

afterAll(async () => {
	await server?.stop();
	await Promise.all([storage?.cleanup(), site?.close()]);
});


const list = async (query = '', headers: Record<string, string> = {}) => {
	const res = await server.api(`/api/recipes${query}`, { headers });
	expect(res.status).toBe(200);
	return RecipeList.parse(await res.json());
};

describe('GET /api/recipes', () => {
	it('lists the user’s own recipes, newest first, as summaries', async () => {
		const page = await list();
		expect(page.recipes.map((r) => r.title)).toEqual(["Grandma's Apple Pie", 'Tomato Soup', 'Country Bread']);
		expect(page.nextCursor).toBeNull();
		expect(page.recipes[0]).toMatchObject({
			id: mine.pie!.id,
			sourceUrl: `${site.origin}/pie`,
			imageUrl: `${site.origin}/img/pie.jpg`,
			totalMinutes: 30
		});
		expect(page.recipes[1]!.description).toBe('Smoky, with roasted garlic.');
		// A summary is what a card shows, not the whole recipe.
		expect(page.recipes[0]).not.toHaveProperty('recipe');
		expect((await list('', asBob)).recipes.map((r) => r.id)).toEqual([bobsRecipe]);
	});

	it('pages with the cursor it hands out until nextCursor is null', async () => {
		const first = await list('?limit=2');
		expect(first.recipes).toHaveLength(2);
		expect(first.nextCursor).toEqual(expect.any(String));
		const second = await list(`?limit=2&cursor=${encodeURIComponent(first.nextCursor!)}`);
		expect(second.recipes.map((r) => r.title)).toEqual(['Country Bread']);
		expect(second.nextCursor).toBeNull();
	});

	it('searches titles, descriptions and ingredients, case-insensitively', async () => {
		expect((await list('?q=APPLE')).recipes.map((r) => r.id)).toEqual([mine.pie!.id]);
		expect((await list('?q=garlic')).recipes.map((r) => r.id)).toEqual([mine.soup!.id]);
		expect((await list('?q=flour')).recipes).toHaveLength(3);
		expect((await list(`?q=${encodeURIComponent('flour')}&limit=1`)).nextCursor).not.toBeNull();
		expect((await list('?q=zzqx-nothing')).recipes).toEqual([]);
		expect((await list('?q=stew')).recipes).toEqual([]);
		expect((await list('?q=')).recipes).toHaveLength(3);
	});

	it('refuses a bad limit, cursor or query with 400 validation_failed', async () => {
		for (const q of ['limit=0', 'limit=101', 'limit=abc', 'limit=2.5', 'cursor=garbage', 'cursor=%21%21', `cursor=${encodeCursor({ createdAt: 'soon', id: missing })}`, `q=${'x'.repeat(201)}`]) {
			const body = await expectError(await server.api(`/api/recipes?${q}`), 400, 'validation_failed');
			expect(body.error.issues?.length).toBeGreaterThan(0);
		}
	});
});

describe('GET /api/recipes/{id}', () => {
	it('answers the whole recipe and the queue item it came from', async () => {
		const res = await server.api(`/api/recipes/${mine.pie!.id}`);
		expect(res.status).toBe(200);
		const detail = RecipeDetail.parse(await res.json());
		expect(detail).toMatchObject({ id: mine.pie!.id, itemId: mine.pie!.itemId, title: "Grandma's Apple Pie" });
		expect(detail.recipe?.ingredientGroups.flatMap((g) => g.ingredients.map((i) => i.text))).toEqual(['2 cups flour', '1 tsp salt', '3 eggs, beaten']);
		expect(detail.recipe?.servings).toBe(4);
	});

	it('someone else’s recipe, a missing one and a malformed id are all 404 not_found', async () => {
		for (const id of [bobsRecipe, missing, 'not-a-uuid', "1' or '1'='1"]) {
			await expectError(await server.api(`/api/recipes/${encodeURIComponent(id)}`), 404, 'not_found');
			await expectError(await server.api(`/api/recipes/${encodeURIComponent(id)}/jsonld`), 404, 'not_found');
			await expectError(await server.api(`/api/recipes/${encodeURIComponent(id)}`, { method: 'DELETE' }), 404, 'not_found');
		}
		// Alice's attempt to delete it left Bob's recipe alone.
		expect((await server.api(`/api/recipes/${bobsRecipe}`, { headers: asBob })).status).toBe(200);
	});
});

describe('GET /api/recipes/{id}/jsonld', () => {
	it('downloads schema.org JSON-LD named after the recipe', async () => {
		const res = await server.api(`/api/recipes/${mine.pie!.id}/jsonld`);
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toMatch(/^application\/ld\+json/);
		expect(res.headers.get('content-disposition')).toBe('attachment; filename="grandmas-apple-pie.jsonld"');
		const doc = await res.json();
		expect(doc).toMatchObject({
			'@context': 'https://schema.org',
			'@type': 'Recipe',
			name: "Grandma's Apple Pie",
			image: `${site.origin}/img/pie.jpg`,
			url: `${site.origin}/pie`,
			isBasedOn: `${site.origin}/pie`,
			totalTime: 'PT30M',
			recipeIngredient: ['2 cups flour', '1 tsp salt', '3 eggs, beaten'],
			recipeInstructions: [
				{ '@type': 'HowToStep', text: 'Mix the flour and salt.' },
				{ '@type': 'HowToStep', text: 'Stir in the eggs and bake for 25 minutes.' }
			]
		});
		expect(String(doc.recipeYield)).toContain('4');
	});
});

describe('authentication', () => {
	it('answers 401 without a session or token, on every library route', async () => {
		for (const [path, method] of [
			['/api/recipes', 'GET'],
			[`/api/recipes/${mine.bread!.id}`, 'GET'],
			[`/api/recipes/${mine.bread!.id}`, 'DELETE'],
			[`/api/recipes/${mine.bread!.id}/jsonld`, 'GET']
		] as const) {
			const res = await server.api(path, { method, auth: false });
			await expectError(res, 401, 'unauthorized');
			expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
		}
		await expectError(await server.api('/api/recipes', { headers: { authorization: 'Bearer nope.nope' } }), 401, 'invalid_token');
		expect((await server.api(`/api/recipes/${mine.bread!.id}`)).status).toBe(200);
	});

	it('a browser session works as well as a token (the page’s Export link relies on it)', async () => {
		const res = await server.api(`/api/recipes/${mine.bread!.id}/jsonld`, { headers: { cookie: alice.cookie } });
		expect(res.status).toBe(200);
		expect((await list('', { cookie: alice.cookie })).recipes).toHaveLength(3);
	});
});

describe('DELETE /api/recipes/{id}', () => {
	it('answers 204, after which the recipe is gone from the library; the queue item stays', async () => {
		const res = await server.api(`/api/recipes/${mine.bread!.id}`, { method: 'DELETE' });
		expect(res.status).toBe(204);
		expect(await res.text()).toBe('');
		await expectError(await server.api(`/api/recipes/${mine.bread!.id}`), 404, 'not_found');
		await expectError(await server.api(`/api/recipes/${mine.bread!.id}`, { method: 'DELETE' }), 404, 'not_found');
		expect((await list()).recipes.map((r) => r.title)).toEqual(["Grandma's Apple Pie", 'Tomato Soup']);
		expect((await server.api(`/api/queue/${mine.bread!.itemId}`)).status).toBe(200);
	});
});

describe('other methods', () => {
	it('answer 405 with Allow', async () => {
		const res = await server.api('/api/recipes', { method: 'POST', json: {} });
		await expectError(res, 405, 'method_not_allowed');
		expect(res.headers.get('allow')).toBe('GET');
		const one = await server.api(`/api/recipes/${mine.pie!.id}`, { method: 'PUT', json: {} });
		await expectError(one, 405, 'method_not_allowed');
		expect(one.headers.get('allow')).toBe('GET, PATCH, DELETE');
		await expectError(await server.api(`/api/recipes/${mine.pie!.id}/jsonld`, { method: 'DELETE' }), 405, 'method_not_allowed');
	});

	it('nothing above failed on the server', () => {
		expect(server.logs()).not.toMatch(/request failed|unhandled error/);
	});
});
