import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { expect, test } from '@playwright/test';
import { password, recipeSite, signedInAs, signedInAsAdmin } from './fixtures';

/**
 * The admin page as the admin uses it on a phone: a person's share failed; the admin sees it,
 * retries it, and disables the person. Screenshots at 412×915, light and dark, in .test-output/admin/.
 */
let site: Awaited<ReturnType<typeof recipeSite>>;
test.beforeAll(async () => {
	site = await recipeSite();
});
test.afterAll(() => site.close());

const PHONE = { width: 412, height: 915 };

test('the admin sees a failed item, retries it and disables its owner', async ({ browser, baseURL }) => {
	test.setTimeout(90_000);
	// Someone else, in a browser of their own, whose share fails once (the site answers 404).
	const theirs = await browser.newContext({ baseURL });
	const them = await theirs.newPage();
	const username = await signedInAs(them, 'guest');
	site.fail('Plum-Tart', 1);
	const shared = await them.request.post('/api/queue', { data: { url: `${site.origin}/Plum-Tart` } });
	const { id } = await shared.json();
	await expect.poll(async () => (await (await them.request.get(`/api/queue/${id}`)).json()).status, { timeout: 20_000 }).toBe('error');

	const context = await browser.newContext({ baseURL, viewport: PHONE, isMobile: true, hasTouch: true, colorScheme: 'light' });
	const page = await context.newPage();
	await signedInAsAdmin(page);
	await page.goto('/admin');
	await expect(page.getByRole('heading', { name: 'Admin', level: 1 })).toBeVisible();
	const failed = page.getByRole('region', { name: 'Failed items' });
	const row = failed.getByRole('listitem').filter({ hasText: username });
	await expect(row).toContainText('127.0.0.1');
	await expect(row).toContainText('Failed');
	await page.screenshot({ path: '.test-output/admin/admin-light.png', fullPage: true });
	await page.emulateMedia({ colorScheme: 'dark' });
	await page.screenshot({ path: '.test-output/admin/admin-dark.png', fullPage: true });
	await page.emulateMedia({ colorScheme: 'light' });

	await row.getByRole('checkbox').check();
	await failed.getByRole('button', { name: /Retry selected/ }).click();
	await expect(failed.getByRole('status')).toHaveText('1 item queued again.');
	await expect.poll(async () => (await (await them.request.get(`/api/queue/${id}`)).json()).status, { timeout: 20_000 }).toBe('success');

	const people = page.getByRole('region', { name: 'People' });
	const person = people.getByRole('listitem').filter({ hasText: username });
	await person.getByText(`Manage ${username}`).click();
	await page.screenshot({ path: '.test-output/admin/admin-manage-light.png', fullPage: true });
	await person.getByRole('button', { name: `Disable ${username}` }).click();
	await expect(person.getByRole('status')).toHaveText(`${username} can no longer sign in.`);
	await expect(person.getByText('disabled', { exact: true })).toBeVisible();
	expect((await them.request.get('/api/queue')).status()).toBe(401);
	expect((await them.request.post('/api/auth/login', { data: { username, password } })).status()).toBe(403);

	await page.emulateMedia({ colorScheme: 'dark' });
	await page.screenshot({ path: '.test-output/admin/admin-manage-dark.png', fullPage: true });

	// The backup downloads as a file whose first line says what it is.
	const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download a backup' }).click()]);
	expect(download.suggestedFilename()).toMatch(/^cookmark-.+\.cmbak$/);
	const bytes = gunzipSync(await readFile(await download.path()));
	expect(JSON.parse(bytes.toString('utf8').split('\n')[0]!)).toMatchObject({ format: 'cookmark-backup' });
	await context.close();
	await theirs.close();
});

test('someone who is not the admin gets a 403 page', async ({ page }) => {
	await signedInAs(page, 'curious');
	const res = await page.goto('/admin');
	expect(res?.status()).toBe(403);
	await expect(page.getByText('Only the admin of this server can see this page.')).toBeVisible();
});
