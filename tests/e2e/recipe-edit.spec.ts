import { expect, test, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { html, startHttpServer } from '../helpers/http-server';
import { shareAndWait, signedInAs } from './fixtures';

// Where the screenshots go for a person to look at (light and dark), outside the repository.
const SHOTS = process.env.EDIT_SHOTS_DIR ?? '.test-output/edit-shots';

const recipe = {
	'@context': 'https://schema.org',
	'@type': 'Recipe',
	name: 'Brown Butter Shortbread',
	description: 'Crisp, sandy and nutty; keeps for a week in a tin.',
	recipeYield: '16 pieces',
	prepTime: 'PT20M',
	cookTime: 'PT25M',
	recipeIngredient: ['2 cups flour', '1 dstspn sugar', '1 cup butter, browned and cooled', '½ tsp flaky sea salt'],
	recipeInstructions: ['Brown the butter and let it cool until it sets.', 'Rub it into the flour, sugar and salt.', 'Press into a tin and bake at 160 °C.']
};

let site: Awaited<ReturnType<typeof startHttpServer>>;
test.beforeAll(async () => {
	mkdirSync(SHOTS, { recursive: true });
	site = await startHttpServer({
		'/shortbread': html(`<html><head><title>Shortbread</title><script type="application/ld+json">${JSON.stringify(recipe)}</script></head><body></body></html>`)
	});
});
test.afterAll(() => site?.close());

test.use({ viewport: { width: 412, height: 915 } });

/** Screenshots of the page as it is, light and dark. */
async function shoot(page: Page, name: string, fullPage = true) {
	for (const scheme of ['light', 'dark'] as const) {
		await page.emulateMedia({ colorScheme: scheme });
		await page.screenshot({ path: `${SHOTS}/${name}-${scheme}.png`, fullPage });
	}
	await page.emulateMedia({ colorScheme: 'light' });
}

test('edit an ingredient line with its live reading, save it, then delete the recipe and undo', async ({ page }) => {
	test.setTimeout(60_000);
	await signedInAs(page, 'editor');
	const { recipeId: id, status } = await shareAndWait(page, `${site.origin}/shortbread`);
	expect(status).toBe('success');

	await page.goto(`/recipes/${id}`);
	// The line the import could not read is marked, quietly.
	const sugar = page.getByTitle('1 dstspn sugar', { exact: true });
	await expect(sugar.getByTitle(/^Check this line: the unit is not one Cookmark knows/)).toBeVisible();
	await expect(page.locator('li .check')).toHaveCount(1);
	await shoot(page, '1-recipe');

	await page.getByRole('link', { name: 'Edit' }).click();
	await expect(page).toHaveURL(`/recipes/${id}/edit`);
	await expect(page.getByRole('heading', { level: 1, name: 'Edit recipe' })).toBeVisible();
	await expect(page.getByLabel('Title')).toHaveValue('Brown Butter Shortbread');
	const line = page.getByLabel('Ingredient 2', { exact: true });
	await expect(line).toHaveValue('1 dstspn sugar');
	await expect(line).toHaveAttribute('aria-invalid', 'true');
	await expect(page.getByText('Check this line: the unit is not one Cookmark knows.')).toBeVisible();
	await shoot(page, '2-edit');
	await line.evaluate((el) => el.scrollIntoView({ block: 'center' }));
	await shoot(page, '2-edit-marked', false);

	// Typing re-reads the line; the reading under it follows once typing pauses.
	await line.fill('1 tbsp light brown sugar');
	const reading = page.locator(`#${await line.getAttribute('aria-describedby')}`);
	await expect(reading).toContainText('Unit tablespoon');
	await expect(reading).toContainText('Food light brown sugar');
	await expect(reading).toContainText('Amount 1');
	await expect(line).not.toHaveAttribute('aria-invalid');
	await expect(page.getByText('Check this line')).toHaveCount(0);
	await line.evaluate((el) => el.scrollIntoView({ block: 'center' }));
	await shoot(page, '3-edit-typed', false);

	// Enter adds a line after this one and moves there; an empty line is not saved.
	await line.press('Enter');
	await expect(page.getByLabel('Ingredient 3', { exact: true })).toBeFocused();
	await expect(page.getByLabel('Ingredient 3', { exact: true })).toHaveValue('');

	await page.getByRole('button', { name: 'Save changes' }).click();
	await expect(page).toHaveURL(`/recipes/${id}`);
	await expect(page.getByRole('status').filter({ hasText: 'Changes saved.' })).toBeVisible();
	await expect(page.getByTitle('1 tbsp light brown sugar', { exact: true })).toHaveText('1 tablespoon light brown sugar');
	await expect(page.locator('li .check')).toHaveCount(0);
	await expect(page.getByRole('listitem')).toHaveCount(4 + 3);
	await shoot(page, '3-saved', false);

	// Delete (last in More) asks nothing: the recipe is gone at once, and the library offers Undo.
	await page.getByText('More', { exact: true }).click();
	await page.getByRole('button', { name: 'Delete' }).click();
	await expect(page).toHaveURL(/\/recipes\?deleted=/);
	const toast = page.getByRole('status').filter({ hasText: 'Deleted “Brown Butter Shortbread”.' });
	await expect(toast).toBeVisible();
	await expect(page.getByRole('article')).toHaveCount(0);
	expect((await page.request.get(`/api/recipes/${id}`)).status()).toBe(404);
	await shoot(page, '4-deleted', false);

	await toast.getByRole('button', { name: 'Undo' }).click();
	await expect(page.getByRole('status').filter({ hasText: '“Brown Butter Shortbread” is back in your library.' })).toBeVisible();
	await expect(page.getByRole('article').filter({ hasText: 'Brown Butter Shortbread' })).toBeVisible();
	expect((await page.request.get(`/api/recipes/${id}`)).status()).toBe(200);
	await shoot(page, '5-restored', false);

	await page.getByRole('link', { name: 'Dismiss' }).click();
	await expect(page.getByText('is back in your library')).toHaveCount(0);
	await expect(page).toHaveURL(/\/recipes$/);
});
