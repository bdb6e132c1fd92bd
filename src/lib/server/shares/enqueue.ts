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
	if (idempotencyKey != null && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
		throw new ApiError(400, 'invalid_idempotency_key', 'Idempotency-Key must be 1–255 visible ASCII characters');
	}
	const url = linkFromShare(share);
	if (!url) {
		throw new ApiError(422, 'no_link', 'no http(s) link was found in url, text or title');
	}
	if (url.length > 4096) throw new ApiError(422, 'link_too_long', 'the link is longer than 4096 characters');
	const dedupeKey = normalizeUrl(url);
	const saved = await findSavedRecipe(app.database, userId, dedupeKey);
	if (saved && !share.reimport) {
		// A repeated request whose first answer was lost gets the item it made, even once that item
		// saved the recipe; a link being imported again answers that item, as any active link does.
		const replayed = idempotencyKey ? await app.queue.replay(userId, idempotencyKey, dedupeKey) : null;
		if (replayed) return asItem(replayed);
		const active = await app.queue.activeByKeys(userId, [dedupeKey]);
		return active ? { kind: 'duplicate', item: toItem(active) } : { kind: 'saved', recipe: toSummary(saved) };
	}
	const input: ShareInput = { url, text: share.text ?? null, title: share.title ?? null, recipeId: saved?.id ?? null };
	// Keyed by the host the page is fetched from, so the claim runs no more of one site's items at
	// once than the fetcher may fetch from it: the rest wait without holding a worker.
	return asItem(
		await app.queue.enqueue({ userId, pipeline: RECIPE_PIPELINE, input, dedupeKey, idempotencyKey: idempotencyKey ?? null, concurrencyKey: hostOf(url) || null })
	);
}

function asItem(result: JobEnqueueResult): EnqueueResult {
	if (result.kind === 'key_reused') {
		throw new ApiError(422, 'idempotency_key_reused', 'this Idempotency-Key was already used for a different link');
	}
	return { kind: result.kind, item: toItem(result.job) };
}
