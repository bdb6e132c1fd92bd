import { expect, test, type Page } from '@playwright/test';
import { recipeSite, signedInAs } from './fixtures';

let site: Awaited<ReturnType<typeof recipeSite>>;
test.beforeAll(async () => {
	site = await recipeSite();
});
test.afterAll(() => site.close());

/** Every Content-Security-Policy refusal the page reports, from the page itself and from the console. */
function collectViolations(page: Page): string[] {
	const violations: string[] = [];
	page.on('console', (message) => {
		if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
	});
	page.on('load', () =>
		page
			.evaluate(() => {
				document.addEventListener('securitypolicyviolation', (e) => console.error(`Content Security Policy: ${e.violatedDirective} ${e.blockedURI} at ${e.sourceFile}:${e.lineNumber}:${e.columnNumber} on ${location.pathname}`));
			})
			.catch(() => {})
	);
	return violations;
}

test('every screen works under the Content-Security-Policy, and nothing it forbids is attempted', async ({ page }) => {
	const violations = collectViolations(page);
	await page.goto('/login');
	await expect(page.getByRole('heading', { level: 1 })).toBeVisible(); // sign-in, or sign-up on a server with no account yet
	await signedInAs(page, 'csp');

	const res = await page.request.post('/api/queue', { data: { url: `${site.origin}/Lemon-Drizzle-Cake` } });
	expect(res.status()).toBe(201);
	const { id } = await res.json();

	// The dashboard hydrates (its live stream connects, a script-driven update arrives) under the policy.
	await page.goto('/');
	const card = page.getByRole('article').filter({ hasText: 'Lemon Drizzle Cake' });
	await expect(card.getByText('Saved', { exact: true })).toBeVisible({ timeout: 20_000 });

	await page.goto(`/items/${id}`);
	await expect(page.getByRole('heading', { level: 1, name: 'Lemon Drizzle Cake' })).toBeVisible();
	const recipeId = (await (await page.request.get(`/api/queue/${id}`)).json()).results.recipeId;

	await page.goto('/recipes');
	const search = page.getByLabel('Search your recipes');
	await search.fill('lemon');
	await expect(page).toHaveURL(/\?q=lemon$/); // client-side script ran
	await page.goto(`/recipes/${recipeId}`);
	await expect(page.getByRole('heading', { level: 1, name: 'Lemon Drizzle Cake' })).toBeVisible();
	await page.goto(`/recipes/${recipeId}/edit`);
	await page.getByLabel('Ingredient 1', { exact: true }).fill('3 tbsp lemon juice');
	await expect(page.getByText('Food lemon juice')).toBeVisible(); // the line read in the browser
	await page.goto('/settings');
	await expect(page.getByRole('heading', { name: 'Settings' })).toBeVisible();

	// The service worker registers under worker-src 'self'.
	await expect.poll(() => page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.active?.state ?? null), { timeout: 15_000 }).toBe('activated');
	expect(violations).toEqual([]);
});

test('a page cannot be framed by another site', async ({ page }) => {
	const res = await page.request.get('/login');
	expect(res.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
	expect(res.headers()['x-frame-options']).toBe('DENY');
});

test('a picture that fails to load is hidden, even when it failed before the page came to life', async ({ page }) => {
	await signedInAs(page, 'csp');
	site.fail('Pictureless-Pie.png', 1_000);
	const res = await page.request.post('/api/queue', { data: { url: `${site.origin}/Pictureless-Pie` } });
	const { id } = await res.json();
	await expect.poll(async () => (await (await page.request.get(`/api/queue/${id}`)).json()).status, { timeout: 20_000 }).toBe('success');
	for (const path of [`/items/${id}`, '/']) {
		await page.goto(path);
		await expect(page.getByText('Pictureless Pie').first()).toBeVisible();
		await expect(page.locator(`img[src="${site.origin}/Pictureless-Pie.png"]`)).toHaveCount(0);
	}
});
