import { crc32, deflateSync } from 'node:zlib';
import { eq } from 'drizzle-orm';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { startHttpServer } from '../helpers/http-server';
import { makeRecipe } from '../helpers/recipe';
import { recipePictureUrl, RESTORE_WINDOW_MS } from '../../src/lib/contract/library';
import { queueItems, recipePictures, users } from '../../src/lib/server/db/schema';
import { downloadPicture, PICTURE_MAX_BYTES } from '../../src/lib/server/pictures/download';
import { RecipePictures } from '../../src/lib/server/pictures/keep';
import { lookUpPicture } from '../../src/lib/server/pictures/store';
import { uploadRecipe } from '../../src/lib/server/pipeline/recipe/upload';
import { getRecipe, listRecipes, toSummary } from '../../src/lib/server/recipes/library';
import { deleteRecipe, purgeDeletedRecipes } from '../../src/lib/server/recipes/trash';

/** A PNG chunk: length, type, data, CRC. */
function chunk(type: string, data: Buffer): Buffer {
	const head = Buffer.alloc(4);
	head.writeUInt32BE(data.length);
	const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
	const crc = Buffer.alloc(4);
	crc.writeUInt32BE(crc32(body));
	return Buffer.concat([head, body, crc]);
}

/** A valid PNG of a few hundred bytes whose header declares 30,000 × 30,000 pixels (2.7 GB decoded). */
function pngBomb(): Buffer {
	const header = Buffer.alloc(13);
	header.writeUInt32BE(30_000, 0);
	header.writeUInt32BE(30_000, 4);
	header[8] = 8; // bit depth
	header[9] = 2; // RGB
	const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
	return Buffer.concat([signature, chunk('IHDR', header), chunk('IDAT', deflateSync(Buffer.alloc(90_001 * 4))), chunk('IEND', Buffer.alloc(0))]);
}

const send = (type: string, body: Buffer) => (_req: unknown, res: import('node:http').ServerResponse) => void res.writeHead(200, { 'content-type': type }).end(body);

let site: Awaited<ReturnType<typeof startHttpServer>>;
let landscape: Buffer;
let portrait: Buffer;
beforeAll(async () => {
	// A 2400 × 1600 photo, and a transparent 600 × 1200 PNG.
	landscape = await sharp({ create: { width: 2400, height: 1600, channels: 3, background: '#c8763a' } }).jpeg({ quality: 90 }).toBuffer();
	portrait = await sharp({ create: { width: 600, height: 1200, channels: 4, background: { r: 20, g: 120, b: 60, alpha: 0.5 } } }).png().toBuffer();
	site = await startHttpServer({
		'/photo.jpg': send('image/jpeg', landscape),
		'/tall.png': send('image/png', portrait),
		'/page.jpg': send('image/jpeg', Buffer.from('<!doctype html><title>Not found</title>')),
		'/bomb.png': send('image/png', pngBomb()),
		'/huge.jpg': send('image/jpeg', Buffer.concat([landscape, Buffer.alloc(PICTURE_MAX_BYTES)])),
		'/cut.jpg': send('image/jpeg', landscape.subarray(0, landscape.length / 2))
	});
});
afterAll(() => site.close());

// One database for the file: every test makes recipes of its own.
let db: TestDatabase;
let userId: string;
let pictures: RecipePictures;
beforeAll(async () => {
	db = await createTestDatabase();
	[{ id: userId }] = (await db.database.db.insert(users).values({ username: 'alice' }).returning({ id: users.id })) as [{ id: string }];
	pictures = new RecipePictures(db.database, (url, signal) => downloadPicture(url, { signal, timeoutMs: 10_000, allowPrivate: true }));
});
afterAll(() => db?.close());

let n = 0;
/** Runs the upload phase for a recipe with this picture, library only, as the pipeline does. */
async function upload(imagePath: string | null, image = imagePath && `${site.origin}${imagePath}`) {
	const sourceUrl = `https://example.com/r/${++n}`;
	const [item] = await db.database.db
		.insert(queueItems)
		.values({ userId, pipeline: 'recipe', dedupeKey: sourceUrl, input: { url: sourceUrl }, maxAttempts: 3, correlationId: `c${n}`, status: 'in_progress' })
		.returning({ id: queueItems.id });
	const recipe = makeRecipe({ sourceUrl, image });
	const sent: unknown[] = [];
	const output = await uploadRecipe(
		{
			database: db.database,
			keepPicture: (id, url, signal) => pictures.keep(id, url, signal),
			keepSharedPicture: (id, { url }, signal) => pictures.keepBytes(id, url, async () => null, signal),
			sendToTarget: async (input) => (sent.push(input.picture), null)
		},
		{ id: item!.id, userId, input: { url: sourceUrl } },
		recipe,
		{ url: sourceUrl, canonicalUrl: sourceUrl },
		{ progress: () => {}, signal: new AbortController().signal }
	);
	return { output, recipe, sent, itemId: item!.id };
}

const stored = (recipeId: string) => db.database.db.select().from(recipePictures).where(eq(recipePictures.recipeId, recipeId)).orderBy(recipePictures.size);
const hits = (path: string) => site.hits.filter((p) => p === path).length;

describe('keeping a recipe’s picture', () => {
	it('stores a full size and a thumbnail, re-encoded as WebP, with their sizes, hashes and source', async () => {
		const { output, recipe } = await upload('/photo.jpg');
		const rows = await stored(output.recipeId);
		expect(rows.map((r) => [r.size, r.contentType, r.width, r.height, r.sourceUrl])).toEqual([
			['full', 'image/webp', 1600, 1067, recipe.image],
			['thumb', 'image/webp', 600, 400, recipe.image]
		]);
		for (const row of rows) {
			// The bytes are what the row says they are.
			const meta = await sharp(row.bytes).metadata();
			expect([meta.format, meta.width, meta.height]).toEqual(['webp', row.width, row.height]);
			expect(row.hash).toMatch(/^[A-Za-z0-9_-]{43}$/);
		}
		expect(rows[0]!.bytes.length).toBeLessThan(landscape.length);
		expect(output.picture).toBe(rows[0]!.hash);
	});

	it('bounds a portrait thumbnail by its short side, never enlarges, and keeps transparency', async () => {
		const { output } = await upload('/tall.png');
		const [full, thumb] = await stored(output.recipeId);
		expect([full!.width, full!.height]).toEqual([600, 1200]);
		expect([thumb!.width, thumb!.height]).toEqual([400, 800]);
		expect((await sharp(thumb!.bytes).metadata()).hasAlpha).toBe(true);
	});

	it('hands the target the kept full size, and a retry or a second send downloads nothing', async () => {
		const before = hits('/photo.jpg');
		const { output, sent, recipe } = await upload('/photo.jpg');
		const [full] = await stored(output.recipeId);
		expect(sent).toEqual([{ ok: true, picture: { mediaType: 'image/webp', extension: 'webp', bytes: expect.any(Uint8Array) }, version: full!.hash }]);
		const given = sent[0] as { picture: { bytes: Uint8Array } };
		expect(Buffer.from(given.picture.bytes).equals(Buffer.from(full!.bytes))).toBe(true);
		const again = await pictures.keep(output.recipeId, recipe.image!);
		expect(again).toMatchObject({ ok: true, version: full!.hash });
		expect(again.ok && Buffer.from(again.picture.bytes).equals(Buffer.from(full!.bytes))).toBe(true);
		expect(hits('/photo.jpg')).toBe(before + 1);
	});

	it('the library points at the kept copy, versioned by its hash; one without keeps the site’s link', async () => {
		const kept = await upload('/photo.jpg');
		const none = await upload('/page.jpg');
		const [full] = await stored(kept.output.recipeId);
		const page = await listRecipes(db.database, userId, { limit: 10 });
		const summaries = Object.fromEntries(page.rows.map((row) => [row.id, toSummary(row)]));
		expect(summaries[kept.output.recipeId]).toMatchObject({
			imageUrl: recipePictureUrl(kept.output.recipeId, 'full', full!.hash),
			thumbnailUrl: recipePictureUrl(kept.output.recipeId, 'thumb', full!.hash),
			sourceImageUrl: kept.recipe.image
		});
		expect(summaries[kept.output.recipeId]!.imageUrl).toBe(`/api/recipes/${kept.output.recipeId}/picture?size=full&v=${full!.hash.slice(0, 16)}`);
		expect(summaries[none.output.recipeId]).toMatchObject({ imageUrl: none.recipe.image, thumbnailUrl: none.recipe.image, sourceImageUrl: none.recipe.image });
		expect(toSummary((await getRecipe(db.database, userId, kept.output.recipeId))!).imageUrl).toBe(summaries[kept.output.recipeId]!.imageUrl);
	});

	it('a shared picture’s reference is never downloaded, nor shown by the library when its bytes are gone', async () => {
		const reference = 'urn:cookmark:shared-picture:00000000-0000-4000-8000-000000000001';
		const { output, sent } = await upload(null, reference);
		expect(sent).toEqual([{ ok: false, reason: 'the shared picture is no longer stored' }]);
		expect(toSummary((await getRecipe(db.database, userId, output.recipeId))!)).toMatchObject({ imageUrl: null, thumbnailUrl: null, sourceImageUrl: null });
		const asked: string[] = [];
		const counting = new RecipePictures(db.database, async (url) => (asked.push(url), { ok: false, reason: 'asked' }));
		expect(await counting.keep(output.recipeId, reference)).toEqual({ ok: false, reason: 'the picture has no web address to download it from' });
		expect(asked).toEqual([]);
	});

	it('a recipe saved before pictures were kept gets its copy the first time it is asked for', async () => {
		const { output, recipe } = await upload(null);
		expect(output.picture).toBeNull();
		expect(await stored(output.recipeId)).toEqual([]);
		const kept = await pictures.keep(output.recipeId, `${site.origin}/photo.jpg`);
		expect(kept).toMatchObject({ ok: true, picture: { mediaType: 'image/webp' } });
		expect(await stored(output.recipeId)).toHaveLength(2);
		expect(recipe.image).toBeNull();
	});

	it.each([
		['/page.jpg', 'an HTML page served as image/jpeg', /not give a JPEG, PNG, WebP, GIF or AVIF image/],
		['/bomb.png', 'a PNG declaring 30,000 × 30,000 pixels', /too large \(30000×30000 pixels; at most 50 megapixels/],
		['/huge.jpg', 'a file over 15 MB', /could not be downloaded: .*15 MB|could not be downloaded: .*larger/i],
		['/cut.jpg', 'a JPEG cut off halfway', /could not be read as an image/],
		['/missing.jpg', 'a 404', /answered 404/]
	])('%s (%s) is refused, and the recipe is saved all the same with the site’s link', async (path, _what, reason) => {
		const { output, recipe, sent } = await upload(path);
		expect(output.picture).toBeNull();
		expect(sent).toEqual([{ ok: false, reason: expect.stringMatching(reason) }]);
		expect(await stored(output.recipeId)).toEqual([]);
		const row = (await getRecipe(db.database, userId, output.recipeId))!;
		expect(toSummary(row)).toMatchObject({ title: recipe.title, imageUrl: recipe.image, thumbnailUrl: recipe.image });
	});

	it('a recipe’s pictures stay while its delete can be undone, and go with it when it is purged', async () => {
		const { output } = await upload('/photo.jpg');
		const now = new Date();
		expect(await deleteRecipe(db.database, userId, output.recipeId, now)).toBe(true);
		expect(await stored(output.recipeId)).toHaveLength(2);
		await purgeDeletedRecipes(db.database, new Date(now.getTime() + RESTORE_WINDOW_MS + 1));
		expect(await stored(output.recipeId)).toEqual([]);
	});
});

describe('reading a kept picture for the API', () => {
	it('only the owner finds it; a known version is answered without the bytes', async () => {
		const { output } = await upload('/photo.jpg');
		const [full, thumb] = await stored(output.recipeId);
		const found = await lookUpPicture(db.database, userId, output.recipeId, 'thumb', []);
		expect(found).toEqual({ recipe: true, picture: { hash: thumb!.hash, contentType: 'image/webp', bytes: expect.any(Uint8Array) } });
		expect(found.recipe && Buffer.from(found.picture!.bytes!).equals(Buffer.from(thumb!.bytes))).toBe(true);
		expect(await lookUpPicture(db.database, userId, output.recipeId.toUpperCase(), 'full', ['other', full!.hash])).toEqual({
			recipe: true,
			picture: { hash: full!.hash, contentType: 'image/webp', bytes: null }
		});
		const [{ id: bob }] = (await db.database.db.insert(users).values({ username: 'bob' }).returning({ id: users.id })) as [{ id: string }];
		expect(await lookUpPicture(db.database, bob, output.recipeId, 'full', [])).toEqual({ recipe: false });
		expect(await lookUpPicture(db.database, userId, 'not-an-id', 'full', [])).toEqual({ recipe: false });
		const bare = await upload(null);
		expect(await lookUpPicture(db.database, userId, bare.output.recipeId, 'full', [])).toEqual({ recipe: true, picture: null });
	});
});
