import { expect, test, type Page } from '@playwright/test';
import { recipeSite, shareAndWait as share, signedInAs } from './fixtures';

let site: Awaited<ReturnType<typeof recipeSite>>;
test.beforeAll(async () => {
	site = await recipeSite();
});
test.afterAll(() => site.close());

/** Shares a fixture page (titled after its slug) and waits until it is saved. */
async function shareAndWait(page: Page, slug: string) {
	const done = await share(page, `${site.origin}/${slug}`);
	expect(done.status).toBe('success');
	return done;
}

test('find a saved recipe, scale it, export it and print it', async ({ page }) => {
	await signedInAs(page, 'library');
	const { recipeId } = await shareAndWait(page, 'Buttermilk-Biscuits');

	await page.goto('/');
	const nav = page.getByRole('navigation', { name: 'Main' });
	await nav.getByRole('link', { name: 'Recipes' }).click();
	await expect(page).toHaveURL(/\/recipes$/);
	await expect(nav.getByRole('link', { name: 'Recipes' })).toHaveAttribute('aria-current', 'page');

	const card = page.getByRole('article').filter({ hasText: 'Buttermilk Biscuits' });
	await expect(card).toBeVisible();
	await expect(card.getByRole('img', { name: 'Buttermilk Biscuits' })).toHaveAttribute('loading', 'lazy');
	await expect(card).toContainText('127.0.0.1');
	await expect(card).toContainText('30 min');

	// Live search: the list follows the box as the person types, and the box keeps the focus.
	const search = page.getByLabel('Search your recipes');
	await search.fill('buttermilk');
	await expect(page).toHaveURL(/\/recipes\?q=buttermilk$/);
	await expect(card).toBeVisible();
	await expect(search).toBeFocused();
	await search.fill('zzqx nonsense');
	await expect(page.getByText('No recipe matches “zzqx nonsense”')).toBeVisible();
	await expect(card).toHaveCount(0);
	await expect(search).toBeFocused();
	// An ingredient finds it too.
	await search.fill('flour');
	await expect(card).toBeVisible();

	await card.getByRole('link', { name: 'Buttermilk Biscuits' }).click();
	await expect(page).toHaveURL(`/recipes/${recipeId}`);
	await expect(page.getByRole('heading', { level: 1, name: 'Buttermilk Biscuits' })).toBeVisible();
	const source = page.getByRole('link', { name: /127\.0\.0\.1/ });
	await expect(source).toHaveAttribute('href', `${site.origin}/Buttermilk-Biscuits`);
	await expect(source).toHaveAttribute('target', '_blank');
	await expect(source).toHaveAttribute('rel', /noopener/);

	// The fixture serves 4 ("recipeYield": "4") with 2 cups of flour: 8 servings take 4 cups. An
	// ingredient's title is its line as the source wrote it, whatever the amounts shown.
	const flour = page.getByTitle('2 cups flour');
	await expect(flour).toHaveText('2 cups flour');
	const servings = page.getByRole('spinbutton', { name: 'Servings' });
	await expect(servings).toHaveValue('4');
	await servings.fill('8');
	await expect(flour).toHaveText('4 cups flour');
	await expect(page.getByTitle('1 tsp salt')).toHaveText('2 teaspoons salt');
	await expect(page.getByText('Amounts for 8 servings, scaled from 4.')).toBeVisible();
	await page.getByRole('button', { name: 'Fewer servings' }).click();
	await expect(servings).toHaveValue('7');
	await expect(flour).toHaveText('3½ cups flour');
	await page.getByRole('button', { name: 'More servings' }).click();
	await expect(flour).toHaveText('4 cups flour');
	await page.getByRole('button', { name: 'Reset' }).click();
	await expect(servings).toHaveValue('4');
	await expect(flour).toHaveText('2 cups flour');

	// The secondary actions wait behind More; Escape closes it and gives the focus back.
	const more = page.getByText('More', { exact: true });
	const exported = page.getByRole('link', { name: 'Export JSON-LD' });
	await expect(exported).toBeHidden();
	await more.click();
	await expect(page.getByRole('button', { name: 'Print' })).toBeVisible();
	await page.keyboard.press('Escape');
	await expect(exported).toBeHidden();
	await expect(more).toBeFocused();
	await more.click();
	await expect(exported).toHaveAttribute('href', `/api/recipes/${recipeId}/jsonld`);
	const [download] = await Promise.all([page.waitForEvent('download'), exported.click()]);
	expect(download.suggestedFilename()).toBe('buttermilk-biscuits.jsonld');
	await expect(exported).toBeHidden();

	// On paper: the recipe, without the navigation or the buttons; a scaled recipe says so.
	await servings.fill('8');
	await page.emulateMedia({ media: 'print' });
	await expect(nav).toBeHidden();
	await expect(page.getByRole('button', { name: 'Print' })).toBeHidden();
	await expect(servings).toBeHidden();
	await expect(page.getByRole('heading', { level: 1, name: 'Buttermilk Biscuits' })).toBeVisible();
	await expect(flour).toHaveText('4 cups flour');
	await expect(page.getByText('Amounts for 8 servings, scaled from 4.')).toBeVisible();
	await expect(page.getByRole('listitem').filter({ hasText: 'Stir in the eggs' })).toBeVisible();
	await page.emulateMedia({ media: 'screen' });
	await expect(nav).toBeVisible();
	await page.screenshot({ path: '.test-output/recipe.png', fullPage: true });
});

test('a finished item links to its recipe, which can be deleted (with an Undo offered)', async ({ page }) => {
	await signedInAs(page, 'library');
	const { itemId, recipeId } = await shareAndWait(page, 'Crumble-Cake');

	await page.goto(`/items/${itemId}`);
	await page.getByRole('link', { name: 'Open the recipe' }).click();
	await expect(page).toHaveURL(`/recipes/${recipeId}`);

	await page.getByText('More', { exact: true }).click();
	await page.getByRole('button', { name: 'Delete' }).click();
	await expect(page).toHaveURL(`/recipes?deleted=${recipeId}`);
	await expect(page.getByRole('status').filter({ hasText: 'Deleted “Crumble Cake”.' }).getByRole('button', { name: 'Undo' })).toBeVisible();
	await expect(page.getByText('No recipes yet — share a link from your phone or paste one on the Queue page')).toBeVisible();
	await expect(page.getByRole('link', { name: 'Queue page' })).toHaveAttribute('href', '/');
	expect((await page.request.get(`/api/recipes/${recipeId}`)).status()).toBe(404);
	// The item it came from is still in the queue.
	expect((await page.request.get(`/api/queue/${itemId}`)).status()).toBe(200);
});

test('"Load more" adds the next page of recipes below the first', async ({ page }) => {
	test.setTimeout(120_000);
	await signedInAs(page, 'library');
	// One more than a page (24).
	const slugs = Array.from({ length: 25 }, (_, i) => `Batch-Bake-${String(i + 1).padStart(2, '0')}`);
	for (const slug of slugs) expect((await page.request.post('/api/queue', { data: { url: `${site.origin}/${slug}` } })).status()).toBe(201);
	await expect
		.poll(async () => (await (await page.request.get('/api/queue?status=success&limit=100')).json()).total, { timeout: 90_000 })
		.toBe(slugs.length);

	await page.goto('/recipes');
	const cards = page.getByRole('article');
	await expect(cards).toHaveCount(24);
	await page.getByRole('link', { name: 'Load more' }).click();
	await expect(cards).toHaveCount(25);
	await expect(page.getByRole('link', { name: 'Load more' })).toHaveCount(0);
	const titles = await cards.getByRole('heading').allTextContents();
	expect(new Set(titles).size).toBe(25);
	// Focus moves on to the first recipe that was added.
	await expect(page.locator(':focus')).toHaveText(titles[24]!);
});

test.describe('without JavaScript', () => {
	test.use({ javaScriptEnabled: false });

	test('the search box still searches, and an unknown recipe is a clear 404', async ({ page }) => {
		await signedInAs(page, 'library');
		await shareAndWait(page, 'Plain-Scones');
		await page.goto('/recipes');
		await page.getByLabel('Search your recipes').fill('scones');
		await page.getByRole('button', { name: 'Search' }).click();
		await expect(page).toHaveURL(/\/recipes\?q=scones$/);
		await expect(page.getByRole('article').filter({ hasText: 'Plain Scones' })).toBeVisible();
		await page.getByLabel('Search your recipes').fill('nothing like it');
		await page.getByRole('button', { name: 'Search' }).click();
		await expect(page.getByText('No recipe matches “nothing like it”')).toBeVisible();

		const missing = await page.goto('/recipes/00000000-0000-4000-8000-000000000000');
		expect(missing?.status()).toBe(404);
	});
});
