import { json } from '@sveltejs/kit';
import type { BatchActionResult } from '$lib/contract/imports';
import { api, currentUser, methodNotAllowed } from '$lib/server/http/api';
import { batchNotFound, batchView, isBatchId } from '$lib/server/imports/batches';

/** Retry all failed: the batch's failed, dead and canceled items run again (200, with how many). */
export const POST = api(async ({ params, locals }) => {
	const done = isBatchId(params.id) ? await locals.app.queue.retryBatch(currentUser(locals).id, params.id) : null;
	if (!done) throw batchNotFound();
	const answer: BatchActionResult = { batch: await batchView(locals.app, done.batch), changed: done.retried };
	return json(answer);
});

export const fallback = methodNotAllowed(['POST']);
