import { expect, type Page } from '@playwright/test';
import http from 'node:http';
import sharp from 'sharp';
import type { AddressInfo } from 'node:net';
import { recipePage } from '../helpers/recipe-page';

export const password = 'correct horse battery staple';

let counter = 0;
/** A fresh account for this test, signed in in the page's browser context (shared cookies). */
export async function signedInAs(page: Page, prefix = 'cook'): Promise<string> {
	const username = `${prefix}${Date.now().toString(36)}${counter++}`;
	const res = await page.request.post('/api/auth/signup', { data: { username, password } });
	expect(res.status()).toBe(201);
	return username;
}

/** The admin, whom scripts/e2e-server.mjs signs up before any spec runs, signed in in the page's context. */
export async function signedInAsAdmin(page: Page): Promise<void> {
	const res = await page.request.post('/api/auth/login', { data: { username: 'admin', password } });
	expect(res.status()).toBe(200);
	expect((await res.json()).user.isAdmin).toBe(true);
}

/** Shares a link through the API and waits until its item is finished, whichever way it ends. */
export async function shareAndWait(page: Page, url: string): Promise<{ itemId: string; status: string; recipeId: string }> {
	const res = await page.request.post('/api/queue', { data: { url } });
	expect(res.status()).toBe(201);
	const { id } = await res.json();
	let item: { status: string; results?: { recipeId?: string } } = { status: 'pending' };
	await expect
		.poll(async () => (item = await (await page.request.get(`/api/queue/${id}`)).json()).status, { timeout: 20_000 })
		.toMatch(/^(success|error|dead)$/);
	return { itemId: id, status: item.status, recipeId: item.results?.recipeId ?? '' };
}

/**
 * A recipe site on 127.0.0.1: `/<slug>` answers a page titled after the slug, with a small image.
 * `hold(slug)` makes that page wait until `release(slug)`; `fail(slug, n)` answers 404 n times first.
 */
export async function recipeSite() {
	const held = new Map<string, { waiting: Array<() => void>; released: boolean }>();
	const failures = new Map<string, number>();
	const server = http.createServer(async (req, res) => {
		const path = new URL(req.url ?? '/', 'http://x').pathname;
		const slug = path.slice(1);
		const remaining = failures.get(slug) ?? 0;
		if (remaining > 0) {
			failures.set(slug, remaining - 1);
			res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>Not found</h1>');
			return;
		}
		const gate = held.get(slug);
		if (gate && !gate.released) await new Promise<void>((resolve) => gate.waiting.push(resolve));
		if (path.endsWith('.png')) {
			res.writeHead(200, { 'content-type': 'image/png' });
			res.end(Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64'));
			return;
		}
		const title = decodeURIComponent(path.slice(1)).replace(/-/g, ' ');
		res.writeHead(200, { 'content-type': 'text/html' });
		res.end(recipePage(title, `<meta property="og:image" content="/${path.slice(1)}.png">`));
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	return {
		origin,
		hold: (slug: string) => void held.set(slug, { waiting: [], released: false }),
		release: (slug: string) => {
			const gate = held.get(slug);
			if (!gate) return;
			gate.released = true;
			gate.waiting.splice(0).forEach((go) => go());
		},
		fail: (slug: string, times: number) => void failures.set(slug, times),
		close: () =>
			new Promise<void>((resolve) => {
				for (const slug of held.keys()) held.get(slug)!.waiting.splice(0).forEach((go) => go());
				server.closeAllConnections();
				server.close(() => resolve());
			})
	};
}

/** Waits until the service worker controls the page (a first visit is not controlled until a reload). */
export async function controlled(page: Page): Promise<void> {
	await page.evaluate(async () => {
		await navigator.serviceWorker.ready;
	});
	if (!(await page.evaluate(() => navigator.serviceWorker.controller !== null))) await page.reload();
	await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
}

/** What a pictures item ends with on the browser tests' server, which has no chat model. */
export const NEEDS_VISION = /needs a chat model that reads pictures: set LLM_API_BASE_URL/;

/** A recipe card (a phone screenshot's size, PNG) and a dish photo (JPEG), as people share them. */
export async function sharedPictures(): Promise<{ card: Buffer; photo: Buffer }> {
	const [card, photo] = await Promise.all([
		sharp({ create: { width: 412, height: 915, channels: 3, background: '#f5f0e0' } }).png().toBuffer(),
		sharp({ create: { width: 800, height: 600, channels: 3, background: '#8030a0' } }).jpeg().toBuffer()
	]);
	return { card, photo };
}

/**
 * Posts a share-target form (multipart: fields and `images` files) from the page, as a navigation:
 * what the system's share sheet sends, made by a page of the app's own origin.
 */
export async function postShareForm(page: Page, fields: Record<string, string>, pictures: { name: string; mimeType: string; buffer: Buffer }[]) {
	await page.evaluate((fields) => {
		const form = Object.assign(document.createElement('form'), { method: 'POST', action: '/share', enctype: 'multipart/form-data' });
		for (const [name, value] of Object.entries(fields)) form.append(Object.assign(document.createElement('input'), { type: 'hidden', name, value }));
		form.append(Object.assign(document.createElement('input'), { type: 'file', name: 'images', multiple: true, id: 'shared-files' }));
		document.body.append(form);
	}, fields);
	if (pictures.length) await page.setInputFiles('#shared-files', pictures);
	await page.evaluate(() => (document.getElementById('shared-files') as HTMLInputElement).form!.submit());
}
