import { linkFromShare, normalizeUrl } from '../../links';
import type { EnqueueRequest } from '../../contract/queue';
import type { App } from '../app';
import { ApiError } from '../http/api';
import { hostOf } from '../net/host-limiter';
import { RECIPE_PIPELINE, type ShareInput } from '../pipeline/recipe';
import { toSummary } from '../recipes/library';
import { findSavedRecipe } from '../recipes/sources';
import type { EnqueueResult as JobEnqueueResult } from '../queue/service';
import { toItem, type EnqueueResult } from './items';
import { sha256Hex } from './files';
import { prepareSharedImage, type PreparedImage } from './images';
import type { ShareForm } from './read-share-form';
import { picturesKey } from '../pipeline/recipe/extract/shared-pictures';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/**
 * Turns what a person shared (API body, form, share target) into a queue item: finds the link,
 * keys it for dedupe by its normalised form, and enqueues the recipe pipeline. A link that is
 * already a saved recipe makes no item, unless the share asks to import it again: then the item
 * updates that recipe.
 */
export async function enqueueShare(
	app: App,
	userId: string,
	share: EnqueueRequest,
	idempotencyKey?: string | null
): Promise<EnqueueResult> {
	checkIdempotencyKey(idempotencyKey);
	const url = linkFromShare(share);
	if (!url) {
		throw new ApiError(422, 'no_link', 'no http(s) link was found in url, text or title');
	}
	if (url.length > 4096) throw new ApiError(422, 'link_too_long', 'the link is longer than 4096 characters');
	// Keyed by the host the page is fetched from, so the claim runs no more of one site's items at
	// once than the fetcher may fetch from it: the rest wait without holding a worker.
	return enqueueKeyed(app, userId, { dedupeKey: normalizeUrl(url), idempotencyKey, reimport: !!share.reimport, concurrencyKey: hostOf(url) || null }, async (recipeId) => ({
		url,
		text: share.text ?? null,
		title: share.title ?? null,
		recipeId
	}));
}

/**
 * Turns a multipart share into a queue item. Pictures (a recipe's screenshots or photos) make one item: each is
 * checked and re-encoded (prepareSharedImage), the set keyed for dedupe by its pictures' hashes in
 * order, stored, and the recipe pipeline enqueued with their ids. A set already saved as a recipe
 * answers so, like a link; pictures no item needs are not kept.
 */
export async function enqueueForm(app: App, userId: string, form: ShareForm, idempotencyKey?: string | null): Promise<EnqueueResult> {
	// A form without pictures is a link shared as a form (a Shortcut, the share target sharing a link).
	if (!form.images.length) return enqueueShare(app, userId, { url: form.url, text: form.text, title: form.title, reimport: form.reimport }, idempotencyKey);
	checkIdempotencyKey(idempotencyKey);
	const images: PreparedImage[] = [];
	for (const [i, file] of form.images.entries()) {
		const prepared = await prepareSharedImage(file.bytes);
		const which = file.name ? `“${file.name}”` : `picture ${i + 1}`;
		if (!prepared.ok) throw new ApiError(prepared.code === 'image_too_large' ? 413 : 415, prepared.code, `${which} was refused: ${prepared.reason}`);
		images.push(prepared.image);
	}
	const dedupeKey = picturesKey(images.map((image) => sha256Hex(image.bytes)));
	const link = linkFromShare(form);
	let fileIds: string[] = [];
	let result: EnqueueResult | null = null;
	try {
		result = await enqueueKeyed(app, userId, { dedupeKey, idempotencyKey, reimport: false, concurrencyKey: null }, async () => {
			fileIds = (await app.sharedFiles.save(userId, images.map((image) => ({ kind: 'image', ...image })))).map((f) => f.id);
			return { url: link && link.length <= 4096 ? link : null, text: form.text ?? null, title: form.title ?? null, recipeId: null, imageFileIds: fileIds };
		});
		return result;
	} finally {
		if (result?.kind !== 'created') await app.sharedFiles.remove(userId, fileIds);
	}
}

function checkIdempotencyKey(idempotencyKey: string | null | undefined) {
	if (idempotencyKey != null && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
		throw new ApiError(400, 'invalid_idempotency_key', 'Idempotency-Key must be 1–255 visible ASCII characters');
	}
}

/**
 * Enqueues a share known by `dedupeKey`. A key that is already a saved recipe makes no item,
 * unless the share asks to import it again: then the item updates that recipe. `input` is made
 * only when an item may be.
 */
async function enqueueKeyed(
	app: App,
	userId: string,
	share: { dedupeKey: string; idempotencyKey?: string | null; reimport: boolean; concurrencyKey: string | null },
	input: (recipeId: string | null) => Promise<ShareInput>
): Promise<EnqueueResult> {
	const { dedupeKey, idempotencyKey } = share;
	const saved = await findSavedRecipe(app.database, userId, dedupeKey);
	if (saved && !share.reimport) {
		// A repeated request whose first answer was lost gets the item it made, even once that item
		// saved the recipe; a link being imported again answers that item, as any active link does.
		const replayed = idempotencyKey ? await app.queue.replay(userId, idempotencyKey, dedupeKey) : null;
		if (replayed) return asItem(replayed);
		const active = await app.queue.activeByKeys(userId, [dedupeKey]);
		return active ? { kind: 'duplicate', item: toItem(active) } : { kind: 'saved', recipe: toSummary(saved) };
	}
	return asItem(
		await app.queue.enqueue({
			userId,
			pipeline: RECIPE_PIPELINE,
			input: await input(saved?.id ?? null),
			dedupeKey,
			idempotencyKey: idempotencyKey ?? null,
			concurrencyKey: share.concurrencyKey
		})
	);
}

function asItem(result: JobEnqueueResult): EnqueueResult {
	if (result.kind === 'key_reused') {
		throw new ApiError(422, 'idempotency_key_reused', 'this Idempotency-Key was already used for a different link');
	}
	return { kind: result.kind, item: toItem(result.job) };
}
