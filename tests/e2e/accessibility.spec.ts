import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { postShareForm, recipeSite, sharedPictures, signedInAs, signedInAsAdmin } from './fixtures';

/**
 * Every page at phone size, light and dark, checked by axe against WCAG 2 A/AA: no serious or
 * critical violation. The screenshots land in .test-output/a11y/ for a person to look at.
 */

let site: Awaited<ReturnType<typeof recipeSite>>;
test.beforeAll(async () => {
	site = await recipeSite();
});
test.afterAll(() => site.close());

const PHONE = { width: 412, height: 915 };
const SCHEMES = ['light', 'dark'] as const;

async function check(page: Page, name: string, scheme: string) {
	await page.waitForLoadState('networkidle').catch(() => {});
	const { violations } = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
	await page.screenshot({ path: `.test-output/a11y/${name}-${scheme}.png`, fullPage: true });
	const grave = violations
		.filter((v) => v.impact === 'serious' || v.impact === 'critical')
		.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
	expect(grave, `${name} in ${scheme}`).toEqual([]);
}

async function phone(browser: Browser, baseURL: string | undefined, scheme: 'light' | 'dark', storageState?: Awaited<ReturnType<ReturnType<Page['context']>['storageState']>>) {
	return browser.newContext({ baseURL, viewport: PHONE, colorScheme: scheme, isMobile: true, hasTouch: true, storageState });
}

test('every signed-in page, light and dark, at 412×915', async ({ browser, baseURL, page }) => {
	test.setTimeout(240_000);
	await signedInAs(page, 'a11y');
	// Settings is checked as someone with a saved Instagram session sees it, not only the empty form.
	expect((await page.request.put('/api/platform-sessions/instagram', { data: { cookie: 'sessionid=4242%3Aa11ySecret%3A17' } })).status()).toBe(200);
	site.fail('Missing-Pie', 10);
	const ids: Record<string, string> = {};
	for (const slug of ['Carrot-Soup', 'Lemon-Cake', 'Missing-Pie']) {
		ids[slug] = (await (await page.request.post('/api/queue', { data: { url: `${site.origin}/${slug}` } })).json()).id;
	}
	let recipeId = '';
	await expect
		.poll(async () => {
			const item = await (await page.request.get(`/api/queue/${ids['Carrot-Soup']}`)).json();
			recipeId = item.results?.recipeId ?? '';
			return item.status;
		})
		.toBe('success');
	await expect.poll(async () => (await (await page.request.get(`/api/queue/${ids['Missing-Pie']}`)).json()).status).toBe('error');
	// An import with a saved link and a failed one, for the import pages.
	const imported = await page.request.post('/api/batches', { data: { links: [`${site.origin}/Pea-Risotto`, `${site.origin}/Missing-Pie?again`], label: 'Saved links' } });
	expect(imported.status()).toBe(201);
	const batchId = (await imported.json()).id;
	await expect.poll(async () => (await (await page.request.get(`/api/batches/${batchId}`)).json()).finishedAt).not.toBeNull();
	const state = await page.context().storageState();
	const pages: Record<string, string> = {
		queue: '/',
		library: '/recipes',
		recipe: `/recipes/${recipeId}`,
		edit: `/recipes/${recipeId}/edit`,
		cook: `/recipes/${recipeId}/cook`,
		imports: '/imports',
		import: `/imports/${batchId}`,
		'item-saved': `/items/${ids['Carrot-Soup']}`,
		'item-failed': `/items/${ids['Missing-Pie']}`,
		settings: '/settings',
		share: `/share?url=${encodeURIComponent(`${site.origin}/Carrot-Soup`)}`,
		'share-page': '/share/page',
		'not-found': '/no-such-page'
	};
	for (const scheme of SCHEMES) {
		const context = await phone(browser, baseURL, scheme, state);
		const tab = await context.newPage();
		for (const [name, path] of Object.entries(pages)) {
			await tab.goto(path);
			if (name === 'settings') await expect(tab.getByTestId('session-instagram')).toContainText(/Saved .* · not used yet/);
			await check(tab, name, scheme);
			if (name === 'settings') {
				await tab.getByText('How to copy it').click();
				await expect(tab.getByText('Open the developer tools')).toBeVisible();
				await check(tab, 'settings-session-help', scheme);
			}
			if (name === 'recipe') {
				await tab.getByText('More', { exact: true }).click();
				await check(tab, 'recipe-more', scheme);
			}
		}
		await context.close();
		// The admin's own page, as the admin sees it.
		const admin = await phone(browser, baseURL, scheme);
		const adminTab = await admin.newPage();
		await signedInAsAdmin(adminTab);
		await adminTab.goto('/admin');
		await check(adminTab, 'admin', scheme);
		await admin.close();
	}
});

test('the pages before signing in, light and dark, at 412×915', async ({ browser, baseURL }) => {
	for (const scheme of SCHEMES) {
		const context = await phone(browser, baseURL, scheme);
		const tab = await context.newPage();
		for (const path of ['/login', '/signup']) {
			await tab.goto(path);
			await check(tab, path.slice(1), scheme);
		}
		await context.close();
		// The share target's answer to pictures shared while signed out, where no worker keeps them.
		const bare = await browser.newContext({ baseURL, viewport: PHONE, colorScheme: scheme, isMobile: true, hasTouch: true, serviceWorkers: 'block' });
		const shareTab = await bare.newPage();
		await shareTab.goto('/login');
		await postShareForm(shareTab, {}, [{ name: 'card.png', mimeType: 'image/png', buffer: (await sharedPictures()).card }]);
		await expect(shareTab.getByRole('heading', { name: 'Sign in to save this' })).toBeVisible();
		await check(shareTab, 'share-signed-out', scheme);
		await bare.close();
	}
});
