import { expect, test, type Page } from '@playwright/test';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { bookmarklet } from '../../src/lib/bookmarklet';
import { recipePage } from '../helpers/recipe-page';
import { signedInAs } from './fixtures';

/**
 * A recipe site that shows its pages to a person's browser only: a request that is no browser's
 * navigation (Sec-Fetch-Mode: navigate; Cookmark's own fetch is `cors`) gets 403, so a recipe can only come from the HTML the
 * bookmarklet sends. `refused` counts those 403s.
 */
let origin: string;
let server: http.Server;
let refused: string[] = [];
const pages: Record<string, string> = {
	'/Walled-Pie': recipePage('Walled Pie'),
	// Its recipe's name and the page carry script: it runs on the site (its own page), never in Cookmark.
	'/Hostile-Pie': recipePage(`Hostile Pie <img src=x onerror="window.__xss='title'"><script>window.__xss='script'</script>`)
};

test.beforeAll(async () => {
	server = http.createServer((req, res) => {
		const path = new URL(req.url ?? '/', 'http://x').pathname;
		const page = pages[path];
		if (!page) return void res.writeHead(404).end();
		if (req.headers['sec-fetch-mode'] !== 'navigate') {
			refused.push(path);
			return void res.writeHead(403, { 'content-type': 'text/html' }).end('<h1>Are you a robot?</h1>');
		}
		res.writeHead(200, { 'content-type': 'text/html' }).end(page);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
test.afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
test.beforeEach(() => {
	refused = [];
});

/** Opens the recipe page and clicks the bookmarklet on it, as a person would from the bookmarks bar; answers Cookmark's window. */
async function clickBookmarklet(page: Page, path: string, baseURL: string): Promise<Page> {
	await page.goto(`${origin}${path}`);
	await page.evaluate((href) => {
		const a = Object.assign(document.createElement('a'), { id: 'save-to-cookmark', href, textContent: 'Save to Cookmark' });
		document.body.append(a);
	}, bookmarklet(baseURL));
	const [popup] = await Promise.all([page.waitForEvent('popup'), page.click('#save-to-cookmark')]);
	return popup;
}

test('the bookmarklet sends the page as the browser shows it: a site that refuses servers is saved', async ({ page, baseURL }) => {
	await signedInAs(page);
	const cookmark = await clickBookmarklet(page, '/Walled-Pie', baseURL!);
	await expect(cookmark).toHaveURL(/\/\?highlight=[0-9a-f-]{36}$/);
	const card = cookmark.getByRole('article').filter({ hasText: 'Walled Pie' });
	await expect(card.getByText('Saved')).toBeVisible();
	// The server never asked the site: the page came from the browser, and the recipe tab stayed where it was.
	expect(refused).toEqual([]);
	expect(page.url()).toBe(`${origin}/Walled-Pie`);
});

test('a hostile page sent by the bookmarklet is shown as text: nothing of it runs in Cookmark', async ({ page, baseURL }) => {
	const dialogs: string[] = [];
	await signedInAs(page);
	const cookmark = await clickBookmarklet(page, '/Hostile-Pie', baseURL!);
	cookmark.on('dialog', (d) => {
		dialogs.push(d.message());
		void d.dismiss();
	});
	const card = cookmark.getByRole('article').filter({ hasText: 'Hostile Pie' });
	await expect(card.getByText('Saved')).toBeVisible();
	await card.getByRole('link', { name: /^Hostile Pie/ }).first().click();
	await expect(cookmark.getByRole('heading', { level: 1 })).toContainText("Hostile Pie window.__xss='script'");
	for (const at of [cookmark.url(), '/', '/recipes']) {
		await cookmark.goto(at);
		await cookmark.waitForLoadState('networkidle');
		expect(await cookmark.evaluate(() => (window as unknown as { __xss?: unknown }).__xss ?? null)).toBeNull();
	}
	expect(dialogs).toEqual([]);
	expect(refused).toEqual([]);
});

test('a page that cannot hear back from Cookmark falls back to sharing the link', async ({ page, baseURL }) => {
	await signedInAs(page);
	// No window can be opened (a popup blocker): the recipe tab goes to /share with the link instead.
	await page.goto(`${origin}/Walled-Pie`);
	await page.evaluate(() => {
		window.open = () => null;
	});
	await page.evaluate((href) => {
		document.body.append(Object.assign(document.createElement('a'), { id: 'save-to-cookmark', href, textContent: 'Save to Cookmark' }));
	}, bookmarklet(baseURL!));
	await page.click('#save-to-cookmark');
	await expect(page).toHaveURL(/\/\?highlight=[0-9a-f-]{36}$/);
	// The link alone is fetched by the server, which this site refuses: the failure says what gets past it.
	const card = page.getByRole('article').filter({ hasText: 'Walled pie' });
	await expect(card.getByText(/share it from the bookmarklet/)).toBeVisible({ timeout: 20_000 });
	expect(refused).toEqual(['/Walled-Pie']);
});

test('a recipe pasted as text on the dashboard becomes a recipe, shown as shared text', async ({ page }) => {
	await signedInAs(page);
	await page.goto('/');
	const box = page.getByLabel('Add a recipe link or text');
	await box.fill('Midnight Pancakes\n\nIngredients:\n- 1 cup flour\n- 1 egg\n- 1 cup milk\n\nMethod:\n1. Whisk everything.\n2. Fry in a hot pan.');
	await page.getByRole('button', { name: 'Add', exact: true }).click();
	const card = page.getByRole('article').filter({ hasText: 'Midnight Pancakes' });
	await expect(card.getByText('Saved')).toBeVisible();
	await card.getByRole('link', { name: 'Midnight Pancakes', exact: true }).click();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Midnight Pancakes');
	await expect(page.getByText('From a text you shared')).toBeVisible();
	await expect(page.getByText('1 cup flour')).toBeVisible();
	await expect(page.getByText('Read from the text you shared.')).toBeVisible();
});

test('a text shared to the share target without a link becomes a text item', async ({ page }) => {
	await signedInAs(page);
	const text = 'Sunday Flatbread\n\nIngredients:\n- 250 g flour\n- 150 ml water\n- 1 tsp salt\n\nMethod:\n1. Knead.\n2. Fry in a dry pan.';
	await page.goto(`/share?${new URLSearchParams({ text })}`);
	await expect(page).toHaveURL(/\/\?highlight=[0-9a-f-]{36}$/);
	const card = page.getByRole('article').filter({ hasText: 'Sunday Flatbread' });
	await expect(card.getByText('Saved')).toBeVisible();
	await expect(card.getByText('Shared text')).toBeVisible();
});
