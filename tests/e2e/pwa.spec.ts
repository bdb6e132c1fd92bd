import { expect, test, type Page } from '@playwright/test';
import { controlled, recipeSite, signedInAs } from './fixtures';

let site: Awaited<ReturnType<typeof recipeSite>>;
test.beforeAll(async () => {
	site = await recipeSite();
});
test.afterAll(() => site.close());

function pngSize(bytes: Buffer): [number, number] {
	expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
	return [bytes.readUInt32BE(16), bytes.readUInt32BE(20)];
}

test('the manifest is valid, with real icons and a share target', async ({ page, request }) => {
	await page.goto('/login');
	const href = await page.locator('link[rel="manifest"]').getAttribute('href');
	const res = await request.get(href!);
	expect(res.ok()).toBe(true);
	expect(res.headers()['content-type']).toMatch(/application\/manifest\+json/);
	const manifest = await res.json();
	expect(manifest).toMatchObject({
		name: 'Cookmark',
		short_name: 'Cookmark',
		display: 'standalone',
		start_url: '/',
		scope: '/',
		share_target: {
			action: '/share',
			method: 'POST',
			enctype: 'multipart/form-data',
			params: { title: 'title', text: 'text', url: 'url', files: [{ name: 'images', accept: expect.arrayContaining(['image/*']) }] }
		}
	});
	expect(manifest.description.length).toBeGreaterThan(10);
	expect(manifest.theme_color).toMatch(/^#[0-9a-f]{6}$/i);
	expect(manifest.background_color).toMatch(/^#[0-9a-f]{6}$/i);
	const sizes = new Set<string>();
	for (const icon of manifest.icons) {
		const file = await request.get(icon.src);
		expect(file.headers()['content-type']).toBe('image/png');
		const [w, h] = pngSize(await file.body());
		expect(`${w}x${h}`).toBe(icon.sizes);
		sizes.add(`${icon.sizes} ${icon.purpose}`);
	}
	expect(sizes).toEqual(new Set(['192x192 any', '512x512 any', '512x512 maskable']));
});

test('the service worker controls the page, and the app opens offline', async ({ page, context }) => {
	await signedInAs(page, 'offline');
	await page.goto('/');
	await controlled(page);
	await page.reload(); // now served through the worker, so this page is kept for offline use

	await context.setOffline(true);
	await page.reload();
	await expect(page.getByLabel('Add a recipe link')).toBeVisible();
	await expect(page.getByRole('status').filter({ hasText: 'Offline' })).toBeVisible();
	// A page never visited before: the offline page, not the browser's error.
	await page.goto('/settings');
	await expect(page.getByRole('heading', { name: 'You are offline' })).toBeVisible();
	await context.setOffline(false);
});

test('a link shared while offline is kept and reaches the queue once back online', async ({ page, context }) => {
	await signedInAs(page, 'commuter');
	await page.goto('/');
	await controlled(page);

	await context.setOffline(true);
	await page.goto(`/share?title=Bread&text=${encodeURIComponent(`Try this ${site.origin}/Tunnel-Bread`)}`);
	await expect(page.getByRole('heading', { name: 'Saved' })).toBeVisible();
	await expect(page.getByRole('status')).toHaveText('It will be sent to Cookmark when you are back online.');
	const kept = await page.evaluate(
		() =>
			new Promise<number>((resolve) => {
				const open = indexedDB.open('cookmark', 1);
				open.onsuccess = () => {
					const count = open.result.transaction('shares').objectStore('shares').count();
					count.onsuccess = () => resolve(count.result);
				};
			})
	);
	expect(kept).toBe(1);

	await context.setOffline(false);
	await page.goto('/');
	await expect(page.getByRole('article').filter({ hasText: 'Tunnel Bread' }).getByText('Saved')).toBeVisible({ timeout: 15_000 });
	// Sent once, and no longer kept.
	const list = await (await page.request.get('/api/queue')).json();
	expect(list.items.filter((i: { url: string }) => i.url === `${site.origin}/Tunnel-Bread`)).toHaveLength(1);
});

test('where the browser offers installing, the dashboard says why and installs from a tap; "Not now" is remembered', async ({ page }) => {
	await signedInAs(page);
	await page.goto('/');
	await expect(page.getByRole('status').filter({ hasText: 'Live' })).toBeVisible();
	await expect(page.getByRole('heading', { name: 'Install Cookmark' })).toHaveCount(0);
	// Chrome's event, as it fires once the app is installable: the page keeps it for a click.
	await page.evaluate(() => {
		const event = Object.assign(new Event('beforeinstallprompt', { cancelable: true }), {
			prompt: async () => void ((window as unknown as { prompted: number }).prompted = 1),
			userChoice: Promise.resolve({ outcome: 'dismissed' })
		});
		window.dispatchEvent(event);
	});
	const hint = page.getByRole('complementary', { name: 'Install Cookmark' });
	await expect(hint).toContainText('Share menu');
	await hint.getByRole('button', { name: 'Install' }).click();
	expect(await page.evaluate(() => (window as unknown as { prompted?: number }).prompted)).toBe(1);
	await hint.getByRole('button', { name: 'Not now' }).click();
	await expect(hint).toHaveCount(0);
	await page.reload();
	await page.evaluate(() => window.dispatchEvent(Object.assign(new Event('beforeinstallprompt', { cancelable: true }), { prompt: async () => {}, userChoice: Promise.resolve({ outcome: 'dismissed' }) })));
	await expect(page.getByRole('status').filter({ hasText: 'Live' })).toBeVisible();
	await expect(page.getByRole('heading', { name: 'Install Cookmark' })).toHaveCount(0);
});
