import { expect, test } from '@playwright/test';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

let site: http.Server;
let origin: string;

test.beforeAll(async () => {
	site = http.createServer((req, res) => {
		if (req.url === '/tart') {
			res.writeHead(200, { 'content-type': 'text/html' });
			res.end('<html><head><meta property="og:title" content="Lemon Tart"><meta property="og:image" content="/tart.png"></head></html>');
		} else if (req.url === '/tart.png') {
			// A 1×1 PNG, so the thumbnail really loads.
			res.writeHead(200, { 'content-type': 'image/png' });
			res.end(Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64'));
		} else {
			res.writeHead(404).end();
		}
	});
	await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
	origin = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
});

test.afterAll(() => new Promise<void>((resolve) => site.close(() => resolve())));

test('paste a link, watch it become a saved recipe', async ({ page }) => {
	await page.goto('/');
	await expect(page.getByRole('heading', { name: 'Nothing here yet' })).toBeVisible();

	await page.getByLabel('Add a recipe link').fill(`${origin}/tart`);
	await page.getByRole('button', { name: 'Add' }).click();

	const card = page.getByRole('article').filter({ hasText: 'Lemon Tart' });
	await expect(card).toBeVisible();
	await expect(card.getByText('Saved')).toBeVisible();
	await expect(card.getByRole('progressbar')).toHaveCount(3);
	for (const bar of await card.getByRole('progressbar').all()) await expect(bar).toHaveAttribute('value', '100');
	await expect(card.getByRole('link', { name: '127.0.0.1' })).toHaveAttribute('href', `${origin}/tart`);
	// The new item is the highlighted one.
	await expect(card).toHaveClass(/highlighted/);
	await page.screenshot({ path: '.test-output/dashboard.png', fullPage: true });
});

test('a paste without a link gets a clear message, not an error page', async ({ page }) => {
	await page.goto('/');
	const input = page.getByLabel('Add a recipe link');
	// Bypass the browser's own type=url check to reach the server's answer.
	await input.evaluate((el) => el.setAttribute('type', 'text'));
	await input.fill('just some words');
	await page.getByRole('button', { name: 'Add' }).click();
	await expect(page.getByRole('alert')).toHaveText(/Paste a link that starts with http/);
	await expect(input).toHaveAttribute('aria-invalid', 'true');
});

test('an item shared through the API shows up, highlighted by ?highlight=', async ({ page, request }) => {
	const res = await request.post('/api/queue', { data: { text: `via the share sheet ${origin}/tart?shared=1` } });
	expect(res.status()).toBe(201);
	const { id } = await res.json();
	await page.goto(`/?highlight=${id}`);
	await expect(page.locator(`#item-${id}`)).toHaveClass(/highlighted/);
});
