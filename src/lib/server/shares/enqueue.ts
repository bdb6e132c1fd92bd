import { linkFromShare, normalizeUrl } from '../../links';
import type { EnqueueRequest } from '../../contract/queue';
import type { App } from '../app';
import { ApiError } from '../http/api';
import { RECIPE_PIPELINE, type ShareInput } from '../pipeline/recipe';
import { toItem, type EnqueueResult } from './items';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/**
 * Turns what a person shared (API body, form, share target) into a queue item: finds the link,
 * keys it for dedupe by its normalised form, and enqueues the recipe pipeline.
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
	const input: ShareInput = { url, text: share.text ?? null, title: share.title ?? null };
	const result = await app.queue.enqueue({
		userId,
		pipeline: RECIPE_PIPELINE,
		input,
		dedupeKey: normalizeUrl(url),
		idempotencyKey: idempotencyKey ?? null
	});
	if (result.kind === 'key_reused') {
		throw new ApiError(422, 'idempotency_key_reused', 'this Idempotency-Key was already used for a different link');
	}
	return { kind: result.kind, item: toItem(result.job) };
}
