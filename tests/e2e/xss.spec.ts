import { expect, test, type Page } from '@playwright/test';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { shareAndWait, signedInAs } from './fixtures';

/**
 * Stored XSS: a recipe page and a social post whose every field carries script and markup. Each
 * payload, if it ever ran, would hit the beacon on the fixture server, set `window.__xss` or open
 * a dialog. The pages that show what was saved must show it as text, and no link or picture on
 * them may point at a javascript: or data: URL.
 */
let origin = '';
const beaconHits: string[] = [];
let server: http.Server;

const run = (tag: string) => `window.__xss='${tag}';alert('${tag}');fetch('${origin}/beacon?${tag}')`;
const payloads = (field: string) =>
	[
		`<script>${run(field)}</script>`,
		`<img src=x onerror="${run(`${field}-img`)}">`,
		`"><svg onload="${run(`${field}-svg`)}">`,
		`<a href="javascript:${run(`${field}-a`)}">click</a>`
	].join(' ');

function hostileRecipe(): string {
	const recipe = {
		'@context': 'https://schema.org',
		'@type': 'Recipe',
		name: `Evil Pie ${payloads('name')}`,
		description: payloads('description'),
		author: { '@type': 'Person', name: payloads('author'), url: `javascript:${run('author-url')}` },
		recipeYield: payloads('yield'),
		image: [`javascript:${run('image')}`, `data:image/svg+xml,<svg xmlns="http://www.w3.org/2000/svg" onload="${run('image-data')}"/>`],
		recipeIngredient: [`2 cups flour ${payloads('ingredient')}`, payloads('ingredient2')],
		recipeInstructions: [{ '@type': 'HowToStep', text: `Mix. ${payloads('step')}` }, payloads('step2')]
	};
	return `<!doctype html><html><head><title>Evil Pie</title>
<link rel="canonical" href="javascript:${run('canonical')}">
<meta property="og:image" content="javascript:${run('og-image')}">
<script type="application/ld+json">${JSON.stringify(recipe).replace(/</g, '\\u003c')}</script></head>
<body><h1>Evil Pie</h1></body></html>`;
}

/** A post as Instagram's embed page serves it: the caption as text (payloads escaped, as the platform would). */
function hostilePost(): string {
	const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
	const caption = [`Evil Cookies ${payloads('caption')}`, 'Ingredients:', `- 2 cups flour ${payloads('caption-ingredient')}`, '- 1 egg', 'Steps:', `1. Bake. ${payloads('caption-step')}`];
	return `<!doctype html><html><head><meta property="og:site_name" content="Instagram"><title>Instagram</title></head><body>
<div class="Caption"><a class="CaptionUsername" href="javascript:${escape(run('username'))}">${escape(payloads('username'))}</a>${caption.map(escape).join('<br>')}</div>
<img class="EmbeddedMediaImage" src="data:image/svg+xml,&lt;svg onload=&quot;${escape(run('embed-image'))}&quot;/&gt;">
</body></html>`;
}

test.beforeAll(async () => {
	server = http.createServer((req, res) => {
		const path = new URL(req.url ?? '/', 'http://x').pathname;
		if (path === '/beacon') {
			beaconHits.push(req.url!);
			res.writeHead(204, { 'access-control-allow-origin': '*' }).end();
		} else if (path === '/evil-pie') res.writeHead(200, { 'content-type': 'text/html' }).end(hostileRecipe());
		else if (path === '/p/evil/embed/captioned/') res.writeHead(200, { 'content-type': 'text/html' }).end(hostilePost());
		else res.writeHead(404).end();
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
test.afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** Nothing ran: no dialog, no global, no beacon; no link or picture with a script or data URL. */
async function expectInert(page: Page, dialogs: string[]) {
	expect(dialogs).toEqual([]);
	expect(await page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss ?? null)).toBeNull();
	expect(beaconHits).toEqual([]);
	const urls = await page.evaluate(() =>
		[...document.querySelectorAll('[href], [src], [srcset], [action], [formaction], [poster]')].flatMap((el) =>
			['href', 'src', 'srcset', 'action', 'formaction', 'poster'].map((a) => el.getAttribute(a)).filter((v): v is string => v !== null)
		)
	);
	expect(urls.filter((u) => /^\s*(javascript|data|vbscript):/i.test(u))).toEqual([]);
	const handlers = await page.evaluate(() =>
		[...document.querySelectorAll('body *')].flatMap((el) => [...el.attributes].filter((a) => /^on/i.test(a.name)).map((a) => `${el.tagName} ${a.name}`))
	);
	expect(handlers).toEqual([]);
}

test('a hostile recipe page and a hostile social post are shown as text on every page', async ({ page }) => {
	const dialogs: string[] = [];
	page.on('dialog', (d) => {
		dialogs.push(d.message());
		void d.dismiss();
	});
	await signedInAs(page, 'xss');
	const recipe = await shareAndWait(page, `${origin}/evil-pie`);
	const post = await shareAndWait(page, `${origin}/p/evil/embed/captioned/`);
	expect(recipe.recipeId).toBeTruthy();

	const pages = ['/', `/items/${recipe.itemId}`, `/items/${post.itemId}`, '/recipes', `/recipes/${recipe.recipeId}`, ...(post.recipeId ? [`/recipes/${post.recipeId}`] : [])];
	for (const path of pages) {
		await page.goto(path);
		await page.waitForLoadState('networkidle');
		await expectInert(page, dialogs);
	}
	// The payloads reached the pages (as words), so "nothing ran" above is about rendering.
	await page.goto(`/recipes/${recipe.recipeId}`);
	await expect(page.getByRole('heading', { level: 1 })).toContainText("Evil Pie window.__xss='name'");
});
