import { expect, test } from '@playwright/test';
import { recipeSite, shareAndWait, signedInAs } from './fixtures';

let site: Awaited<ReturnType<typeof recipeSite>>;
test.beforeAll(async () => {
	site = await recipeSite();
});
test.afterAll(() => site.close());

test.use({ viewport: { width: 412, height: 915 } });

test('cook mode: scaled amounts, ingredients ticked off, one step at a time, the screen kept on', async ({ page }) => {
	// The real API, watched: every lock the page takes is kept here, to see it let go.
	await page.addInitScript(() => {
		const request = WakeLock.prototype.request;
		const locks: WakeLockSentinel[] = ((window as unknown as { locks: WakeLockSentinel[] }).locks = []);
		WakeLock.prototype.request = async function (type) {
			const sentinel = await request.call(this, type);
			locks.push(sentinel);
			return sentinel;
		};
	});
	await signedInAs(page, 'cook');
	const { recipeId, status } = await shareAndWait(page, `${site.origin}/Buttermilk-Biscuits`);
	expect(status).toBe('success');

	await page.goto(`/recipes/${recipeId}`);
	await page.getByRole('spinbutton', { name: 'Servings' }).fill('8');
	await page.getByRole('link', { name: 'Cook', exact: true }).click();
	await expect(page).toHaveURL(`/recipes/${recipeId}/cook?servings=8`);
	await expect(page.getByRole('heading', { level: 1, name: 'Buttermilk Biscuits' })).toBeVisible();
	await expect(page.getByText('Amounts for 8 servings, scaled from 4.')).toBeVisible();
	// Chromium grants a wake lock to a visible page on 127.0.0.1 (a secure context).
	await expect(page.getByRole('status').filter({ hasText: 'The screen stays on while this page is open.' })).toBeVisible();
	const held = () => page.evaluate(() => (window as unknown as { locks: WakeLockSentinel[] }).locks.map((l) => l.released));
	expect(await held()).toEqual([false]);

	const flour = page.getByRole('checkbox', { name: '4 cups flour' });
	await expect(page.getByText('0 of 3 ready')).toBeVisible();
	await flour.check();
	await expect(page.getByText('1 of 3 ready')).toBeVisible();

	const stepOf = page.getByText(/^Step \d of 2/);
	await expect(stepOf).toHaveText('Step 1 of 2');
	await expect(page.getByText('Mix the flour and salt.')).toBeVisible();
	await expect(page.getByText('Stir in the eggs')).toBeHidden();
	await expect(page.getByRole('button', { name: 'Previous' })).toBeDisabled();
	await page.getByRole('button', { name: 'Next step' }).click();
	await expect(stepOf).toHaveText('Step 2 of 2');
	await expect(page.getByText('Stir in the eggs and bake for 25 minutes.')).toBeVisible();
	await expect(page.getByRole('link', { name: 'Done' })).toHaveAttribute('href', `/recipes/${recipeId}`);
	await page.keyboard.press('ArrowLeft');
	await expect(stepOf).toHaveText('Step 1 of 2');
	await page.keyboard.press('ArrowRight');
	await expect(stepOf).toHaveText('Step 2 of 2');
	await shoot(page, 'one-step');

	// A reload (or a phone that put the tab away) keeps the ticks and the step.
	await page.reload();
	await expect(flour).toBeChecked();
	await expect(stepOf).toHaveText('Step 2 of 2');

	// All the steps at once, the current one marked; the choice holds for the next recipe too.
	await page.getByRole('radio', { name: 'All' }).check();
	const steps = page.getByRole('listitem').filter({ has: page.getByRole('button') });
	await expect(steps).toHaveCount(2);
	await expect(steps.nth(1)).toHaveAttribute('aria-current', 'step');
	await steps.nth(0).getByRole('button').click();
	await expect(steps.nth(0)).toHaveAttribute('aria-current', 'step');
	await page.getByRole('button', { name: 'Untick all' }).click();
	await expect(flour).not.toBeChecked();
	await expect(page.getByText('0 of 3 ready')).toBeVisible();
	await shoot(page, 'all-steps');
	await page.reload();
	await expect(page.getByRole('radio', { name: 'All' })).toBeChecked();
	await expect(steps).toHaveCount(2);

	// Leaving lets the lock go, so the screen dims as usual elsewhere.
	await page.getByRole('link', { name: '← Back to the recipe' }).click();
	await expect(page).toHaveURL(`/recipes/${recipeId}`);
	await expect.poll(held).toEqual([true]);
});

test('cook mode without a wake lock says the screen may dim, and still works', async ({ page }) => {
	await page.addInitScript(() => {
		// A browser without the Screen Wake Lock API (Firefox before 126, older Safari).
		delete (Navigator.prototype as { wakeLock?: unknown }).wakeLock;
	});
	await signedInAs(page, 'cooknolock');
	const { recipeId } = await shareAndWait(page, `${site.origin}/Plain-Scones`);
	await page.goto(`/recipes/${recipeId}/cook`);
	await expect(page.getByRole('status').filter({ hasText: 'This browser cannot keep the screen on, so it may dim while you cook.' })).toBeVisible();
	await expect(page.getByRole('checkbox', { name: '2 cups flour' })).toBeVisible();
	await page.getByRole('button', { name: 'Next step' }).click();
	await expect(page.getByText('Step 2 of 2')).toBeVisible();
});

async function shoot(page: import('@playwright/test').Page, name: string) {
	for (const scheme of ['light', 'dark'] as const) {
		await page.emulateMedia({ colorScheme: scheme });
		await page.screenshot({ path: `.test-output/cook/${name}-${scheme}.png`, fullPage: true });
	}
	await page.emulateMedia({ colorScheme: 'light' });
}
