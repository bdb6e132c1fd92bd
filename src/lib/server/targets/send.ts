import { and, eq, sql } from 'drizzle-orm';
import type { Recipe } from '../../contract/recipe';
import { targetNames, type TargetLink } from '../../contract/targets';
import type { Database } from '../db/client';
import { recipeUploads } from '../db/schema';
import type { PictureDownload } from '../pictures/download';
import type { RemoteRecipe, TargetClient, TargetConnection } from './target';

export interface SendRecipe {
	database: Database;
	client: TargetClient;
	connection: TargetConnection;
	/** The library recipe this copy belongs to. */
	recipeId: string;
	recipe: Recipe;
	/** The recipe's picture as the library keeps it (the target is sent the bytes), or why there is none. */
	loadPicture(url: string, signal?: AbortSignal): Promise<PictureDownload>;
	signal?: AbortSignal;
	progress?: (message: string) => void;
}

/**
 * Puts a library recipe on a target exactly once, however often it runs (a retry after a crash or
 * a timeout, a re-upload from the recipe page):
 * 1. a copy recorded here is updated — unless it was deleted there, or an earlier write left it
 *    broken beyond repair: then it is made again (and the person told of the broken one);
 * 2. else a copy the target already holds from this source (a create whose answer was lost before
 *    it could be recorded) is adopted and updated;
 * 3. else it is created, and recorded the moment the target names it, before anything else is sent.
 * Then the picture: uploaded as bytes when the copy has none, never replacing one it has. A
 * picture that cannot be had never fails the send; the link says why it is missing.
 */
export async function sendRecipe({ database, client, connection, recipeId, recipe, loadPicture, signal, progress }: SendRecipe): Promise<TargetLink> {
	const where = { recipeId, kind: connection.kind, baseUrl: connection.baseUrl };
	const record = (remote: RemoteRecipe) => recordUpload(database, where, remote);
	const notes: string[] = [];

	const known = await findUpload(database, where);
	let remote: RemoteRecipe | null = null;
	if (known) {
		progress?.('updating the saved copy');
		const updated = await client.update(known, recipe, signal);
		if ('unusable' in updated) {
			if (updated.note) notes.push(updated.note);
		} else remote = updated;
	}
	if (!remote) {
		const found = await client.findExisting(recipe, signal);
		if (found) {
			await record(found);
			progress?.('updating the copy already there');
			const updated = await client.update(found, recipe, signal);
			if (!('unusable' in updated)) remote = updated;
		}
	}
	if (!remote) {
		progress?.('creating the recipe');
		remote = await client.create(recipe, record, signal);
	}
	await record(remote);
	const imageSet = remote.hasPicture === true || (await sendPicture(client, remote, recipe, loadPicture, notes, signal, progress));
	await database.db
		.update(recipeUploads)
		.set({ completedAt: sql`now()`, updatedAt: sql`now()` })
		.where(and(eq(recipeUploads.recipeId, recipeId), eq(recipeUploads.kind, connection.kind), eq(recipeUploads.baseUrl, connection.baseUrl)));
	return { kind: connection.kind, remoteId: remote.remoteId, url: remote.url, imageSet, ...(notes.length ? { notes } : {}) };
}

async function sendPicture(
	client: TargetClient,
	remote: RemoteRecipe,
	recipe: Recipe,
	loadPicture: SendRecipe['loadPicture'],
	notes: string[],
	signal?: AbortSignal,
	progress?: (message: string) => void
): Promise<boolean> {
	if (!recipe.image) return false;
	progress?.('adding the picture');
	const download = await loadPicture(recipe.image, signal);
	if (!download.ok) {
		notes.push(`saved without its picture: ${download.reason}`);
		return false;
	}
	const shown = await client.setImage(remote, download.picture, signal);
	if (!shown) notes.push(`saved without its picture: ${targetNames[client.kind]} did not take it`);
	return shown;
}

interface UploadKey {
	recipeId: string;
	kind: string;
	baseUrl: string;
}

/** The copy recorded on one server, if any. */
export async function findUpload(database: Database, key: UploadKey): Promise<RemoteRecipe | null> {
	const [row] = await database.db
		.select({ remoteId: recipeUploads.remoteId, url: recipeUploads.remoteUrl })
		.from(recipeUploads)
		.where(and(eq(recipeUploads.recipeId, key.recipeId), eq(recipeUploads.kind, key.kind), eq(recipeUploads.baseUrl, key.baseUrl)));
	return row ?? null;
}

async function recordUpload(database: Database, key: UploadKey, remote: RemoteRecipe): Promise<void> {
	await database.db
		.insert(recipeUploads)
		.values({ ...key, remoteId: remote.remoteId, remoteUrl: remote.url })
		.onConflictDoUpdate({
			target: [recipeUploads.recipeId, recipeUploads.kind, recipeUploads.baseUrl],
			set: { remoteId: remote.remoteId, remoteUrl: remote.url, updatedAt: sql`now()` }
		});
}

/** Every target copy of a library recipe, for its page. */
export async function uploadsOf(database: Database, recipeId: string): Promise<{ kind: string; remoteId: string; url: string; completedAt: Date | null }[]> {
	return database.db
		.select({ kind: recipeUploads.kind, remoteId: recipeUploads.remoteId, url: recipeUploads.remoteUrl, completedAt: recipeUploads.completedAt })
		.from(recipeUploads)
		.where(eq(recipeUploads.recipeId, recipeId));
}
