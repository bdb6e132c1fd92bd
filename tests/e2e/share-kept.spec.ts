import { expect, test, type Page } from '@playwright/test';
import { controlled, NEEDS_VISION, password, postShareForm, sharedPictures, signedInAs } from './fixtures';

/**
 * Shares the server cannot take yet, with the service worker in between (real Chromium, the
 * worker's IndexedDB): pictures shared while signed out or offline are kept on the device and
 * sent once the person signs in or is back online; one the server then refuses says why.
 * The share target's POST is made by a form of the app's own page, which the worker intercepts
 * as it intercepts the system's share sheet (the launch's own headers are covered, without the
 * worker, in share-pictures.spec.ts).
 */

let CARD: Buffer;
let PHOTO: Buffer;
test.beforeAll(async () => {
	({ card: CARD, photo: PHOTO } = await sharedPictures());
});

/** How many shares the worker keeps on the device. */
function keptShares(page: Page): Promise<number> {
	return page.evaluate(
		() =>
			new Promise<number>((resolve, reject) => {
				const open = indexedDB.open('cookmark', 1);
				open.onerror = () => reject(open.error);
				open.onsuccess = () => {
					const count = open.result.transaction('shares').objectStore('shares').count();
					count.onsuccess = () => {
						open.result.close();
						resolve(count.result);
					};
				};
			})
	);
}

/** A fresh account's dashboard, controlled by the service worker; answers the username. */
async function onTheWorker(page: Page, prefix: string): Promise<string> {
	const username = await signedInAs(page, prefix);
	await page.goto('/');
	await controlled(page);
	return username;
}

async function logIn(page: Page, username: string) {
	await page.getByLabel('Username').fill(username);
	await page.getByLabel('Password').fill(password);
	await page.getByRole('button', { name: 'Log in' }).click();
}

async function picturesItems(page: Page): Promise<{ id: string; label: string; kind: string; status: string }[]> {
	const list = await (await page.request.get('/api/queue')).json();
	return list.items.filter((i: { kind: string }) => i.kind === 'images');
}

test('signed in and online, a share passes through the worker to the server, which queues it', async ({ page }) => {
	await onTheWorker(page, 'keptnot');
	await postShareForm(page, { title: 'Tart' }, [{ name: 'card.png', mimeType: 'image/png', buffer: CARD }]);
	await expect(page).toHaveURL(/\/\?highlight=[0-9a-f-]{36}$/);
	await expect(page.locator(`#item-${new URL(page.url()).searchParams.get('highlight')}`).getByText(NEEDS_VISION)).toBeVisible({ timeout: 20_000 });
	expect(await keptShares(page)).toBe(0);
});

test('pictures shared while signed out are kept on the device and sent once the person signs in', async ({ page }) => {
	const username = await onTheWorker(page, 'keptsignedout');
	await page.context().clearCookies();

	await postShareForm(page, { title: 'Tart' }, [
		{ name: 'card.png', mimeType: 'image/png', buffer: CARD },
		{ name: 'dish.jpg', mimeType: 'image/jpeg', buffer: PHOTO }
	]);
	await expect(page.getByRole('heading', { name: 'Sign in to save this' })).toBeVisible();
	await expect(page.getByRole('status')).toHaveText('The 2 pictures are kept on this device and sent to Cookmark once you sign in.');
	expect(await keptShares(page)).toBe(1);

	await page.getByRole('link', { name: 'Sign in' }).click();
	await logIn(page, username);
	await expect(page).toHaveURL(/\/$/);
	// Sent by the worker once signed in: the item appears live, with the pictures the person shared.
	const card = page.getByRole('article').filter({ hasText: '2 pictures' });
	await expect(card.getByText(NEEDS_VISION)).toBeVisible({ timeout: 20_000 });
	const items = await picturesItems(page);
	expect(items).toHaveLength(1);
	expect(items[0]).toMatchObject({ label: '2 pictures', status: 'error' });
	expect(await keptShares(page)).toBe(0);
});

test('pictures shared offline are kept, and sent when the app is open and online again', async ({ page, context }) => {
	await onTheWorker(page, 'keptoffline');

	await context.setOffline(true);
	await postShareForm(page, {}, [{ name: 'card.png', mimeType: 'image/png', buffer: CARD }]);
	await expect(page.getByRole('heading', { name: 'Saved' })).toBeVisible();
	await expect(page.getByRole('status')).toHaveText('The picture will be sent to Cookmark when you are back online.');
	expect(await keptShares(page)).toBe(1);

	await context.setOffline(false);
	await page.goto('/');
	await expect(page.getByRole('article').filter({ hasText: '1 picture' }).getByText(NEEDS_VISION)).toBeVisible({ timeout: 20_000 });
	expect(await picturesItems(page)).toHaveLength(1);
	expect(await keptShares(page)).toBe(0);
});

test('a kept share the server refuses when it is sent says why, and is no longer kept', async ({ page }) => {
	const username = await onTheWorker(page, 'keptrefused');
	await page.context().clearCookies();

	await postShareForm(page, {}, [{ name: 'notes.png', mimeType: 'image/png', buffer: Buffer.from('these are not pixels') }]);
	await expect(page.getByRole('heading', { name: 'Sign in to save this' })).toBeVisible();
	await page.getByRole('link', { name: 'Sign in' }).click();
	await logIn(page, username);
	await expect(page.getByRole('alert').filter({ hasText: 'A share kept on this device was not saved' })).toContainText(
		'“notes.png” was refused: it is not a JPEG, PNG, WebP, GIF, AVIF or HEIC picture'
	);
	expect(await keptShares(page)).toBe(0);
	expect(await picturesItems(page)).toHaveLength(0);
	await page.getByRole('button', { name: 'Dismiss' }).click();
	await expect(page.getByRole('alert').filter({ hasText: 'A share kept on this device' })).toHaveCount(0);
});
