import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError } from '../helpers/api-error';
import { RecipeDetail } from '../../src/lib/contract/library';
import { html, startHttpServer, type Route } from '../helpers/http-server';
import { startMealieServer } from '../helpers/mealie-server';
import { recipePage } from '../helpers/recipe-page';
import { serverStorage, startServer, waitForItem, type Account, type ServerProcess, type ServerStorage } from '../helpers/server';
import { startTandoorServer } from '../helpers/tandoor-server';

const TANDOOR_TOKEN = 'tda_0123456789abcdef';
const MEALIE_TOKEN = 'mealie-jwt';

let site: Awaited<ReturnType<typeof startHttpServer>>;
let tandoor: Awaited<ReturnType<typeof startTandoorServer>>;
let mealie: Awaited<ReturnType<typeof startMealieServer>>;
let storage: ServerStorage;
let server: ServerProcess;
const accounts: Record<'alice' | 'bob' | 'carol' | 'dave', Account> = {} as never;

const as = (who: keyof typeof accounts) => ({ authorization: `Bearer ${accounts[who].token}` });
const jpeg = (width: number, height: number, background: string) => sharp({ create: { width, height, channels: 3, background } }).jpeg().toBuffer();
const picture = (bytes: Buffer): Route => (_req, res) => void res.writeHead(200, { 'content-type': 'image/jpeg' }).end(bytes);
const page = (title: string, image: string) => html(recipePage(title, `<meta property="og:image" content="${image}">`));
const downloads = (path: string) => site.hits.filter((p) => p === path).length;

interface Results {
	recipeId: string;
	image: string | null;
	imageUrl: string | null;
	thumbnailUrl: string | null;
	target: { kind: string; remoteId: string; imageSet: boolean; notes?: string[] } | null;
}

/** Shares a fixture page as this person and waits for its item to succeed. */
async function share(who: keyof typeof accounts, path: string): Promise<Results> {
	// waitForItem reads the item with the server's token.
	server.token = accounts[who].token;
	const res = await server.api('/api/queue', { method: 'POST', json: { url: `${site.origin}${path}` } });
	expect(res.status).toBe(201);
	const { id } = (await res.json()) as { id: string };
	const done = await waitForItem<{ status: string; results: Results }>(server, id, (i) => i.status === 'success' || i.status === 'error' || i.status === 'dead');
	expect(done.status).toBe('success');
	return done.results;
}

async function fetchPicture(url: string, headers: Record<string, string>) {
	const res = await server.api(url, { headers });
	return { res, bytes: Buffer.from(await res.arrayBuffer()) };
}

beforeAll(async () => {
	const [pie, tart, cake] = await Promise.all([jpeg(2000, 1500, '#d08040'), jpeg(1200, 900, '#a03030'), jpeg(900, 1200, '#f0e0c0')]);
	site = await startHttpServer({
		'/pie': page("Grandma's Apple Pie", '/img/pie.jpg'),
		'/img/pie.jpg': picture(pie),
		'/soup': page('Tomato Soup', '/img/gone.jpg'),
		'/tart': page('Cherry Tart', '/img/tart.jpg'),
		'/img/tart.jpg': picture(tart),
		'/cake': page('Sponge Cake', '/img/cake.jpg'),
		'/img/cake.jpg': picture(cake)
	});
	[tandoor, mealie] = await Promise.all([startTandoorServer({ token: TANDOOR_TOKEN }), startMealieServer({ token: MEALIE_TOKEN })]);
	storage = await serverStorage();
	server = await startServer(storage, { SECRET_KEY: 'k'.repeat(40) });
	accounts.alice = await server.signUp('alice');
	for (const username of ['bob', 'carol', 'dave'] as const) {
		const made = await server.api('/api/users', { method: 'POST', json: { username, password: 'correct horse battery staple' }, headers: as('alice') });
		expect(made.status).toBe(201);
		accounts[username] = await server.signUp(username);
	}
	const carol = await server.api('/api/targets', { method: 'PUT', json: { kind: 'tandoor', baseUrl: tandoor.origin, token: TANDOOR_TOKEN }, headers: as('carol') });
	const dave = await server.api('/api/targets', { method: 'PUT', json: { kind: 'mealie', baseUrl: mealie.origin, token: MEALIE_TOKEN }, headers: as('dave') });
	expect([carol.status, dave.status]).toEqual([200, 200]);
});

afterAll(async () => {
	await server?.stop();
	await Promise.all([storage?.cleanup(), site?.close(), tandoor?.close(), mealie?.close()]);
});

describe('a shared recipe’s picture, kept by Cookmark', () => {
	let pie: Results;
	beforeAll(async () => {
		pie = await share('alice', '/pie');
	});

	it('is downloaded once, and the item and the library point at Cookmark’s copy', async () => {
		expect(downloads('/img/pie.jpg')).toBe(1);
		expect(pie.image).toBe(`${site.origin}/img/pie.jpg`);
		expect(pie.imageUrl).toMatch(new RegExp(`^/api/recipes/${pie.recipeId}/picture\\?size=full&v=[\\w-]{16}$`));
		expect(pie.thumbnailUrl).toBe(pie.imageUrl!.replace('size=full', 'size=thumb'));
		const detail = RecipeDetail.parse(await (await server.api(`/api/recipes/${pie.recipeId}`, { headers: as('alice') })).json());
		expect(detail).toMatchObject({ imageUrl: pie.imageUrl, thumbnailUrl: pie.thumbnailUrl, sourceImageUrl: `${site.origin}/img/pie.jpg` });
	});

	it('is served in both sizes, as WebP, privately cached with an ETag', async () => {
		for (const [url, width, height] of [
			[pie.imageUrl!, 1600, 1200],
			[pie.thumbnailUrl!, 533, 400]
		] as const) {
			const { res, bytes } = await fetchPicture(url, as('alice'));
			expect(res.status).toBe(200);
			expect(res.headers.get('content-type')).toBe('image/webp');
			expect(res.headers.get('cache-control')).toMatch(/^private, max-age=\d+$/);
			expect(res.headers.get('etag')).toMatch(/^"[\w-]{43}"$/);
			expect(Number(res.headers.get('content-length'))).toBe(bytes.length);
			const meta = await sharp(bytes).metadata();
			expect([meta.format, meta.width, meta.height]).toEqual(['webp', width, height]);
		}
		// Without a size, the full one; the version in the URL is only for caches.
		const plain = await fetchPicture(`/api/recipes/${pie.recipeId}/picture`, as('alice'));
		expect(plain.bytes.equals((await fetchPicture(pie.imageUrl!, as('alice'))).bytes)).toBe(true);
		expect(downloads('/img/pie.jpg')).toBe(1);
	});

	it('answers If-None-Match with a 304 and no body while the ETag holds', async () => {
		const first = await fetchPicture(pie.thumbnailUrl!, as('alice'));
		const etag = first.res.headers.get('etag')!;
		for (const held of [etag, `W/${etag}`, `"other", ${etag}`, '*']) {
			const again = await fetchPicture(pie.thumbnailUrl!, { ...as('alice'), 'if-none-match': held });
			expect(again.res.status, held).toBe(304);
			expect(again.bytes.length).toBe(0);
			expect(again.res.headers.get('etag')).toBe(etag);
			expect(again.res.headers.get('cache-control')).toMatch(/^private/);
		}
		// The full size has an ETag of its own.
		const full = await fetchPicture(pie.imageUrl!, { ...as('alice'), 'if-none-match': etag });
		expect(full.res.status).toBe(200);
		expect(full.bytes.length).toBeGreaterThan(first.bytes.length);
	});

	it('is no one else’s: another person, a missing recipe and a bad id get the same 404; no one signed in a 401', async () => {
		const missing = '00000000-0000-4000-8000-000000000000';
		for (const path of [pie.imageUrl!, pie.thumbnailUrl!, `/api/recipes/${missing}/picture`, '/api/recipes/not-an-id/picture']) {
			const headers = path.includes(pie.recipeId) ? as('bob') : as('alice');
			const body = await expectError(await server.api(path, { headers }), 404, 'not_found');
			expect(body.error.message).toBe('no such recipe');
		}
		await expectError(await server.api(pie.imageUrl!, { auth: false }), 401, 'unauthorized');
		await expectError(await server.api(`/api/recipes/${pie.recipeId}/picture?size=huge`, { headers: as('alice') }), 400, 'validation_failed');
		const post = await server.api(pie.imageUrl!, { method: 'POST', headers: as('alice') });
		expect([post.status, post.headers.get('allow')]).toEqual([405, 'GET']);
	});

	it('the pages show it: the thumbnail in the library, the full size on the recipe page', async () => {
		const cookie = { cookie: accounts.alice.cookie };
		const library = await (await server.api('/recipes', { headers: cookie })).text();
		expect(library).toContain(`src="${pie.thumbnailUrl!.replace('&', '&amp;')}"`);
		const recipe = await (await server.api(`/recipes/${pie.recipeId}`, { headers: cookie })).text();
		expect(recipe).toContain(`src="${pie.imageUrl!.replace('&', '&amp;')}"`);
	});
});

describe('a picture that cannot be had', () => {
	it('never fails the item: the recipe is saved with the site’s link and no kept copy', async () => {
		const soup = await share('alice', '/soup');
		const link = `${site.origin}/img/gone.jpg`;
		expect(downloads('/img/gone.jpg')).toBe(1);
		expect(soup).toMatchObject({ image: link, imageUrl: link, thumbnailUrl: link });
		const detail = RecipeDetail.parse(await (await server.api(`/api/recipes/${soup.recipeId}`, { headers: as('alice') })).json());
		expect(detail).toMatchObject({ title: 'Tomato Soup', imageUrl: link, thumbnailUrl: link, sourceImageUrl: link });
		await expectError(await server.api(`/api/recipes/${soup.recipeId}/picture`, { headers: as('alice') }), 404, 'no_picture');
	});
});

describe('targets are sent the kept picture', () => {
	it('Tandoor gets the kept full size’s bytes, without a second download; sending again downloads nothing', async () => {
		const tart = await share('carol', '/tart');
		expect(tart.target).toMatchObject({ kind: 'tandoor', imageSet: true });
		const kept = await fetchPicture(tart.imageUrl!, as('carol'));
		expect(kept.res.status).toBe(200);
		const received = tandoor.pictures.get(Number(tart.target!.remoteId));
		expect(received && received.equals(kept.bytes)).toBe(true);
		expect(downloads('/img/tart.jpg')).toBe(1);

		// A copy deleted on Tandoor is made again from the library, picture and all, from the kept bytes.
		tandoor.recipes.clear();
		const sent = await server.api(`/api/recipes/${tart.recipeId}/send`, { method: 'POST', headers: as('carol') });
		expect(sent.status).toBe(200);
		const link = (await sent.json()) as { remoteId: string; imageSet: boolean };
		expect(link).toMatchObject({ imageSet: true });
		expect(link.remoteId).not.toBe(tart.target!.remoteId);
		expect(tandoor.pictures.get(Number(link.remoteId))!.equals(kept.bytes)).toBe(true);
		expect(downloads('/img/tart.jpg')).toBe(1);
	});

	it('Mealie gets the kept full size’s bytes, without a second download', async () => {
		const cake = await share('dave', '/cake');
		expect(cake.target).toMatchObject({ kind: 'mealie', remoteId: 'sponge-cake', imageSet: true });
		const kept = await fetchPicture(cake.imageUrl!, as('dave'));
		const id = mealie.recipes.get('sponge-cake')!.id;
		// The file Mealie serves, as the client checked it after the upload.
		const served = await fetch(`${mealie.origin}/api/media/recipes/${id}/images/original.webp`);
		expect(served.status).toBe(200);
		expect(Buffer.from(await served.arrayBuffer()).equals(kept.bytes)).toBe(true);
		expect((await sharp(kept.bytes).metadata()).height).toBe(1200);
		expect(downloads('/img/cake.jpg')).toBe(1);
	});
});
