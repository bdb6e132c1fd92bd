import { expect, test } from '@playwright/test';
import { startTandoorServer } from '../helpers/tandoor-server';
import { recipeSite, signedInAs } from './fixtures';

const TOKEN = 'tda_e2e_0123456789';
let site: Awaited<ReturnType<typeof recipeSite>>;
let tandoor: Awaited<ReturnType<typeof startTandoorServer>>;
test.beforeAll(async () => {
	site = await recipeSite();
	tandoor = await startTandoorServer({ token: TOKEN, user: { username: 'chef', first_name: 'Ana', last_name: 'Cook' } });
});
test.afterAll(async () => {
	await site.close();
	await tandoor.close();
});

test('set up Tandoor in Settings, test the connection, share a link, open it in Tandoor', async ({ page }) => {
	await signedInAs(page);
	await page.goto('/settings');
	const panel = page.getByRole('region', { name: 'Recipe manager' });
	await expect(panel.getByRole('radio', { name: /library only/ })).toBeChecked();
	await panel.getByRole('radio', { name: 'Tandoor' }).check();
	await panel.getByLabel('Tandoor address').fill(tandoor.origin);

	// A wrong token: the test says what to fix, and nothing is saved.
	await panel.getByLabel('API token').fill('tda_wrong');
	await panel.getByRole('button', { name: 'Test connection' }).click();
	await expect(panel.getByRole('alert')).toContainText('check your Tandoor token in Settings');

	await panel.getByLabel('API token').fill(TOKEN);
	await panel.getByRole('button', { name: 'Test connection' }).click();
	await expect(panel.getByRole('status')).toContainText(/Connected to Tandoor 2\.\d.* as Ana Cook/);
	await panel.getByLabel('API token').fill(TOKEN);
	await panel.getByRole('button', { name: 'Save' }).click();
	await expect(panel.getByRole('status')).toContainText('New recipes go to Tandoor too');

	// After a reload the token is not shown, only that one is saved.
	await page.reload();
	await expect(panel.getByRole('radio', { name: 'Tandoor' })).toBeChecked();
	await expect(panel.getByLabel('API token')).toHaveValue('');
	await expect(panel.getByLabel('API token')).toHaveAttribute('placeholder', /Saved/);
	expect(await page.content()).not.toContain(TOKEN);

	await page.goto('/');
	await page.getByLabel('Add a recipe link').fill(`${site.origin}/Tandoor-Tart`);
	await page.getByRole('button', { name: 'Add', exact: true }).click();
	const card = page.getByRole('article').filter({ hasText: 'Tandoor Tart' });
	await expect(card.getByText('Saved')).toBeVisible();
	await card.getByRole('link', { name: 'Tandoor Tart', exact: true }).click();

	const [recipe] = [...tandoor.recipes.values()];
	expect(recipe).toMatchObject({ name: 'Tandoor Tart', source_url: `${site.origin}/Tandoor-Tart` });
	const link = page.getByRole('link', { name: 'Open in Tandoor ↗' });
	await expect(link).toHaveAttribute('href', `${tandoor.origin}/recipe/${recipe!.id}`);

	// Sending it again updates the same recipe on Tandoor.
	await page.getByRole('button', { name: 'Send to Tandoor again' }).click();
	await expect(page.getByRole('status').filter({ hasText: 'Saved to Tandoor' })).toBeVisible();
	expect(tandoor.recipes.size).toBe(1);
	await page.screenshot({ path: '.test-output/item-tandoor.png', fullPage: true });
});
