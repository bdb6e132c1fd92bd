import { expect, test, type Page } from '@playwright/test';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { NEEDS_VISION, password, sharedPictures, signedInAs } from './fixtures';

/**
 * Pictures of a recipe in real Chromium: the installed app's share target (a POST navigation the
 * browser makes itself, multipart, as manifest.webmanifest asks) and the dashboard's Add pictures
 * button and drop area. The browser tests' server has no chat model, so the items end with the
 * note saying how to set one up (the saved recipe is covered in tests/db and tests/api).
 */

// The launch is made POST by routing the navigation, which a service worker's own fetch would bypass.
test.use({ serviceWorkers: 'block' });

let CARD: Buffer;
let PHOTO: Buffer;
test.beforeAll(async () => {
	({ card: CARD, photo: PHOTO } = await sharedPictures());
});

/** A multipart body as the share target sends it: the params it names, then the files under `images`. */
function shareBody(fields: Record<string, string>, files: { name: string; type: string; bytes: Buffer }[]) {
	const boundary = `----CookmarkShare${Date.now().toString(16)}`;
	const parts: Buffer[] = [];
	for (const [name, value] of Object.entries(fields)) {
		parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
	}
	for (const f of files) {
		parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="images"; filename="${f.name}"\r\nContent-Type: ${f.type}\r\n\r\n`), f.bytes, Buffer.from('\r\n'));
	}
	parts.push(Buffer.from(`--${boundary}--\r\n`));
	return { body: Buffer.concat(parts), type: `multipart/form-data; boundary=${boundary}` };
}

/**
 * Launches /share the way Chrome launches a share target: a navigation the browser starts itself
 * (Sec-Fetch-Site: none, no Origin, the person's cookies), turned into the POST with the shared
 * form. Answers the headers the server got.
 */
async function launchShareTarget(page: Page, fields: Record<string, string>, files: { name: string; type: string; bytes: Buffer }[]) {
	const { body, type } = shareBody(fields, files);
	await page.route('**/share', (route) => route.continue({ method: 'POST', postData: body, headers: { ...route.request().headers(), 'content-type': type } }), { times: 1 });
	// The headers as sent on the wire, with what the browser's network stack added (DevTools sees them; Playwright's request does not).
	const cdp = await page.context().newCDPSession(page);
	await cdp.send('Network.enable');
	const sent: Record<string, string>[] = [];
	cdp.on('Network.requestWillBeSentExtraInfo', (e) => {
		const headers = Object.fromEntries(Object.entries(e.headers).map(([k, v]) => [k.toLowerCase(), String(v)]));
		if (headers[':path'] === '/share' || headers['content-type']?.startsWith('multipart/form-data')) sent.push(headers);
	});
	await page.goto('/share');
	await cdp.detach();
	return sent[0] ?? {};
}

async function itemOf(page: Page, id: string) {
	return (await page.request.get(`/api/queue/${id}`)).json() as Promise<{ status: string; kind: string; url: string | null; label: string; error: { code: string; message: string } | null }>;
}

test('the share target takes pictures posted by the browser: one item, which says it needs a vision model', async ({ page }) => {
	await signedInAs(page, 'sharepics');
	const headers = await launchShareTarget(page, { title: 'Crumble' }, [
		{ name: 'Screenshot_20260101.png', type: 'image/png', bytes: CARD },
		{ name: 'IMG_0001.jpg', type: 'image/jpeg', bytes: PHOTO }
	]);
	// The launch as the server saw it: the browser's own navigation, not a page's.
	expect(headers['sec-fetch-site']).toBe('none');
	expect(headers.origin ?? 'null').toBe('null');

	await expect(page).toHaveURL(/\/\?highlight=[0-9a-f-]{36}$/);
	const id = new URL(page.url()).searchParams.get('highlight')!;
	const card = page.locator(`#item-${id}`);
	await expect(card).toBeVisible();
	await expect(card.getByText(NEEDS_VISION)).toBeVisible({ timeout: 20_000 });
	const item = await itemOf(page, id);
	expect(item).toMatchObject({ status: 'error', kind: 'images', url: null, label: '2 pictures', error: { code: 'no_vision' } });
	await expect(card.getByText('2 pictures')).toBeVisible();

	// The same pictures again once their item has failed: shared anew (a failed item keeps no one from trying again).
	await launchShareTarget(page, {}, [
		{ name: 'a.png', type: 'image/png', bytes: CARD },
		{ name: 'b.jpg', type: 'image/jpeg', bytes: PHOTO }
	]);
	await expect(page).toHaveURL(/\/\?highlight=/);
	expect(new URL(page.url()).searchParams.get('highlight')).not.toBe(id);
});

test('the share target still takes a link, and says what was wrong with a file that is no picture', async ({ page }) => {
	await signedInAs(page, 'sharelink');
	await launchShareTarget(page, { title: 'Soup', text: 'Look at this http://127.0.0.1:9/Pea-Soup' }, []);
	await expect(page).toHaveURL(/\/\?highlight=/);
	const item = await itemOf(page, new URL(page.url()).searchParams.get('highlight')!);
	expect(item.url).toBe('http://127.0.0.1:9/Pea-Soup');

	await launchShareTarget(page, {}, [{ name: 'notes.png', type: 'image/png', bytes: Buffer.from('these are not pixels') }]);
	await expect(page.getByRole('heading', { name: 'Pictures not saved' })).toBeVisible();
	await expect(page.getByText('“notes.png” was refused: it is not a JPEG, PNG, WebP, GIF, AVIF or HEIC picture')).toBeVisible();
});

test('signed out, a shared link rides through signing in; pictures, without a service worker, are asked for again', async ({ page }) => {
	const username = await signedInAs(page, 'sharesignedout');
	await page.context().clearCookies();
	await launchShareTarget(page, { title: 'Stew', text: 'Try http://127.0.0.1:9/Bean-Stew' }, []);
	await expect(page).toHaveURL(/\/login\?redirectTo=/);
	await page.getByLabel('Username').fill(username);
	await page.getByLabel('Password').fill(password);
	await page.getByRole('button', { name: 'Log in' }).click();
	await expect(page).toHaveURL(/\/\?highlight=[0-9a-f-]{36}$/);
	const item = await itemOf(page, new URL(page.url()).searchParams.get('highlight')!);
	expect(item).toMatchObject({ kind: 'link', url: 'http://127.0.0.1:9/Bean-Stew' });

	await page.context().clearCookies();
	const answer = page.waitForResponse((r) => r.url().endsWith('/share') && r.request().method() === 'POST');
	await launchShareTarget(page, {}, [
		{ name: 'a.png', type: 'image/png', bytes: CARD },
		{ name: 'b.jpg', type: 'image/jpeg', bytes: PHOTO }
	]);
	expect((await answer).status()).toBe(401);
	await expect(page.getByRole('heading', { name: 'Sign in to save this' })).toBeVisible();
	await expect(page.getByRole('alert')).toHaveText(/the 2 pictures could not be kept\. Sign in, then share them again\./);
	await expect(page.getByRole('link', { name: 'Sign in' })).toHaveAttribute('href', '/login');
});

test("another site's form cannot post pictures to the share target", async ({ page, baseURL }) => {
	await signedInAs(page, 'csrfpics');
	const before = (await (await page.request.get('/api/queue?limit=1')).json()).total;
	// A page on another site (localhost is not 127.0.0.1's site) that builds a file and submits a form to /share.
	const evil = http.createServer((_req, res) => {
		res.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html><form method="POST" action="${baseURL}/share" enctype="multipart/form-data">
			<input type="file" name="images"><input name="text" value="x"></form>
			<script>const dt = new DataTransfer(); dt.items.add(new File([new Uint8Array([255, 216, 255, 224])], 'x.jpg', { type: 'image/jpeg' }));
			document.querySelector('input[type=file]').files = dt.files; document.forms[0].submit();</script>`);
	});
	await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
	try {
		const answer = page.waitForResponse((r) => r.url() === `${baseURL}/share` && r.request().method() === 'POST');
		await page.goto(`http://localhost:${(evil.address() as AddressInfo).port}/`);
		const res = await answer;
		expect(res.status()).toBe(403);
		expect(await res.request().headerValue('sec-fetch-site')).toBe('cross-site');
		await expect(page.getByText('Cross-site POST form submissions are forbidden')).toBeVisible();
	} finally {
		evil.close();
	}
	expect((await (await page.request.get('/api/queue?limit=1')).json()).total).toBe(before);
});

test('the dashboard takes pictures from its button and from a drop, with clear problems', async ({ page }) => {
	await signedInAs(page, 'uploadpics');
	await page.goto('/');
	const chooser = page.getByLabel('Add pictures');
	await chooser.setInputFiles([
		{ name: 'card.png', mimeType: 'image/png', buffer: CARD },
		{ name: 'dish.jpg', mimeType: 'image/jpeg', buffer: PHOTO }
	]);
	await expect(page).toHaveURL(/\/\?highlight=[0-9a-f-]{36}$/);
	const id = new URL(page.url()).searchParams.get('highlight')!;
	await expect(page.locator(`#item-${id}`).getByText(NEEDS_VISION)).toBeVisible({ timeout: 20_000 });

	// A file that claims to be a picture and is not: the server's reason, announced.
	await chooser.setInputFiles({ name: 'fake.png', mimeType: 'image/png', buffer: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>') });
	await expect(page.getByRole('alert')).toHaveText('“fake.png” was refused: it is not a JPEG, PNG, WebP, GIF, AVIF or HEIC picture');
	// Too many for one recipe: said before anything is sent.
	await chooser.setInputFiles(Array.from({ length: 11 }, (_, i) => ({ name: `${i}.jpg`, mimeType: 'image/jpeg', buffer: PHOTO })));
	await expect(page.getByRole('alert')).toHaveText('Choose at most 10 pictures for one recipe.');

	// Dropped on the add area: a picture drawn in the page, as a file dragged from the desktop arrives.
	const drop = await page.evaluateHandle(async () => {
		const canvas = Object.assign(document.createElement('canvas'), { width: 320, height: 240 });
		const g = canvas.getContext('2d')!;
		g.fillStyle = '#20a040';
		g.fillRect(0, 0, 320, 240);
		const blob = await new Promise<Blob>((resolve) => canvas.toBlob((b) => resolve(b!), 'image/png'));
		const data = new DataTransfer();
		data.items.add(new File([blob], 'dropped.png', { type: 'image/png' }));
		return data;
	});
	const area = page.getByLabel('Add a recipe link');
	await area.dispatchEvent('dragover', { dataTransfer: drop });
	await area.dispatchEvent('drop', { dataTransfer: drop });
	await expect(page).not.toHaveURL(new RegExp(`highlight=${id}`));
	const dropped = new URL(page.url()).searchParams.get('highlight')!;
	await expect(page.locator(`#item-${dropped}`).getByText(NEEDS_VISION)).toBeVisible({ timeout: 20_000 });
});
