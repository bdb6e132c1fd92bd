import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { RecipeDetail } from '../../src/lib/contract/library';
import { AlreadySaved, Item } from '../../src/lib/contract/queue';
import type { RecipeDraft } from '../../src/lib/contract/recipe';
import { expectError } from '../helpers/api-error';
import { deferred } from '../helpers/deferred';
import { imagesOf, startOpenAiServer, type OpenAiServer } from '../helpers/openai-server';
import { ingredient } from '../helpers/recipe';
import { serverStorage, startServer, waitForItem, type Account, type ServerProcess, type ServerStorage } from '../helpers/server';

/** POST /api/queue as multipart/form-data: pictures of a recipe, through the built app, read by the chat stand-in. */

let chat: OpenAiServer;
let storage: ServerStorage;
let server: ServerProcess;
let alice: Account;

const MIB = 1024 * 1024;
const picture = (width: number, height: number, colour: string) => sharp({ create: { width, height, channels: 3, background: colour } });
let CARD: Buffer;
let PHOTO: Buffer;

const draft: RecipeDraft = {
	title: 'Plum crumble',
	description: null,
	yields: null,
	servings: 4,
	prepMinutes: null,
	cookMinutes: 40,
	totalMinutes: null,
	ingredientGroups: [{ name: null, ingredients: [ingredient('500 g plums', { quantity: 500, unit: 'gram', name: 'plums' }), ingredient('100 g oats', { quantity: 100, unit: 'gram', name: 'oats' })] }],
	stepGroups: [{ name: null, steps: ['Cover the plums with oats.', 'Bake for 40 minutes.'] }],
	tags: []
};

function form(files: { bytes: Buffer; name: string; type?: string }[], fields: Record<string, string> = {}): FormData {
	const body = new FormData();
	for (const f of files) body.append('images', new Blob([new Uint8Array(f.bytes)], { type: f.type ?? 'image/jpeg' }), f.name);
	for (const [k, v] of Object.entries(fields)) body.append(k, v);
	return body;
}
const post = (body: FormData, headers: Record<string, string> = {}) => server.api('/api/queue', { method: 'POST', body, headers });

/** Bytes that begin as a JPEG and are only filler: the size limits answer before anything reads them. */
const bulky = (size: number) => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(size - 4, 7)]);

beforeAll(async () => {
	CARD = await picture(600, 800, '#f5f0e0').png().toBuffer();
	PHOTO = await picture(1600, 1200, '#8030a0').jpeg().toBuffer();
	chat = await startOpenAiServer();
	storage = await serverStorage();
	server = await startServer(storage, { LLM_API_BASE_URL: chat.baseUrl, LLM_MODEL: chat.model, LLM_VISION: 'true' });
	alice = await server.signUp('alice');
});

afterAll(async () => {
	await server?.stop();
	await storage?.cleanup();
	await chat?.close();
});

describe('POST /api/queue with pictures', () => {
	let recipeId: string;

	it('201: one item for the set; the model gets each picture as a data: URL and its recipe is saved with the dish photo', async () => {
		chat.reply({ json: { ...draft, dishPhoto: 1 } });
		const res = await post(form([{ bytes: CARD, name: 'card.png', type: 'image/png' }, { bytes: PHOTO, name: 'photo.jpg' }], { text: 'Grandma’s crumble' }));
		expect(res.status).toBe(201);
		expect(res.headers.get('location')).toMatch(/^\/api\/queue\//);
		const item = Item.parse(await res.json());
		const done = await waitForItem<{ status: string; results: { recipeId?: string; imageUrl?: string } | null }>(server, item.id, (i) => i.status !== 'pending' && i.status !== 'in_progress');
		expect(done.status).toBe('success');
		recipeId = done.results!.recipeId!;

		const [request] = chat.requests;
		expect(request!.rejected).toBeUndefined();
		const sent = imagesOf(request!);
		expect(sent).toHaveLength(2);
		const sizes = [];
		for (const url of sent) {
			expect(url).toMatch(/^data:image\/jpeg;base64,/);
			const meta = await sharp(Buffer.from(url.slice(url.indexOf(',') + 1), 'base64')).metadata();
			sizes.push([meta.format, meta.width, meta.height]);
		}
		// In the order shared; the 1600 px photo as it was (under the 2048 px bound).
		expect(sizes).toEqual([
			['jpeg', 600, 800],
			['jpeg', 1600, 1200]
		]);

		const recipe = RecipeDetail.parse(await (await server.api(`/api/recipes/${recipeId}`)).json());
		expect(recipe.recipe).toMatchObject({ title: 'Plum crumble', readFrom: 'pictures', parsedBy: 'llm' });
		expect(recipe.imageUrl).toMatch(new RegExp(`^/api/recipes/${recipeId}/picture`));
		const kept = await server.api(recipe.imageUrl!);
		expect(kept.status).toBe(200);
		const keptMeta = await sharp(Buffer.from(await kept.arrayBuffer())).metadata();
		expect([keptMeta.format, keptMeta.width, keptMeta.height]).toEqual(['webp', 1600, 1200]);
	});

	it('200: the same pictures again are already saved, answered like a link', async () => {
		const res = await post(form([{ bytes: CARD, name: 'again.png', type: 'image/png' }, { bytes: PHOTO, name: 'again.jpg' }]));
		expect(res.status).toBe(200);
		const body = AlreadySaved.parse(await res.json());
		expect(body.recipeId).toBe(recipeId);
		expect(res.headers.get('location')).toBe(`/api/recipes/${recipeId}`);
		// There is no page to read again: the pictures were the source.
		await expectError(await server.api(`/api/recipes/${recipeId}/reimport`, { method: 'POST' }), 409, 'no_source');
	});

	it('200 duplicate: the same new pictures shared twice at once make one item', async () => {
		// The item made first is held in its parse until both answers are in: it is still running when
		// the other share is enqueued, however slowly that one's pictures are prepared.
		const answered = deferred();
		chat.reply({ until: answered.promise, reply: { json: { ...draft, title: 'Card only', dishPhoto: null } } });
		const card = await picture(500, 700, '#e0e8f0').png().toBuffer();
		const answers = await Promise.all([post(form([{ bytes: card, name: 'a.png' }])), post(form([{ bytes: card, name: 'b.png' }]))]);
		answered.resolve();
		expect(answers.map((r) => r.status).sort()).toEqual([200, 201]);
		const created = Item.parse(await answers.find((r) => r.status === 201)!.json());
		const other = (await answers.find((r) => r.status === 200)!.json()) as { duplicate: boolean; id?: string; recipeId?: string };
		expect(other.duplicate).toBe(true);
		await waitForItem<{ status: string }>(server, created.id, (i) => i.status === 'success');
	});

	it('415 for a file that is not a picture, whatever type it claimed; the message names it', async () => {
		const res = await post(form([{ bytes: PHOTO, name: 'ok.jpg' }, { bytes: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'), name: 'evil.jpg' }]));
		const body = await expectError(res, 415, 'unsupported_image');
		expect(body.error.message).toContain('“evil.jpg”');
	});

	it('400 for more than ten pictures, 413 for one over 10 MiB or over 20 MiB together', async () => {
		const eleven = Array.from({ length: 11 }, (_, i) => ({ bytes: PHOTO, name: `${i}.jpg` }));
		await expectError(await post(form(eleven)), 400, 'too_many_images');
		const one = await expectError(await post(form([{ bytes: bulky(10 * MIB + 1), name: 'huge.jpg' }])), 413, 'image_too_large');
		expect(one.error.message).toContain('“huge.jpg”');
		await expectError(await post(form([7, 7, 7].map((n, i) => ({ bytes: bulky(n * MIB), name: `${i}.jpg` })))), 413, 'images_too_large');
		await expectError(await post(form([])), 422, 'no_link');
	});

	it('a form with a link and no pictures is a shared link', async () => {
		const res = await post(form([], { url: 'http://127.0.0.1:9/recipes/soup' }));
		expect(res.status).toBe(201);
		expect(Item.parse(await res.json()).url).toBe('http://127.0.0.1:9/recipes/soup');
	});

	it('a session cookie sends pictures only from this origin', async () => {
		const cookie = { cookie: alice.cookie };
		await expectError(await post(form([{ bytes: PHOTO, name: 'x.jpg' }]), { ...cookie, origin: 'https://evil.example' }), 403, 'cross_site_request');
		const same = await post(form([{ bytes: PHOTO, name: 'x.jpg' }]), { ...cookie, origin: server.origin });
		// The photo was shared before in the first set, but alone it is a new set.
		expect(same.status).toBe(201);
	});
});
