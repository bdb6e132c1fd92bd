import { expect, test } from '@playwright/test';
import { recipeSite, shareAndWait, signedInAs } from './fixtures';

let site: Awaited<ReturnType<typeof recipeSite>>;
test.beforeAll(async () => {
	site = await recipeSite();
});
test.afterAll(() => site.close());

test('paste a link, watch it become a saved recipe', async ({ page }) => {
	await signedInAs(page);
	await page.goto('/');
	await expect(page.getByRole('heading', { name: 'Nothing here yet' })).toBeVisible();

	await page.getByLabel('Add a recipe link').fill(`${site.origin}/Lemon-Tart`);
	await page.getByRole('button', { name: 'Add', exact: true }).click();

	const card = page.getByRole('article').filter({ hasText: 'Lemon Tart' });
	await expect(card).toBeVisible();
	await expect(card.getByText('Saved')).toBeVisible();
	// Saved, the card is compact: no progress bars and no Delete, and one tap opens the recipe.
	await expect(card.getByRole('progressbar')).toHaveCount(0);
	await expect(card.getByRole('button', { name: /Delete/ })).toHaveCount(0);
	await expect(card.getByRole('link', { name: /^How Lemon Tart was saved/ })).toHaveAttribute('href', /^\/items\//);
	await expect(card).toHaveClass(/highlighted/);
	await page.screenshot({ path: '.test-output/dashboard.png', fullPage: true });
	await card.getByRole('link', { name: 'Lemon Tart', exact: true }).click();
	await expect(page).toHaveURL(/\/recipes\/[0-9a-f-]{36}$/);
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Lemon Tart');
});

test('a link pasted before the page has finished loading is kept, not wiped when the page comes alive', async ({ page }) => {
	await signedInAs(page);
	// Hold the app's scripts back, as a slow phone would, while the person pastes.
	let release!: () => void;
	const scripts = new Promise<void>((resolve) => (release = resolve));
	await page.route('**/_app/immutable/**', async (route) => {
		await scripts;
		await route.continue();
	});
	await page.goto('/', { waitUntil: 'commit' });
	const input = page.getByLabel('Add a recipe link');
	await input.fill(`${site.origin}/Early-Bird-Pie`);
	release();
	await expect(page.getByRole('status').filter({ hasText: 'Live' })).toBeVisible();
	await expect(input).toHaveValue(`${site.origin}/Early-Bird-Pie`);
	await page.getByRole('button', { name: 'Add', exact: true }).click();
	await expect(page.getByRole('article').filter({ hasText: 'Early Bird Pie' }).getByText('Saved')).toBeVisible();
});

test('pasting the next link while the last one is being added keeps it in the field', async ({ page }) => {
	await signedInAs(page);
	await page.goto('/');
	await expect(page.getByRole('status').filter({ hasText: 'Live' })).toBeVisible();
	// The first share's answer waits until the second link has been pasted.
	let pasted!: () => void;
	const secondPasted = new Promise<void>((resolve) => (pasted = resolve));
	await page.route('**/?/enqueue', async (route) => {
		const response = await route.fetch();
		await secondPasted;
		await route.fulfill({ response });
	}, { times: 1 });
	const input = page.getByLabel('Add a recipe link');
	await input.fill(`${site.origin}/First-Flan`);
	await page.getByRole('button', { name: 'Add', exact: true }).click();
	await input.fill(`${site.origin}/Second-Scone`);
	pasted();
	await expect(page.getByRole('article').filter({ hasText: 'First Flan' })).toBeVisible();
	await expect(input).toHaveValue(`${site.origin}/Second-Scone`);
	await page.getByRole('button', { name: 'Add', exact: true }).click();
	await expect(page.getByRole('article').filter({ hasText: 'Second Scone' })).toBeVisible();
	await expect(input).toHaveValue('');
});

test('a paste with neither a link nor words gets a clear message, not an error page', async ({ page }) => {
	await signedInAs(page);
	await page.goto('/');
	const input = page.getByLabel('Add a recipe link');
	await input.fill('… -- !!');
	await page.getByRole('button', { name: 'Add', exact: true }).click();
	await expect(page.getByRole('alert')).toHaveText(/Paste a link that starts with http.*, or the text of a recipe/);
	await expect(input).toHaveAttribute('aria-invalid', 'true');

	// Far too much text is answered under the field before anything is sent (past the server's
	// body limit it would come back as an error page).
	let sent = 0;
	page.on('request', (r) => void (r.method() === 'POST' && sent++));
	const pasted = `${site.origin}/Long-Loaf `.repeat(60_000);
	await input.fill(pasted);
	await page.getByRole('button', { name: 'Add', exact: true }).click();
	await expect(page.getByRole('alert')).toHaveText(`That is ${pasted.length.toLocaleString('en')} characters, too long to look for a link in (the limit is 20,000). Paste just the link.`);
	await expect(input).toHaveAttribute('aria-invalid', 'true');
	expect(sent).toBe(0);
	// Typing again clears it.
	await input.fill('');
	await expect(page.getByRole('alert')).toBeHidden();

	// Text with a link in it, as a share sheet would paste it, is welcome.
	await input.fill(`Look at this one ${site.origin}/Soda-Bread 😋`);
	await page.getByRole('button', { name: 'Add', exact: true }).click();
	await expect(page.getByRole('article').filter({ hasText: 'Soda Bread' })).toBeVisible();
	await expect(input).toHaveValue('');
});

test.describe('without JavaScript', () => {
	test.use({ javaScriptEnabled: false });

	test('a paste too long is answered under the field; past the body limit, by a page that says what to do', async ({ page }) => {
		await signedInAs(page);
		await page.goto('/');
		const input = page.getByLabel('Add a recipe link');
		await input.fill('x'.repeat(30_000));
		await page.getByRole('button', { name: 'Add', exact: true }).click();
		await expect(page.getByRole('alert')).toHaveText('That is 30,000 characters, too long to look for a link in (the limit is 20,000). Paste just the link.');
		await expect(input).toHaveValue('');
		// Past the body limit (21 MB), Kit refuses the form before the action: a page says what to do.
		const res = await page.request.post('/?/enqueue', { form: { url: 'x'.repeat(22 * 1024 * 1024) }, headers: { origin: new URL(page.url()).origin, accept: 'text/html' } });
		expect(res.status()).toBe(413);
		expect(await res.text()).toContain('That was more than Cookmark takes in one go. Paste just the link, and try again.');
	});
});

test('an item shared through the API shows up, highlighted by ?highlight=', async ({ page }) => {
	await signedInAs(page);
	const res = await page.request.post('/api/queue', { data: { text: `via the share sheet ${site.origin}/Plum-Cake` } });
	expect(res.status()).toBe(201);
	const { id } = await res.json();
	await page.goto(`/?highlight=${id}`);
	await expect(page.locator(`#item-${id}`)).toHaveClass(/highlighted/);
});

test('delete asks nothing: the item goes at once, Undo brings it back, and without Undo it is deleted', async ({ page }) => {
	await signedInAs(page);
	site.fail('Gone-Pie', 10);
	site.fail('Lost-Loaf', 10);
	const pie = await shareAndWait(page, `${site.origin}/Gone-Pie`);
	const loaf = await shareAndWait(page, `${site.origin}/Lost-Loaf`);
	expect([pie.status, loaf.status]).toEqual(['error', 'error']);
	const dialogs: string[] = [];
	page.on('dialog', (d) => {
		dialogs.push(d.message());
		void d.dismiss();
	});

	await page.goto('/');
	const card = page.getByRole('article').filter({ hasText: 'Gone pie' });
	const toast = page.getByRole('status').filter({ hasText: 'Deleted “Gone pie”.' });
	await card.getByRole('button', { name: 'Delete Gone pie' }).click();
	await expect(card).toHaveCount(0);
	await expect(page.getByText('1 item', { exact: true })).toBeVisible();
	await expect(toast).toBeVisible();
	await toast.getByRole('button', { name: 'Undo' }).click();
	await expect(card).toBeVisible();
	await expect(toast).toHaveCount(0);
	await expect(page.getByText('2 items', { exact: true })).toBeVisible();
	expect((await page.request.get(`/api/queue/${pie.itemId}`)).status()).toBe(200);

	// Left alone, the toast's time runs out and the server deletes it.
	await card.getByRole('button', { name: 'Delete Gone pie' }).click();
	await expect.poll(async () => (await page.request.get(`/api/queue/${pie.itemId}`)).status(), { timeout: 15_000 }).toBe(404);
	await expect(toast).toHaveCount(0);
	await expect(card).toHaveCount(0);

	// From the item's own page: back to the queue, where Undo is offered; leaving the page sends it.
	await page.goto(`/items/${loaf.itemId}`);
	await page.getByRole('button', { name: 'Delete Lost loaf' }).click();
	await expect(page).toHaveURL('/');
	await expect(page.getByRole('status').filter({ hasText: 'Deleted “Lost loaf”.' })).toBeVisible();
	await expect(page.getByRole('article')).toHaveCount(0);
	await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Recipes' }).click();
	await expect.poll(async () => (await page.request.get(`/api/queue/${loaf.itemId}`)).status()).toBe(404);
	// Going back does not delete it a second time (nor say that it could not).
	await page.goBack();
	await expect(page.getByText('Nothing here yet')).toBeVisible();
	await expect(page.getByRole('status').filter({ hasText: 'Deleted' })).toHaveCount(0);
	expect(dialogs).toEqual([]);
});
