import { expect, test, type Page } from '@playwright/test';
import { recipeSite, signedInAs } from './fixtures';

let site: Awaited<ReturnType<typeof recipeSite>>;
test.beforeAll(async () => {
	site = await recipeSite();
});
test.afterAll(() => site.close());

test.use({ viewport: { width: 412, height: 915 } });

async function shoot(page: Page, name: string) {
	for (const scheme of ['light', 'dark'] as const) {
		await page.emulateMedia({ colorScheme: scheme });
		await page.screenshot({ path: `.test-output/imports/${name}-${scheme}.png`, fullPage: true });
	}
	await page.emulateMedia({ colorScheme: 'light' });
}

test('paste many links: the check counts them, the import runs live, a failed link is named and retried', async ({ page }) => {
	test.setTimeout(90_000);
	await signedInAs(page, 'importer');
	site.fail('Gone-Gratin', 100);
	site.hold('Slow-Stew');

	await page.goto('/');
	await page.getByRole('link', { name: 'Many links? Import them all at once' }).click();
	await expect(page).toHaveURL('/imports');
	await expect(page.getByText('None yet.')).toBeVisible();

	const links = ['Apple-Crumble', 'Bean-Chili', 'Carrot-Cake', 'Gone-Gratin', 'Slow-Stew'].map((s) => `${site.origin}/${s}`);
	await page.getByLabel('Paste links').fill(`From my notes:\n${links.join('\n')}\n${links[0]}?utm_source=ig (again)`);
	await page.getByRole('button', { name: 'Check the links' }).click();
	const preview = page.getByRole('status').filter({ hasText: 'Found 6 links on 1 site.' });
	await expect(preview).toContainText('5 recipes to import.');
	await expect(preview).toContainText('1 duplicate (the same link twice)');
	await shoot(page, '1-checked');

	await page.getByLabel('Name').fill('From my notes');
	await page.getByRole('button', { name: 'Import 5 recipes' }).click();
	await expect(page).toHaveURL(/\/imports\/[0-9a-f-]{36}$/);
	await expect(page.getByRole('heading', { level: 1, name: 'From my notes' })).toBeVisible();
	await expect(page.getByText('Left out: 1 duplicate.')).toBeVisible();

	// Live: the counts move without a reload, and the failed link is named with its reason.
	const saved = page.locator('dt', { hasText: 'Saved' }).locator('+ dd');
	await expect(saved).toHaveText('3', { timeout: 20_000 });
	const failed = page.getByRole('region', { name: 'Failed' });
	await expect(failed.getByRole('listitem')).toHaveCount(1);
	await expect(failed).toContainText('Gone gratin');
	await expect(failed).toContainText('404');
	await expect(page.getByText('1 to go')).toBeVisible();

	// The dashboard shows the import as one card, not five.
	await page.goto('/');
	const importing = page.getByRole('region', { name: 'Importing' });
	await expect(importing.getByRole('link', { name: 'From my notes' })).toBeVisible();
	await shoot(page, '2-dashboard');
	await importing.getByRole('link', { name: 'From my notes' }).click();
	await shoot(page, '3-running');

	const csv = page.getByRole('link', { name: 'Download the failed links (CSV)' });
	const [download] = await Promise.all([page.waitForEvent('download'), csv.click()]);
	expect(download.suggestedFilename()).toBe('From-my-notes-failed.csv');

	site.release('Slow-Stew');
	await expect(page.getByText(/^Finished/)).toBeVisible({ timeout: 20_000 });
	await expect(page.getByRole('button', { name: 'Cancel the rest' })).toBeHidden();

	// The site mends the page; Retry 1 failed runs it again, and the batch ends with all saved.
	site.fail('Gone-Gratin', 0);
	await page.getByRole('button', { name: 'Retry 1 failed' }).click();
	await expect(saved).toHaveText('5', { timeout: 20_000 });
	await expect(page.getByText(/^Finished/)).toBeVisible();
	await expect(failed).toHaveCount(0);
	await shoot(page, '4-finished');

	await page.getByRole('link', { name: '← Imports' }).click();
	await expect(page.getByRole('heading', { level: 3, name: 'From my notes' })).toBeVisible();
	await expect(page.getByText('5 saved')).toBeVisible();
});

test('a file of links: a malformed one is explained under the form', async ({ page }) => {
	await signedInAs(page, 'importfile');
	await page.goto('/imports');
	await page.getByLabel('Or choose a file').setInputFiles({ name: 'saved.csv', mimeType: 'text/csv', buffer: Buffer.from(`url\n${site.origin}/Dal\n"never closed,${site.origin}/Pho\n`) });
	await page.getByRole('button', { name: 'Check the links' }).click();
	await expect(page.getByRole('alert')).toHaveText('“saved.csv” could not be read: line 3: a quoted field is never closed');
	await page.getByLabel('Or choose a file').setInputFiles({ name: 'bookmarks.html', mimeType: 'text/html', buffer: Buffer.from(`<!DOCTYPE NETSCAPE-Bookmark-file-1>\n<DL><p>\n<DT><A HREF="${site.origin}/Dal">Dal</A>\n<DT><A HREF="${site.origin}/Pho">Pho</A>\n</DL>`) });
	await page.getByRole('button', { name: 'Check the links' }).click();
	await expect(page.getByRole('status').filter({ hasText: 'Found 2 links on 1 site.' })).toBeVisible();
	await page.getByRole('button', { name: 'Import 2 recipes' }).click();
	await expect(page.getByRole('heading', { level: 1, name: 'bookmarks.html' })).toBeVisible();
	await expect(page.getByText(/^Finished/)).toBeVisible({ timeout: 20_000 });
});
