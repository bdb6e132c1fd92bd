import { expect, test } from '@playwright/test';
import { password, recipeSite } from './fixtures';

let site: Awaited<ReturnType<typeof recipeSite>>;
test.beforeAll(async () => {
	site = await recipeSite();
});
test.afterAll(() => site.close());

test('sign up, log out, log in, make a token, enqueue with it from Node: only that person sees the item', async ({ page, browser, baseURL }) => {
	const suffix = Date.now().toString(36);
	const alice = `alice${suffix}`;

	// Sign up through the page.
	await page.goto('/signup');
	await page.getByLabel('Username').fill(alice);
	await page.getByLabel('Password').fill(password);
	await page.getByRole('button', { name: 'Create account' }).click();
	await expect(page.getByRole('heading', { name: 'Nothing here yet' })).toBeVisible();

	// Log out (in Settings), and the dashboard is closed to us.
	await page.goto('/settings');
	await page.getByRole('button', { name: 'Log out', exact: true }).click();
	await expect(page).toHaveURL(/\/login$/);
	await page.goto('/settings');
	await expect(page).toHaveURL(/\/login\?redirectTo=%2Fsettings$/);

	// A wrong password is told plainly; the right one brings us back where we were going.
	await page.getByLabel('Username').fill(alice);
	await page.getByLabel('Password').fill('not the password');
	await page.getByRole('button', { name: 'Log in' }).click();
	await expect(page.getByRole('alert')).toHaveText('Wrong username or password');
	await page.getByLabel('Password').fill(password);
	await page.getByRole('button', { name: 'Log in' }).click();
	await expect(page).toHaveURL(/\/settings$/);

	// Make a token; it is shown once.
	await page.getByLabel('Token name').fill('iPhone Shortcut');
	await page.getByRole('button', { name: 'Create token' }).click();
	const token = (await page.getByTestId('new-token').textContent())!.trim();
	expect(token).toMatch(/^cm_/);
	const listed = page.getByRole('listitem').filter({ hasText: 'iPhone Shortcut' });
	await expect(listed).toContainText('never used');

	// Use it the way an iPhone Shortcut does: a plain POST from outside the browser.
	const res = await fetch(`${baseURL}/api/queue`, {
		method: 'POST',
		headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
		body: JSON.stringify({ text: `Shared from Instagram ${site.origin}/Saffron-Buns` })
	});
	expect(res.status).toBe(201);

	await page.goto('/');
	await expect(page.getByRole('article').filter({ hasText: 'Saffron Buns' })).toBeVisible();
	await page.goto('/settings');
	await expect(listed).toContainText('last used');

	// Someone else, in a browser of their own, sees none of it.
	const other = await browser.newContext({ baseURL });
	const otherPage = await other.newPage();
	await otherPage.goto('/signup');
	await otherPage.getByLabel('Username').fill(`bob${suffix}`);
	await otherPage.getByLabel('Password').fill(password);
	await otherPage.getByRole('button', { name: 'Create account' }).click();
	await expect(otherPage.getByRole('heading', { name: 'Nothing here yet' })).toBeVisible();
	await expect(otherPage.getByText('Saffron Buns')).toHaveCount(0);
	await other.close();

	// Revoked, the token stops working at once.
	await page.getByRole('button', { name: 'Revoke iPhone Shortcut' }).click();
	await expect(page.getByText('No tokens yet.')).toBeVisible();
	const refused = await fetch(`${baseURL}/api/queue`, { headers: { authorization: `Bearer ${token}` } });
	expect(refused.status).toBe(401);
	await page.screenshot({ path: '.test-output/settings.png', fullPage: true });
});

test('a share while signed out goes through login and then lands on the dashboard', async ({ page }) => {
	const username = `sharer${Date.now().toString(36)}`;
	expect((await page.request.post('/api/auth/signup', { data: { username, password } })).status()).toBe(201);
	await page.request.post('/api/auth/logout');

	await page.goto(`/share?title=Pie&text=${encodeURIComponent(`Look ${site.origin}/Rhubarb-Pie`)}`);
	await expect(page).toHaveURL(/\/login\?redirectTo=/);
	await page.getByLabel('Username').fill(username);
	await page.getByLabel('Password').fill(password);
	await page.getByRole('button', { name: 'Log in' }).click();
	await expect(page).toHaveURL(/\/\?highlight=/);
	await expect(page.getByRole('article').filter({ hasText: 'Rhubarb Pie' })).toHaveClass(/highlighted/);
});
