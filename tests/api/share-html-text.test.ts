import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlreadySaved, Item, ItemDetail, MAX_PAGE_HTML_BYTES } from '../../src/lib/contract/queue';
import { FailedList } from '../../src/lib/contract/admin';
import { RecipeDetail } from '../../src/lib/contract/library';
import { expectError } from '../helpers/api-error';
import { startHttpServer } from '../helpers/http-server';
import { recipePage } from '../helpers/recipe-page';
import { serverStorage, startServer, waitForItem, type ServerProcess, type ServerStorage } from '../helpers/server';

/**
 * POST /api/queue with the page's HTML (the bookmarklet, the iOS Shortcut) and with a recipe's
 * text alone, through the built app and its worker. The fixture site refuses every request, so a
 * recipe can only come from what was sent; its log shows what the server asked it for.
 */
let site: Awaited<ReturnType<typeof startHttpServer>>;
let storage: ServerStorage;
let server: ServerProcess;

beforeAll(async () => {
	site = await startHttpServer({
		'/walled': (_req, res) => res.writeHead(403, { 'content-type': 'text/html' }).end('denied'),
		'/hostile': (_req, res) => res.writeHead(403, { 'content-type': 'text/html' }).end('denied'),
		'/beacon': (_req, res) => res.writeHead(204).end()
	});
	storage = await serverStorage();
	server = await startServer(storage);
	await server.signUp();
});

afterAll(async () => {
	await server?.stop();
	await Promise.all([storage?.cleanup(), site?.close()]);
});

const post = (json: unknown) => server.api('/api/queue', { method: 'POST', json });

describe('page HTML sent with the link', () => {
	it('201: the recipe is read from the HTML, the site is never asked for the page', async () => {
		const url = `${site.origin}/walled`;
		const res = await post({ url, html: recipePage('Sent Along Tart') });
		expect(res.status).toBe(201);
		const created = Item.parse(await res.json());
		expect(created).toMatchObject({ kind: 'link', url, label: url });
		const done = ItemDetail.parse(await waitForItem(server, created.id, (i) => i.status === 'success' || i.status === 'error'));
		expect(done).toMatchObject({ status: 'success', results: { title: 'Sent Along Tart', sourceUrl: url } });
		expect(site.hits).not.toContain('/walled');
	});

	it('scripts in the HTML never run: the recipe keeps their words as text, and the beacon is never called', async () => {
		const run = `fetch('${site.origin}/beacon')`;
		const title = `Evil Pie <script>${run}</script><img src=x onerror="${run}">`;
		const page = recipePage(title, `<script>${run}</script>`).replace('<body>', `<body onload="${run}"><iframe src="${site.origin}/beacon"></iframe>`);
		const res = await post({ url: `${site.origin}/hostile`, html: page });
		expect(res.status).toBe(201);
		const done = ItemDetail.parse(await waitForItem(server, Item.parse(await res.json()).id, (i) => i.status === 'success' || i.status === 'error'));
		expect(done.status).toBe('success');
		const recipeId = (done.results as { recipeId: string }).recipeId;
		const detail = RecipeDetail.parse(await (await server.api(`/api/recipes/${recipeId}`)).json());
		// Markup is dropped from the title; the script's words stay, as words.
		expect(detail.title).toBe(`Evil Pie ${run}`);
		expect(site.hits.filter((h) => h === '/beacon' || h === '/hostile')).toEqual([]);
	});

	it('4xx: html without a url, html that is no string, html over the limit', async () => {
		await expectError(await post({ html: recipePage('No Link') }), 400, 'html_without_url');
		await expectError(await post({ text: 'just a note', html: recipePage('No Link') }), 400, 'html_without_url');
		await expectError(await post({ url: `${site.origin}/walled`, html: { tag: 'script' } }), 400, 'validation_failed');
		// Over the page limit but inside the body's: refused by its size in UTF-8 bytes (é is two).
		await expectError(await post({ url: `${site.origin}/walled`, html: 'é'.repeat(MAX_PAGE_HTML_BYTES / 2 + 1) }), 413, 'payload_too_large');
		// Over the body's limit: refused as it arrives.
		await expectError(await post({ url: `${site.origin}/walled`, html: 'x'.repeat(4 * 1024 * 1024) }), 413, 'payload_too_large');
	});
});

describe('a recipe shared as text, without a link', () => {
	const text = 'Cold Cucumber Salad\n\nIngredients:\n- 2 cucumbers, sliced\n- 3 tbsp yogurt\n- 1 tsp dill\n\nMethod:\n1. Mix everything.\n2. Chill for 10 minutes.';

	it('201 a text item that becomes a recipe with no link; the same text again is 200 "already saved"', async () => {
		const hits = site.hits.length;
		const res = await post({ text });
		expect(res.status).toBe(201);
		const created = Item.parse(await res.json());
		expect(created).toMatchObject({ kind: 'text', url: null, label: 'Cold Cucumber Salad' });
		const done = ItemDetail.parse(await waitForItem(server, created.id, (i) => i.status === 'success' || i.status === 'error'));
		expect(done).toMatchObject({ status: 'success', results: { title: 'Cold Cucumber Salad', sourceUrl: null } });
		expect(site.hits.length).toBe(hits);

		const again = await post({ text: `${text}\n\n`.replace(/\n/g, '\r\n') });
		expect(again.status).toBe(200);
		const saved = AlreadySaved.parse(await again.json());
		expect(saved).toMatchObject({ duplicate: true, recipeId: (done.results as { recipeId: string }).recipeId, alreadySaved: { sourceUrl: null } });
	});

	it("a text that fails is in the admin's failed list as shared text, without its words", async () => {
		const res = await post({ text: 'Secret family note: meet at the station at nine' });
		const id = Item.parse(await res.json()).id;
		await waitForItem(server, id, (i) => i.status === 'error');
		const failed = FailedList.parse(await (await server.api('/api/admin/failed')).json());
		const item = failed.items.find((i) => i.id === id);
		expect(item).toMatchObject({ kind: 'text', link: null, error: 'no recipe found in the text you shared' });
		expect(JSON.stringify(item)).not.toContain('Secret family note');
	});
});
