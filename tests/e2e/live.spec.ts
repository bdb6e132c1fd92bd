import { expect, test, type Page } from '@playwright/test';
import { recipeSite, signedInAs } from './fixtures';

let site: Awaited<ReturnType<typeof recipeSite>>;
test.beforeAll(async () => {
	site = await recipeSite();
});
test.afterAll(() => site.close());

/** Marks the document; if the page reloads or navigates, the mark is gone. */
async function markPage(page: Page) {
	await page.evaluate(() => ((window as unknown as { __same: boolean }).__same = true));
}
async function expectSamePage(page: Page) {
	expect(await page.evaluate(() => (window as unknown as { __same?: boolean }).__same)).toBe(true);
}

test('a share lands on the dashboard highlighted, and the item finishes there without a reload', async ({ page }) => {
	await signedInAs(page);
	site.hold('Fig-Galette');
	await page.goto(`/share?text=${encodeURIComponent(`Look at this ${site.origin}/Fig-Galette`)}`);
	await expect(page).toHaveURL(/\/\?highlight=/);
	const card = page.locator('article.highlighted');
	await expect(card).toBeVisible();
	await expect(card).toBeFocused();
	await expect(page.getByRole('status').filter({ hasText: 'Live' })).toBeVisible();
	await expect(card.getByText('Working')).toBeVisible(); // held mid-extraction
	await markPage(page);

	site.release('Fig-Galette');
	await expect(card.getByText('Saved')).toBeVisible();
	await expect(card.getByRole('heading', { name: 'Fig Galette' })).toBeVisible();
	for (const bar of await card.getByRole('progressbar').all()) await expect(bar).toHaveAttribute('value', '100');
	await expectSamePage(page);
});

test('a failed item shows Retry; one click and it runs again and succeeds', async ({ page }) => {
	await signedInAs(page);
	site.fail('Quince-Jam', 1);
	await page.goto('/');
	await page.getByLabel('Add a recipe link').fill(`${site.origin}/Quince-Jam`);
	await page.getByRole('button', { name: 'Add', exact: true }).click();
	const card = page.locator('article').filter({ hasText: '127.0.0.1' }).first();
	await expect(card.getByText('Failed', { exact: true })).toBeVisible();
	await expect(card.getByText(/does not exist \(404\)/)).toBeVisible();
	await markPage(page);

	await card.getByRole('button', { name: 'Retry' }).click();
	const saved = page.locator('article').filter({ hasText: 'Quince Jam' });
	await expect(saved.getByText('Saved')).toBeVisible();
	await expect(saved.getByRole('button', { name: 'Retry' })).toHaveCount(0);
	await expectSamePage(page);
});

test('a page reload that answers after a live update does not take an item back to an older state', async ({ page }) => {
	await signedInAs(page);
	site.fail('Medlar-Cheese', 1);
	await page.goto('/');
	await expect(page.getByRole('status').filter({ hasText: 'Live' })).toBeVisible();
	// The reload after a share is read while the item runs, and answers only after it has failed.
	let failedShown!: () => void;
	const shown = new Promise<void>((resolve) => (failedShown = resolve));
	await page.route('**/__data.json*', async (route) => {
		const response = await route.fetch();
		await shown;
		await route.fulfill({ response });
	}, { times: 1 });
	await page.getByLabel('Add a recipe link').fill(`${site.origin}/Medlar-Cheese`);
	const reload = page.waitForResponse((res) => res.url().includes('__data.json'));
	await page.getByRole('button', { name: 'Add', exact: true }).click();
	const card = page.locator('article').filter({ hasText: '127.0.0.1' }).first();
	await expect(card.getByText(/does not exist \(404\)/)).toBeVisible();
	failedShown();
	await reload;

	await expect(card.getByText('Failed', { exact: true })).toBeVisible();
	await expect(card.getByText(/does not exist \(404\)/)).toBeVisible();
	await expect(card.getByText('Working')).toHaveCount(0);
});

test('the connection drops and comes back: the stream resumes and shows the final state it missed', async ({ page, context }) => {
	await signedInAs(page);
	site.hold('Pear-Tart');
	await page.goto('/');
	await expect(page.getByRole('status').filter({ hasText: 'Live' })).toBeVisible();
	const res = await page.request.post('/api/queue', { data: { url: `${site.origin}/Pear-Tart` } });
	const { id } = await res.json();
	const card = page.locator(`#item-${id}`);
	await expect(card.getByText('Working')).toBeVisible();
	await markPage(page);

	await context.setOffline(true);
	await expect(page.getByRole('status').filter({ hasText: 'Offline' })).toBeVisible();
	site.release('Pear-Tart'); // it finishes while this page cannot hear about it
	await expect.poll(async () => (await (await page.request.get(`/api/queue/${id}`)).json()).status).toBe('success');
	await context.setOffline(false);

	await expect(card.getByText('Saved')).toBeVisible();
	await expect(card.getByRole('heading', { name: 'Pear Tart' })).toBeVisible();
	await expect(page.getByRole('status').filter({ hasText: 'Live' })).toBeVisible();
	await expectSamePage(page);
});

test('without EventSource the dashboard polls instead, and still shows the item finish', async ({ page }) => {
	await page.addInitScript(() => {
		// A browser or proxy where SSE is not available.
		delete (window as unknown as { EventSource?: unknown }).EventSource;
	});
	await signedInAs(page);
	site.hold('Polled-Pie');
	await page.goto('/');
	await expect(page.getByRole('status').filter({ hasText: 'Updating every few seconds' })).toBeVisible();
	const { id } = await (await page.request.post('/api/queue', { data: { url: `${site.origin}/Polled-Pie` } })).json();
	const card = page.locator(`#item-${id}`);
	await expect(card).toBeVisible({ timeout: 10_000 });
	await markPage(page);
	site.release('Polled-Pie');
	await expect(card.getByText('Saved')).toBeVisible({ timeout: 15_000 });
	await expectSamePage(page);
});

test('the item page shows the phases, attempts and result, live', async ({ page }) => {
	await signedInAs(page);
	site.fail('Apple-Crumble', 1);
	const { id } = await (await page.request.post('/api/queue', { data: { url: `${site.origin}/Apple-Crumble` } })).json();
	await expect.poll(async () => (await (await page.request.get(`/api/queue/${id}`)).json()).status).toBe('error');
	await page.goto(`/items/${id}`);
	// Before its recipe has a title, an item is named after its link's slug, not its host.
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Apple crumble');
	const attempts = page.getByRole('list', { name: 'Attempts' });
	await expect(attempts.getByRole('listitem')).toHaveCount(1); // one failed attempt
	await expect(attempts).toContainText('Fetch #1');
	await expect(attempts).toContainText('permanent');
	await expect(attempts).toContainText('does not exist (404)');

	await page.getByRole('button', { name: 'Retry' }).click();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Apple Crumble');
	// The failed try and then three phases; the retried fetch goes on counting.
	await expect(attempts.getByRole('listitem')).toHaveCount(4);
	await expect(attempts).toContainText('Fetch #2');
	await expect(page.getByRole('link', { name: `${site.origin}/Apple-Crumble` })).toBeVisible();
	// Saved: the recipe is one tap away, not copied onto this page.
	await page.getByRole('link', { name: 'Open the recipe' }).click();
	const recipe = page.getByRole('main');
	await expect(recipe.getByRole('heading', { level: 1 })).toHaveText('Apple Crumble');
	await expect(recipe.getByRole('list').filter({ hasText: 'flour' }).first().getByRole('listitem')).toHaveText([/^\s*2 cups\s+flour\s*$/, /^\s*1 teaspoon\s+salt\s*$/, /^\s*3\s+eggs\s*,\s*beaten\s*$/]);
	await expect(recipe).toContainText('Stir in the eggs and bake for 25 minutes.');
	await expect(recipe).toContainText('30 min');

	await page.goto('/items/00000000-0000-4000-8000-000000000000');
	await expect(page.getByRole('heading', { name: 'Not found' })).toBeVisible();
});

test('mobile screenshot of the dashboard', async ({ browser, baseURL }) => {
	const context = await browser.newContext({ baseURL, viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, colorScheme: 'dark' });
	const page = await context.newPage();
	await signedInAs(page, 'mobile');
	for (const slug of ['Miso-Ramen', 'Shakshuka']) await page.request.post('/api/queue', { data: { url: `${site.origin}/${slug}` } });
	site.fail('Broken-Link', 1);
	await page.request.post('/api/queue', { data: { url: `${site.origin}/Broken-Link` } });
	await page.goto('/');
	const items = page.getByRole('region', { name: 'Items' });
	await expect(items.getByText('Failed', { exact: true })).toBeVisible();
	await expect(items.getByText('Saved')).toHaveCount(2);
	await page.screenshot({ path: '.test-output/dashboard-mobile.png', fullPage: true });
	await context.close();
});
