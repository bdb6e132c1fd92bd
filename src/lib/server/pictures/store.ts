import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Database } from '../db/client';
import { recipePictures, recipes } from '../db/schema';
import type { PictureSize } from '../../contract/library';
import { PICTURE_SIZES, type Rendition } from './render';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** One stored size, as the upload sends it to a target, with the address it was fetched from. */
export interface StoredPicture {
	bytes: Uint8Array;
	hash: string;
	sourceUrl: string;
}

/** Replaces a recipe's kept picture with these sizes, in one statement. */
export async function savePicture(database: Database, recipeId: string, sourceUrl: string, sizes: Record<PictureSize, Rendition>): Promise<void> {
	const rows = PICTURE_SIZES.map((size) => ({ recipeId, size, sourceUrl, ...sizes[size] }));
	await database.db
		.insert(recipePictures)
		.values(rows)
		.onConflictDoUpdate({
			target: [recipePictures.recipeId, recipePictures.size],
			set: {
				bytes: sql`excluded.bytes`,
				contentType: sql`excluded.content_type`,
				width: sql`excluded.width`,
				height: sql`excluded.height`,
				hash: sql`excluded.hash`,
				sourceUrl: sql`excluded.source_url`,
				fetchedAt: sql`now()`
			}
		});
}

/** A recipe's kept picture in one size, or null. For the pipeline and targets: no owner check. */
export async function storedPicture(database: Database, recipeId: string, size: PictureSize): Promise<StoredPicture | null> {
	const [row] = await database.db
		.select({ bytes: recipePictures.bytes, hash: recipePictures.hash, sourceUrl: recipePictures.sourceUrl })
		.from(recipePictures)
		.where(and(eq(recipePictures.recipeId, recipeId), eq(recipePictures.size, size)));
	return row ?? null;
}

/**
 * What GET /api/recipes/{id}/picture answers. `recipe: false`: no such recipe of this user's (a
 * missing one and someone else's look the same). `picture: null`: the recipe has none kept.
 * `bytes` is null when the caller already holds this version (one of `knownHashes`), so a 304
 * reads no picture.
 */
export type PictureLookup =
	| { recipe: false }
	| { recipe: true; picture: null }
	| { recipe: true; picture: { hash: string; contentType: string; bytes: Uint8Array | null } };

export async function lookUpPicture(database: Database, userId: string, recipeId: string, size: PictureSize, knownHashes: readonly string[]): Promise<PictureLookup> {
	if (!UUID.test(recipeId)) return { recipe: false };
	const known = knownHashes.length ? inArray(recipePictures.hash, [...knownHashes]) : sql`false`;
	const [row] = await database.db
		.select({
			hash: recipePictures.hash,
			contentType: recipePictures.contentType,
			bytes: sql<Uint8Array | null>`case when ${known} then null else ${recipePictures.bytes} end`
		})
		.from(recipes)
		.leftJoin(recipePictures, and(eq(recipePictures.recipeId, recipes.id), eq(recipePictures.size, size)))
		.where(and(eq(recipes.id, recipeId.toLowerCase()), eq(recipes.userId, userId)));
	if (!row) return { recipe: false };
	if (row.hash === null || row.contentType === null) return { recipe: true, picture: null };
	return { recipe: true, picture: { hash: row.hash, contentType: row.contentType, bytes: row.bytes } };
}
