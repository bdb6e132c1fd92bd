import { json } from '@sveltejs/kit';
import { RetryFailedRequest } from '$lib/contract/admin';
import { retryFailed } from '$lib/server/admin/actions';
import { api, methodNotAllowed, readJson, requireAdmin } from '$lib/server/http/api';

/** Queues the chosen failed items, or all of them, again; they resume at their first unfinished phase. */
export const POST = api(async ({ locals, request }) => {
	const actor = requireAdmin(locals);
	return json(await retryFailed(locals.app, actor, await readJson(request, RetryFailedRequest)));
});

export const fallback = methodNotAllowed(['POST']);
