import { linkFromShare, normalizeUrl } from '../../links';
import { MAX_LINK_LENGTH, MAX_PAGE_HTML_BYTES, type EnqueueRequest } from '../../contract/queue';
import type { App } from '../app';
import { ApiError } from '../http/api';
import { hostOf } from '../net/host-limiter';
import { RECIPE_PIPELINE, type ShareInput } from '../pipeline/recipe';
import { textKey } from '../pipeline/recipe/share-key';
import { picturesKey } from '../pipeline/recipe/extract/shared-pictures';
import { toSummary } from '../recipes/library';
import { findSavedRecipe } from '../recipes/sources';
import type { EnqueueResult as JobEnqueueResult } from '../queue/service';
import { toItem, type EnqueueResult } from './items';
import { sha256Hex } from './files';
import { prepareSharedImage, type PreparedImage } from './images';
import type { ShareForm } from './read-share-form';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/** The text a share without a link is read from: words, not only spaces or punctuation. */
const usableText = (text: string | undefined) => (text && /[\p{L}\p{N}]/u.test(text) ? text.trim() : null);

/** What the share is made from: its link (with the page HTML sent along), or its text. */
function shareSource(share: EnqueueRequest): { url: string; html: string | null } | { text: string } {
	const url = linkFromShare(share);
	if (share.html !== undefined) {
		if (!url) throw new ApiError(400, 'html_without_url', 'html needs the page\'s url: its address, and the recipe\'s source');
		if (Buffer.byteLength(share.html, 'utf8') > MAX_PAGE_HTML_BYTES) {
			throw new ApiError(413, 'payload_too_large', `the page's html may be at most ${MAX_PAGE_HTML_BYTES} bytes`);
		}
	}
	if (url) {
		if (url.length > MAX_LINK_LENGTH) throw new ApiError(422, 'link_too_long', `the link is longer than ${MAX_LINK_LENGTH} characters`);
		return { url, html: share.html ?? null };
	}
	const text = usableText(share.text);
	if (!text) throw new ApiError(422, 'no_link', 'no http(s) link was found in url, text or title, and no text to read a recipe from');
	return { text };
}

/**
 * Turns what a person shared (API body, form, share target) into a queue item: finds the link,
 * keys it for dedupe by its normalised form (a text without a link by its hash), and enqueues the
 * recipe pipeline. Page HTML sent with a link is kept (shared_files) for the extraction to read
 * instead of fetching. A share that is already a saved recipe makes no item, unless it asks to
 * import it again: then the item updates that recipe.
 */
export async function enqueueShare(
	app: App,
	userId: string,
	share: EnqueueRequest,
	idempotencyKey?: string | null
): Promise<EnqueueResult> {
	checkIdempotencyKey(idempotencyKey);
	const source = shareSource(share);
	if (!('url' in source)) {
		return enqueueKeyed(app, userId, { dedupeKey: textKey(source.text), idempotencyKey, reimport: !!share.reimport, concurrencyKey: null }, async (recipeId) => ({
			input: { url: null, text: source.text, title: share.title ?? null, recipeId },
			fileIds: []
		}));
	}
	// Keyed by the host the page is fetched from, so the claim runs no more of one site's items at
	// once than the fetcher may fetch from it: the rest wait without holding a worker.
	const keyed = { dedupeKey: normalizeUrl(source.url), idempotencyKey, reimport: !!share.reimport, concurrencyKey: hostOf(source.url) || null };
	return enqueueKeyed(app, userId, keyed, async (recipeId) => {
		const html = source.html !== null ? await storeHtml(app, userId, source.html) : null;
		return {
			input: { url: source.url, text: share.text ?? null, title: share.title ?? null, recipeId, ...(html ? { htmlFileId: html } : {}) },
			fileIds: html ? [html] : []
		};
	});
}

/**
 * Turns a multipart share into a queue item. Pictures (a recipe's screenshots or photos) make one item: each is
 * checked and re-encoded (prepareSharedImage), the set keyed for dedupe by its pictures' hashes in
 * order, stored, and the recipe pipeline enqueued with their ids. A set already saved as a recipe
 * answers so, like a link. A form without pictures is a link or a text shared as a form.
 */
export async function enqueueForm(app: App, userId: string, form: ShareForm, idempotencyKey?: string | null): Promise<EnqueueResult> {
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
	return enqueueKeyed(app, userId, { dedupeKey, idempotencyKey, reimport: false, concurrencyKey: null }, async () => {
		const fileIds = (await app.sharedFiles.save(userId, images.map((image) => ({ kind: 'image', ...image })))).map((f) => f.id);
		const url = link && link.length <= MAX_LINK_LENGTH ? link : null;
		return { input: { url, text: form.text ?? null, title: form.title ?? null, recipeId: null, imageFileIds: fileIds }, fileIds };
	});
}

function checkIdempotencyKey(idempotencyKey: string | null | undefined) {
	if (idempotencyKey != null && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
		throw new ApiError(400, 'invalid_idempotency_key', 'Idempotency-Key must be 1–255 visible ASCII characters');
	}
}

async function storeHtml(app: App, userId: string, html: string): Promise<string> {
	const [file] = await app.sharedFiles.save(userId, [{ kind: 'html', contentType: 'text/html; charset=utf-8', bytes: new TextEncoder().encode(html) }]);
	return file!.id;
}

/**
 * Enqueues a share known by `dedupeKey`, for links, texts and pictures alike. A key that is already
 * a saved recipe makes no item, unless the share asks to import it again: then the item updates that
 * recipe. `input` is made (and its shared files stored) only when an item may be; files the queue
 * did not take (the key's item was already queued) are nobody's and are removed.
 */
async function enqueueKeyed(
	app: App,
	userId: string,
	share: { dedupeKey: string; idempotencyKey?: string | null; reimport: boolean; concurrencyKey: string | null },
	input: (recipeId: string | null) => Promise<{ input: ShareInput; fileIds: string[] }>
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
	const made = await input(saved?.id ?? null);
	let created = false;
	try {
		const result = await app.queue.enqueue({
			userId,
			pipeline: RECIPE_PIPELINE,
			input: made.input,
			dedupeKey,
			idempotencyKey: idempotencyKey ?? null,
			concurrencyKey: share.concurrencyKey
		});
		created = result.kind === 'created';
		return asItem(result);
	} finally {
		if (!created && made.fileIds.length) await app.sharedFiles.remove(userId, made.fileIds);
	}
}

function asItem(result: JobEnqueueResult): EnqueueResult {
	if (result.kind === 'key_reused') {
		throw new ApiError(422, 'idempotency_key_reused', 'this Idempotency-Key was already used for a different link');
	}
	return { kind: result.kind, item: toItem(result.job) };
}
