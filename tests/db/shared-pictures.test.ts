import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { eq } from 'drizzle-orm';
import type { RecipeDraft } from '../../src/lib/contract/recipe';
import { recipePictures, sharedFiles } from '../../src/lib/server/db/schema';
import { getRecipe, toDetail } from '../../src/lib/server/recipes/library';
import { enqueueForm } from '../../src/lib/server/shares/enqueue';
import type { AddressPolicy } from '../../src/lib/server/net/guarded-lookup';
import { imagesOf, startOpenAiServer, userTextOf } from '../helpers/openai-server';
import { forSuite, startPipelineApp, type PipelineApp } from '../helpers/pipeline-sites';
import { itemEnded } from '../helpers/item-end';
import { ingredient } from '../helpers/recipe';

/**
 * Issue 27's pictures end to end: screenshots and a photo shared as one item become a recipe read
 * by the chat model (its local stand-in), through the real app (createApp's worker, the stored
 * files, the picture keeping), on both databases.
 */

/** Nothing here is fetched from the web: every name is unknown. */
const OFFLINE: AddressPolicy = {
	isPublic: () => false,
	resolve: async (hostname) => {
		throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
	}
};

const picture = (width: number, height: number, colour: string) => sharp({ create: { width, height, channels: 3, background: colour } });
let SCREENSHOT: Buffer;
let DISH: Buffer;
let OTHER: Buffer;
beforeAll(async () => {
	// A phone screenshot (PNG, red) and a photo of the dish (JPEG, green, taken sideways: EXIF orientation 6).
	SCREENSHOT = await picture(412, 915, '#d03020').png().toBuffer();
	DISH = await picture(1200, 900, '#20a040').jpeg().withMetadata({ orientation: 6 }).toBuffer();
	OTHER = await picture(300, 300, '#2040d0').webp().toBuffer();
});

const draft = (title: string): RecipeDraft => ({
	title,
	description: null,
	yields: '2 bowls',
	servings: 2,
	prepMinutes: null,
	cookMinutes: null,
	totalMinutes: 10,
	ingredientGroups: [
		{
			name: null,
			ingredients: [
				ingredient('1 l dashi', { quantity: 1, unit: 'liter', name: 'dashi' }),
				ingredient('3 tbsp white miso', { quantity: 3, unit: 'tablespoon', name: 'white miso' })
			]
		}
	],
	stepGroups: [{ name: null, steps: ['Warm the dashi.', 'Whisk in the miso.'] }],
	tags: []
});

const chat = forSuite(() => startOpenAiServer());
beforeEach(() => {
	chat.requests.length = 0;
});
afterEach(() => {
	expect(chat.pending).toBe(0);
});

const LLM = () => ({ LLM_API_BASE_URL: chat.baseUrl, LLM_MODEL: chat.model });

async function share(pipeline: PipelineApp, images: Buffer[], more: { text?: string; title?: string } = {}) {
	const result = await enqueueForm(pipeline.app, pipeline.userId, { ...more, images: images.map((bytes, i) => ({ name: `p${i}`, bytes })) });
	if (result.kind === 'saved') throw new Error('already saved');
	return itemEnded(pipeline.app, pipeline.userId, result.item.id);
}

const filesKept = async (pipeline: PipelineApp) => (await pipeline.app.database.db.select({ id: sharedFiles.id }).from(sharedFiles)).length;

/** The mean colour of a picture, as [r, g, b]. */
async function colourOf(bytes: Uint8Array) {
	const { channels } = await sharp(bytes).stats();
	return channels.slice(0, 3).map((c) => Math.round(c.mean));
}

describe('with a chat model that reads pictures', () => {
	const pipeline = forSuite(() => startPipelineApp(OFFLINE, { ...LLM(), LLM_VISION: 'true' }));

	it('reads the recipe from the pictures, sent as data: URLs of the stored bytes, and keeps the dish photo as its picture', async () => {
		chat.reply({ json: { ...draft('Miso soup'), dishPhoto: 1 } });
		const item = await share(pipeline, [SCREENSHOT, DISH], { text: 'from grandma’s book' });
		expect(item).toMatchObject({ status: 'success', kind: 'images', url: null, label: '2 pictures', results: { title: 'Miso soup', sourceUrl: null } });

		// One request, with both pictures as image parts, in order, and the words that came with them.
		expect(chat.requests).toHaveLength(1);
		expect(chat.requests[0]!.rejected).toBeUndefined();
		expect(userTextOf(chat.requests[0]!)).toContain('from grandma’s book');
		const sent = imagesOf(chat.requests[0]!);
		expect(sent).toHaveLength(2);
		const input = (await pipeline.app.queue.get(pipeline.userId, item.id))!.input as { imageFileIds: string[] };
		const stored = await pipeline.app.sharedFiles.load(pipeline.userId, input.imageFileIds);
		for (const [i, url] of sent.entries()) {
			const match = /^data:image\/jpeg;base64,(.+)$/.exec(url);
			expect(match).not.toBeNull();
			const bytes = Buffer.from(match![1]!, 'base64');
			expect(bytes.equals(Buffer.from(stored[i]!.bytes))).toBe(true);
			expect((await sharp(bytes).metadata()).format).toBe('jpeg');
		}
		// The screenshot first (red), then the photo (green), upright: 900 wide, 1200 high.
		expect((await colourOf(Buffer.from(sent[0]!.split(',')[1]!, 'base64')))[0]).toBeGreaterThan(150);
		const photo = await sharp(Buffer.from(sent[1]!.split(',')[1]!, 'base64')).metadata();
		expect([photo.width, photo.height]).toEqual([900, 1200]);

		const recipe = toDetail((await getRecipe(pipeline.app.database, pipeline.userId, item.results!.recipeId as string))!);
		expect(recipe.recipe).toMatchObject({ title: 'Miso soup', parsedBy: 'llm', readFrom: 'pictures', sourceUrl: null, siteName: null });
		expect(recipe.imageUrl).toMatch(new RegExp(`^/api/recipes/${recipe.id}/picture`));
		const [full] = await pipeline.app.database.db.select().from(recipePictures).where(eq(recipePictures.recipeId, recipe.id)).orderBy(recipePictures.size);
		const [r, g] = await colourOf(full!.bytes);
		expect(g).toBeGreaterThan(120);
		expect(r).toBeLessThan(80);
	});

	it('answers the same pictures again as already saved, and keeps no second copy of them', async () => {
		chat.reply({ json: { ...draft('Green tea'), dishPhoto: null } });
		const first = await share(pipeline, [OTHER]);
		expect(first.status).toBe('success');
		expect(first.results).toMatchObject({ imageUrl: null });
		const files = await filesKept(pipeline);
		const again = await enqueueForm(pipeline.app, pipeline.userId, { images: [{ name: 'again.webp', bytes: OTHER }] });
		expect(again).toMatchObject({ kind: 'saved', recipe: { id: first.results!.recipeId, title: 'Green tea' } });
		expect(await filesKept(pipeline)).toBe(files);
		// The same pictures in another order are another share.
		const reordered = await enqueueForm(pipeline.app, pipeline.userId, { images: [OTHER, SCREENSHOT].map((bytes) => ({ name: null, bytes })) });
		expect(reordered.kind).toBe('created');
		chat.reply({ json: { ...draft('Green tea'), dishPhoto: null } });
		await itemEnded(pipeline.app, pipeline.userId, (reordered as { item: { id: string } }).item.id);
	});

	it('fails a set whose pictures hold no recipe, saying so', async () => {
		chat.reply({ json: { ...draft('Nothing'), ingredientGroups: [], stepGroups: [], dishPhoto: null } });
		const item = await share(pipeline, [DISH]);
		expect(item).toMatchObject({ status: 'error', error: { kind: 'permanent', code: 'no_recipe', message: 'no recipe found in the pictures' } });
	});
});

describe('with a chat model that does not read pictures', () => {
	const pipeline = forSuite(() => startPipelineApp(OFFLINE, LLM()));

	it('fails with how to turn on LLM_VISION, without asking the model', async () => {
		const item = await share(pipeline, [SCREENSHOT]);
		expect(item).toMatchObject({ status: 'error', error: { kind: 'permanent', code: 'no_vision', message: expect.stringContaining('set LLM_VISION=true') } });
		expect(chat.requests).toEqual([]);
	});
});

describe('without a chat model', () => {
	const pipeline = forSuite(() => startPipelineApp(OFFLINE));

	it('fails with how to set up a chat model that reads pictures', async () => {
		const item = await share(pipeline, [SCREENSHOT]);
		expect(item).toMatchObject({ status: 'error', error: { kind: 'permanent', code: 'no_vision', message: expect.stringMatching(/set LLM_API_BASE_URL .* and LLM_VISION=true/) } });
	});
});
