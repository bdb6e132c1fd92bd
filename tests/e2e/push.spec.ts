import { expect, test, type Worker } from '@playwright/test';
import path from 'node:path';
import { browserSubscription, startPushService } from '../helpers/push-service';
import { pushCertDir } from '../../playwright.config';
import { recipeSite, signedInAs } from './fixtures';

let push: Awaited<ReturnType<typeof startPushService>>;
let site: Awaited<ReturnType<typeof recipeSite>>;
test.beforeAll(async () => {
	push = await startPushService({ key: path.join(pushCertDir, 'key.pem'), cert: path.join(pushCertDir, 'cert.pem') });
	site = await recipeSite();
});
test.afterAll(async () => {
	await push.close();
	await site.close();
});

test.use({ permissions: ['notifications'] });

// The bits of the service worker's global scope these tests evaluate there (this file has DOM types).
type ShownNotification = { title: string; body: string; tag: string };
type WorkerScope = { registration: { getNotifications(): Promise<ShownNotification[]> } };
declare const PushEvent: { new (type: 'push', init: { data: string }): Event };
declare const NotificationEvent: { new (type: 'notificationclick', init: { notification: ShownNotification; action?: string }): Event };

/**
 * Fires a push (with this payload) or a click (on the first notification, with this action) in
 * the service worker, and waits for what the handler waits on, so failures reach the test.
 */
function fire(worker: Worker, kind: 'push' | 'click', arg?: unknown): Promise<void> {
	return worker.evaluate(
		async ({ kind, arg }) => {
			const registration = (self as unknown as WorkerScope).registration;
			const event =
				kind === 'push'
					? new PushEvent('push', { data: JSON.stringify(arg) })
					: new NotificationEvent('notificationclick', { notification: (await registration.getNotifications())[0]!, action: arg as string | undefined });
			const waits: Promise<unknown>[] = [];
			Object.defineProperty(event, 'waitUntil', { value: (p: Promise<unknown>) => waits.push(p) });
			self.dispatchEvent(event);
			await Promise.all(waits);
		},
		{ kind, arg }
	);
}

const shown = (worker: Worker) =>
	worker.evaluate(async () => (await (self as unknown as WorkerScope).registration.getNotifications()).map((n) => [n.title, n.body, n.tag]));

test('enable notifications in Settings: the device subscribes with our key, and a test push reaches the push service', async ({ page, context }) => {
	await signedInAs(page, 'notified');
	// Headless Chromium has no push service of its own: PushManager hands out a subscription to ours,
	// with a key pair this test holds, so the server's real encrypted request can be read.
	const device = browserSubscription(`${push.origin}/push/e2e-${Date.now()}`);
	await context.addInitScript((sub) => {
		let current: unknown = null;
		const record = (window as unknown as { __subscribeKey?: number[] });
		PushManager.prototype.subscribe = async function (options?: PushSubscriptionOptionsInit) {
			record.__subscribeKey = Array.from(new Uint8Array(options!.applicationServerKey as ArrayBuffer));
			current = { endpoint: sub.endpoint, toJSON: () => sub, unsubscribe: async () => ((current = null), true) };
			return current as PushSubscription;
		};
		PushManager.prototype.getSubscription = async () => current as PushSubscription | null;
	}, device.json);

	await page.goto('/settings');
	const section = page.getByRole('region', { name: 'Notifications' });
	await expect(section.getByText('No device receives notifications yet.')).toBeVisible();
	await section.getByRole('button', { name: 'Enable notifications' }).click();
	await expect(section.getByRole('status').filter({ hasText: 'Notifications are on for this device.' })).toBeVisible();
	await expect(section.getByText('Chrome on Linux')).toBeVisible();

	const { publicKey } = await (await page.request.get('/api/notifications/vapid-key')).json();
	const usedKey = await page.evaluate(() => (window as unknown as { __subscribeKey: number[] }).__subscribeKey);
	expect(Buffer.from(usedKey).toString('base64url')).toBe(publicKey);

	await section.getByRole('button', { name: 'Send test' }).click();
	await expect(section.getByText('Sent a test to 1 device.')).toBeVisible();
	const request = await push.next((r) => r.path === new URL(device.json.endpoint).pathname);
	expect(device.decrypt(request.body)).toMatchObject({ kind: 'test', title: 'Cookmark notifications work' });

	await section.getByRole('button', { name: 'Remove Chrome on Linux' }).click();
	await expect(section.getByText('No device receives notifications yet.')).toBeVisible();
});

test('the service worker shows a push, and its Retry button retries the item and opens it', async ({ page, context }) => {
	await signedInAs(page, 'tapper');
	site.fail('Soda-Bread', 1);
	const { id } = await (await page.request.post('/api/queue', { data: { url: `${site.origin}/Soda-Bread` } })).json();
	await expect.poll(async () => (await (await page.request.get(`/api/queue/${id}`)).json()).status).toBe('error');

	await page.goto('/');
	await page.evaluate(async () => {
		await navigator.serviceWorker.ready;
	});
	if (!(await page.evaluate(() => navigator.serviceWorker.controller !== null))) await page.reload();
	const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));

	const message = {
		kind: 'item',
		title: "Couldn't import 127.0.0.1",
		body: '127.0.0.1 says this page does not exist (404)',
		url: `/?highlight=${id}`,
		tag: `item-${id}`,
		itemId: id,
		actions: [{ action: 'retry', title: 'Retry' }]
	};
	await fire(worker, 'push', message);
	expect(await shown(worker)).toEqual([[message.title, message.body, message.tag]]);

	await fire(worker, 'click', 'retry');
	await expect(page).toHaveURL(new RegExp(`/items/${id}$`));
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Soda Bread');

	// A plain tap (no button) opens the dashboard at the item.
	await fire(worker, 'push', { ...message, title: 'Recipe saved: Soda Bread', actions: [] });
	expect(await shown(worker)).toHaveLength(1);
	await fire(worker, 'click');
	await expect(page).toHaveURL(new RegExp(`/\\?highlight=${id}$`));
	await expect(page.locator(`#item-${id}`)).toHaveClass(/highlighted/);
});
