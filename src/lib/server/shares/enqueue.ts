import { linkFromShare, normalizeUrl } from '../../links';
import { MAX_LINK_LENGTH, MAX_PAGE_HTML_BYTES, type EnqueueRequest } from '../../contract/queue';
import type { App } from '../app';
import { ApiError } from '../http/api';
import { hostOf } from '../net/host-limiter';
import { RECIPE_PIPELINE, type ShareInput } from '../pipeline/recipe';
import { textKey } from '../pipeline/recipe/share-key';
import { toSummary } from '../recipes/library';
import { findSavedRecipe } from '../recipes/sources';
import type { EnqueueResult as JobEnqueueResult } from '../queue/service';
import { toItem, type EnqueueResult } from './items';

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
	if (idempotencyKey != null && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
		throw new ApiError(400, 'invalid_idempotency_key', 'Idempotency-Key must be 1–255 visible ASCII characters');
	}
	const source = shareSource(share);
	const dedupeKey = 'url' in source ? normalizeUrl(source.url) : textKey(source.text);
	const saved = await findSavedRecipe(app.database, userId, dedupeKey);
	if (saved && !share.reimport) {
		// A repeated request whose first answer was lost gets the item it made, even once that item
		// saved the recipe; a link being imported again answers that item, as any active link does.
		const replayed = idempotencyKey ? await app.queue.replay(userId, idempotencyKey, dedupeKey) : null;
		if (replayed) return asItem(replayed);
		const active = await app.queue.activeByKeys(userId, [dedupeKey]);
		return active ? { kind: 'duplicate', item: toItem(active) } : { kind: 'saved', recipe: toSummary(saved) };
	}
	const html = 'url' in source && source.html !== null ? await storeHtml(app, userId, source.html) : null;
	const input: ShareInput =
		'url' in source
			? { url: source.url, text: share.text ?? null, title: share.title ?? null, recipeId: saved?.id ?? null, ...(html ? { htmlFileId: html } : {}) }
			: { url: null, text: source.text, title: share.title ?? null, recipeId: saved?.id ?? null };
	// Keyed by the host the page is fetched from, so the claim runs no more of one site's items at
	// once than the fetcher may fetch from it: the rest wait without holding a worker.
	const result = await app.queue.enqueue({
		userId,
		pipeline: RECIPE_PIPELINE,
		input,
		dedupeKey,
		idempotencyKey: idempotencyKey ?? null,
		concurrencyKey: 'url' in source ? hostOf(source.url) || null : null
	});
	// The item already queued (or this key's) has its own input: the HTML just kept is nobody's.
	if (html && result.kind !== 'created') await app.sharedFiles.remove(userId, [html]);
	return asItem(result);
}

async function storeHtml(app: App, userId: string, html: string): Promise<string> {
	const [file] = await app.sharedFiles.save(userId, [{ kind: 'html', contentType: 'text/html; charset=utf-8', bytes: new TextEncoder().encode(html) }]);
	return file!.id;
}

function asItem(result: JobEnqueueResult): EnqueueResult {
	if (result.kind === 'key_reused') {
		throw new ApiError(422, 'idempotency_key_reused', 'this Idempotency-Key was already used for a different link');
	}
	return { kind: result.kind, item: toItem(result.job) };
}
