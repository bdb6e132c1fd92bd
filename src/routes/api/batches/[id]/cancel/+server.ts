import { json } from '@sveltejs/kit';
import type { BatchActionResult } from '$lib/contract/imports';
import { api, currentUser, methodNotAllowed } from '$lib/server/http/api';
import { batchNotFound, batchView, isBatchId } from '$lib/server/imports/batches';

/** Cancel the rest: the batch's waiting and running items stop; what finished stays (200, with how many). */
export const POST = api(async ({ params, locals }) => {
	const done = isBatchId(params.id) ? await locals.app.queue.cancelBatch(currentUser(locals).id, params.id) : null;
	if (!done) throw batchNotFound();
	const answer: BatchActionResult = { batch: await batchView(locals.app, done.batch), changed: done.canceled };
	return json(answer);
});

export const fallback = methodNotAllowed(['POST']);
