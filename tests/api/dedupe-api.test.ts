import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RecipeDetail, RecipeList } from '../../src/lib/contract/library';
import { AlreadySaved, EnqueueResponse, Item, ItemDetail, ItemList } from '../../src/lib/contract/queue';
import { expectError } from '../helpers/api-error';
import { deferred } from '../helpers/deferred';
import { html, startHttpServer, type Route } from '../helpers/http-server';
import { recipePage } from '../helpers/recipe-page';
import { serverStorage, startServer, waitForItem, type Account, type ServerProcess, type ServerStorage } from '../helpers/server';
import { startTandoorServer, type TandoorServer } from '../helpers/tandoor-server';

const TOKEN = 'tda_0123456789abcdef';
let site: Awaited<ReturnType<typeof startHttpServer>>;
let tandoor: TandoorServer;
let storage: ServerStorage;
let server: ServerProcess;
let alice: Account;
let bob: Account;

/** The cake page as it is now: the Import again test changes it, and may hold its answer back. */
const cake = { title: 'Plum Cake', ingredients: ['500 g plums', '200 g flour'], hold: null as Promise<void> | null };
const cakePage: Route = async (_req, res) => {
	await cake.hold;
	const data = { '@context': 'https://schema.org', '@type': 'Recipe', name: cake.title, recipeIngredient: cake.ingredients, recipeInstructions: ['Bake it.'] };
	res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
	res.end(`<html><head><title>${cake.title}</title><script type="application/ld+json">${JSON.stringify(data)}</script></head><body><h1>${cake.title}</h1></body></html>`);
};

const link = (path: string) => `${site.origin}${path}`;
const creates = () => tandoor.requests.filter((r) => r.method === 'POST' && r.path === '/api/recipe/').length;
const library = async () => RecipeList.parse(await (await server.api('/api/recipes?limit=100')).json()).recipes;
const itemCount = async () => ItemList.parse(await (await server.api('/api/queue?limit=1')).json()).total;

/** Shares a link, expects a new item, and waits for the recipe it saved. */
async function shareNew(url: string): Promise<{ itemId: string; recipeId: string }> {
	const res = await server.api('/api/queue', { method: 'POST', json: { url } });
	expect(res.status).toBe(201);
	const item = Item.parse(await res.json());
	const done = await waitForItem<{ status: string; results: { recipeId?: string } | null }>(server, item.id, (i) => i.status === 'success');
	return { itemId: item.id, recipeId: done.results!.recipeId! };
}

beforeAll(async () => {
	tandoor = await startTandoorServer({ token: TOKEN });
	site = await startHttpServer({
		'/pie': html(recipePage('Apple Pie', '<link rel="canonical" href="/pie">')),
		// One page at two addresses: the print view names the article as canonical.
		'/soup': html(recipePage('Pea Soup', '<link rel="canonical" href="/soup">')),
		'/soup/print': html(recipePage('Pea Soup', '<link rel="canonical" href="/soup">')),
		// A short link: a redirect to the page.
		'/s/x1': (_req, res) => void res.writeHead(301, { location: '/stew' }).end(),
		'/stew': html(recipePage('Lamb Stew', '<meta property="og:url" content="/stew">')),
		'/cake': cakePage
	});
	storage = await serverStorage();
	server = await startServer(storage, { SECRET_KEY: 'k'.repeat(40), TANDOOR_BASE_URL: tandoor.origin, TANDOOR_TOKEN: TOKEN });
	alice = await server.signUp('alice');
	expect((await server.api('/api/users', { method: 'POST', json: { username: 'bob', password: 'correct horse battery staple' } })).status).toBe(201);
	bob = await server.signUp('bob');
	server.token = alice.token;
});

afterAll(async () => {
	await server?.stop();
	await Promise.all([storage?.cleanup(), site?.close(), tandoor?.close()]);
});

describe('a link already saved', () => {
	let pie: { itemId: string; recipeId: string };
	beforeAll(async () => {
		pie = await shareNew(link('/pie'));
	});

	it('shared again (as it was, or with tracking parameters) makes no item and no recipe, and answers where the recipe is', async () => {
		const items = await itemCount();
		for (const url of [link('/pie'), `${link('/pie')}?utm_source=ig#comments`]) {
			const res = await server.api('/api/queue', { method: 'POST', json: { text: `look ${url}` } });
			expect(res.status).toBe(200);
			expect(res.headers.get('location')).toBe(`/api/recipes/${pie.recipeId}`);
			const body = await res.json();
			// Exactly what the contract describes (parsing drops no key).
			expect(EnqueueResponse.parse(body)).toEqual(body);
			expect(AlreadySaved.parse(body)).toMatchObject({ duplicate: true, recipeId: pie.recipeId, alreadySaved: { id: pie.recipeId, title: 'Apple Pie', sourceUrl: link('/pie') } });
		}
		expect(await itemCount()).toBe(items);
		expect((await library()).filter((r) => r.title === 'Apple Pie')).toHaveLength(1);
		expect(creates()).toBeGreaterThan(0);
		expect([...tandoor.recipes.values()].filter((r) => r.name === 'Apple Pie')).toHaveLength(1);
	});

	it('a repeated Idempotency-Key still answers the item it made, now that the item saved the recipe', async () => {
		const headers = { 'idempotency-key': 'pie-from-the-share-sheet' };
		const first = await server.api('/api/queue', { method: 'POST', headers, json: { url: link('/pie?from=sheet') } });
		expect(first.status).toBe(201);
		const { id } = Item.parse(await first.json());
		await waitForItem(server, id, (i) => i.status === 'success');
		const repeat = await server.api('/api/queue', { method: 'POST', headers, json: { url: link('/pie?from=sheet') } });
		expect(repeat.status).toBe(200);
		expect(repeat.headers.get('idempotent-replayed')).toBe('true');
		expect(await repeat.json()).toMatchObject({ id, status: 'success', duplicate: true });
		// A twin (the page names /pie canonical): it updated the pie.
		expect((await library()).filter((r) => r.title === 'Apple Pie').map((r) => r.id)).toEqual([pie.recipeId]);
	});

	it('is someone else’s own to save: Bob’s share of it makes his item and his recipe', async () => {
		server.token = bob.token;
		try {
			expect((await shareNew(link('/pie'))).recipeId).not.toBe(pie.recipeId);
		} finally {
			server.token = alice.token;
		}
	});

	it('the share page says it is already saved, links the recipe and offers Import again', async () => {
		const items = await itemCount();
		const res = await server.api(`/share?url=${encodeURIComponent(link('/pie'))}`, { headers: { cookie: alice.cookie } });
		expect(res.status).toBe(200);
		const page = await res.text();
		expect(page).toContain('Already saved');
		expect(page).toContain(`href="/recipes/${pie.recipeId}"`);
		expect(page).toMatch(/<button[^>]*type="submit"[^>]*>Import again<\/button>/);
		expect(await itemCount()).toBe(items);
	});
});

describe('twin links end in one recipe', () => {
	it('a different address whose page names the same canonical URL updates the same recipe, here and in Tandoor', async () => {
		const soup = await shareNew(link('/soup'));
		const before = creates();
		const print = await shareNew(link('/soup/print'));
		expect(print.recipeId).toBe(soup.recipeId);
		expect((await library()).filter((r) => r.title === 'Pea Soup')).toHaveLength(1);
		expect(creates()).toBe(before);
		expect([...tandoor.recipes.values()].filter((r) => r.name === 'Pea Soup')).toHaveLength(1);
		// Now both addresses are known: sharing either again makes no item.
		for (const url of [link('/soup'), link('/soup/print')]) {
			const res = await server.api('/api/queue', { method: 'POST', json: { url } });
			expect(res.status).toBe(200);
			expect(await res.json()).toMatchObject({ duplicate: true, recipeId: soup.recipeId });
		}
	});

	it('a short link that redirects to a saved page updates that recipe', async () => {
		const stew = await shareNew(link('/stew'));
		const short = await shareNew(link('/s/x1'));
		expect(short.recipeId).toBe(stew.recipeId);
		expect((await library()).filter((r) => r.title === 'Lamb Stew')).toHaveLength(1);
		const again = await server.api('/api/queue', { method: 'POST', json: { url: link('/s/x1') } });
		expect(await again.json()).toMatchObject({ duplicate: true, recipeId: stew.recipeId });
	});
});

describe('Import again', () => {
	let saved: { itemId: string; recipeId: string };
	let remoteId: number;
	beforeAll(async () => {
		saved = await shareNew(link('/cake'));
		const detail = ItemDetail.parse(await (await server.api(`/api/queue/${saved.itemId}`)).json());
		remoteId = Number((detail.results as { target: { remoteId: string } }).target.remoteId);
		expect(tandoor.recipes.get(remoteId)).toMatchObject({ name: 'Plum Cake' });
	});

	it('reads the page anew and updates the same recipe and its Tandoor copy; a second one while it runs is refused', async () => {
		const createsBefore = creates();
		cake.title = 'Plum Cake with Streusel';
		cake.ingredients = ['600 g plums', '150 g butter', '200 g flour'];
		const held = deferred();
		cake.hold = held.promise;

		const res = await server.api(`/api/recipes/${saved.recipeId}/reimport`, { method: 'POST' });
		expect(res.status).toBe(202);
		const item = Item.parse(await res.json());
		expect(res.headers.get('location')).toBe(`/api/queue/${item.id}`);
		expect(item.id).not.toBe(saved.itemId);

		// While it runs: the API refuses another, a share of the link says it is being imported.
		const twice = await server.api(`/api/recipes/${saved.recipeId}/reimport`, { method: 'POST' });
		await expectError(twice, 409, 'import_running');
		expect(twice.headers.get('location')).toBe(`/api/queue/${item.id}`);
		const sharePage = await (await server.api(`/share?url=${encodeURIComponent(link('/cake'))}`, { headers: { cookie: alice.cookie } })).text();
		expect(sharePage).toContain('Already importing');
		expect(sharePage).toContain(`href="/items/${item.id}"`);

		held.resolve();
		cake.hold = null;
		const done = ItemDetail.parse(await waitForItem(server, item.id, (i) => i.status === 'success'));
		expect(done.results).toMatchObject({ recipeId: saved.recipeId, target: { kind: 'tandoor', remoteId: String(remoteId) } });

		const detail = RecipeDetail.parse(await (await server.api(`/api/recipes/${saved.recipeId}`)).json());
		expect(detail).toMatchObject({ id: saved.recipeId, title: 'Plum Cake with Streusel', itemId: item.id });
		expect(detail.recipe?.ingredientGroups.flatMap((g) => g.ingredients.map((i) => i.text))).toEqual(cake.ingredients);
		expect((await library()).filter((r) => r.title.startsWith('Plum Cake'))).toHaveLength(1);

		expect(creates()).toBe(createsBefore);
		const remote = tandoor.recipes.get(remoteId)!;
		expect(remote.name).toBe('Plum Cake with Streusel');
		// Tandoor keeps an ingredient row's original text on update; its food and amount are what changed.
		const rows = (remote.steps as { ingredients: { amount: number; food: { name: string } }[] }[]).flatMap((st) => st.ingredients);
		expect(rows.map((i) => [i.amount, i.food.name])).toEqual([
			[600, 'plums'],
			[150, 'butter'],
			[200, 'flour']
		]);
		expect([...tandoor.recipes.values()].filter((r) => String(r.name).startsWith('Plum Cake'))).toHaveLength(1);
	});

	it('POST /api/queue with reimport:true does the same for a shared link', async () => {
		cake.title = 'Plum Cake, Third Time';
		const res = await server.api('/api/queue', { method: 'POST', json: { url: link('/cake'), reimport: true } });
		expect(res.status).toBe(201);
		const item = Item.parse(await res.json());
		const done = ItemDetail.parse(await waitForItem(server, item.id, (i) => i.status === 'success'));
		expect(done.results).toMatchObject({ recipeId: saved.recipeId });
		expect(tandoor.recipes.get(remoteId)).toMatchObject({ name: 'Plum Cake, Third Time' });
	});

	it('the share page’s Import again button queues the link and goes to the queue', async () => {
		// The button sends back what was shared, with `reimport` (a share target's POST has no address to post to).
		const form = new FormData();
		form.set('url', link('/cake'));
		form.set('reimport', 'true');
		const res = await server.api('/share', { method: 'POST', headers: { cookie: alice.cookie, origin: server.origin, accept: 'text/html' }, body: form });
		expect(res.status).toBe(303);
		const id = new URL(res.headers.get('location')!, server.origin).searchParams.get('highlight')!;
		const done = ItemDetail.parse(await waitForItem(server, id, (i) => i.status === 'success'));
		expect(done.results).toMatchObject({ recipeId: saved.recipeId });
	});

	it('the recipe page’s Import again button does the same and goes to the new item’s page', async () => {
		const res = await server.api(`/recipes/${saved.recipeId}?/reimport`, {
			method: 'POST',
			headers: { cookie: alice.cookie, origin: server.origin, accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
			body: ''
		});
		expect(res.status).toBe(303);
		const id = res.headers.get('location')!.replace(/^\/items\//, '');
		const done = ItemDetail.parse(await waitForItem(server, id, (i) => i.status === 'success'));
		expect(done.results).toMatchObject({ recipeId: saved.recipeId });
	});

	it('someone else’s recipe, a missing one and a malformed id are 404 not_found, and queue nothing', async () => {
		const items = await itemCount();
		for (const id of [saved.recipeId, '00000000-0000-4000-8000-000000000000', 'not-a-uuid']) {
			await expectError(await server.api(`/api/recipes/${id}/reimport`, { method: 'POST', headers: { authorization: `Bearer ${bob.token}` } }), 404, 'not_found');
		}
		expect(await itemCount()).toBe(items);
		await expectError(await server.api(`/api/recipes/${saved.recipeId}/reimport`, { method: 'GET' }), 405, 'method_not_allowed');
	});

	it('nothing above failed on the server', () => {
		expect(server.logs()).not.toMatch(/request failed|unhandled error/);
	});
});
