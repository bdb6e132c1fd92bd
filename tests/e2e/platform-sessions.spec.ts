import { expect, test } from '@playwright/test';
import { signedInAs } from './fixtures';

/** Save, replace and remove an Instagram session in Settings; screenshots at 412×915, light and dark, in .test-output/platform-sessions/. */

const PHONE = { width: 412, height: 915 };
const SECRET = 'sessionid=4242%3Ae2eSecretValue%3A17';

test.use({ viewport: PHONE, isMobile: true, hasTouch: true, colorScheme: 'light' });

test('save an Instagram session, see only when it was saved, then remove it', async ({ page }) => {
	await signedInAs(page, 'session');
	await page.goto('/settings');
	const panel = page.getByRole('region', { name: 'Instagram and TikTok sessions' });
	const instagram = panel.getByTestId('session-instagram');
	await expect(instagram).toContainText('None saved.');

	// Not a login cookie: refused, in words, and nothing is saved.
	await instagram.getByLabel('Instagram session cookie').fill('csrftoken=abc');
	await instagram.getByRole('button', { name: 'Save' }).click();
	await expect(instagram.getByRole('alert')).toContainText('the Instagram login cookie (sessionid) is missing');

	await instagram.getByLabel('Instagram session cookie').fill(`Cookie: csrftoken=abc; ${SECRET}`);
	await instagram.getByRole('button', { name: 'Save' }).click();
	await expect(instagram.getByRole('status')).toContainText('Instagram session saved.');
	await expect(instagram).toContainText(/Saved .* · not used yet/);
	await expect(instagram.getByLabel('Replace the Instagram session')).toHaveValue('');
	await expect(panel.getByTestId('session-tiktok')).toContainText('None saved.');

	await page.reload();
	expect(await page.content()).not.toContain('e2eSecretValue');
	await panel.getByText('How to copy it').click();
	await page.screenshot({ path: '.test-output/platform-sessions/saved-light.png', fullPage: true });
	await panel.screenshot({ path: '.test-output/platform-sessions/panel-light.png' });
	await page.emulateMedia({ colorScheme: 'dark' });
	await page.screenshot({ path: '.test-output/platform-sessions/saved-dark.png', fullPage: true });
	await panel.screenshot({ path: '.test-output/platform-sessions/panel-dark.png' });
	await page.emulateMedia({ colorScheme: 'light' });

	await instagram.getByRole('button', { name: 'Remove the Instagram session' }).click();
	await expect(instagram.getByRole('status')).toContainText('Instagram session removed.');
	await expect(instagram).toContainText('None saved.');
	await expect(instagram.getByRole('button', { name: 'Remove the Instagram session' })).toHaveCount(0);
});
