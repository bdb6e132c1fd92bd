import { expect, type Page } from '@playwright/test';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export const password = 'correct horse battery staple';

let counter = 0;
/** A fresh account for this test, signed in in the page's browser context (shared cookies). */
export async function signedInAs(page: Page, prefix = 'cook'): Promise<string> {
	const username = `${prefix}${Date.now().toString(36)}${counter++}`;
	const res = await page.request.post('/api/auth/signup', { data: { username, password } });
	expect(res.status()).toBe(201);
	return username;
}

/** A recipe site on 127.0.0.1: `/<slug>` answers a page titled after the slug, with a small image. */
export async function recipeSite() {
	const server = http.createServer((req, res) => {
		const path = new URL(req.url ?? '/', 'http://x').pathname;
		if (path.endsWith('.png')) {
			res.writeHead(200, { 'content-type': 'image/png' });
			res.end(Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64'));
			return;
		}
		const title = decodeURIComponent(path.slice(1)).replace(/-/g, ' ');
		res.writeHead(200, { 'content-type': 'text/html' });
		res.end(`<html><head><meta property="og:title" content="${title}"><meta property="og:image" content="/${path.slice(1)}.png"></head></html>`);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	return { origin, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
