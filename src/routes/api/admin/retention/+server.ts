import { json } from '@sveltejs/kit';
import { RetentionUpdate } from '$lib/contract/admin';
import { updateRetention } from '$lib/server/admin/actions';
import { api, methodNotAllowed, readJson, requireAdmin } from '$lib/server/http/api';

/** How long events and outputs are kept, the environment's defaults, and the last run. */
export const GET = api(async ({ locals }) => {
	requireAdmin(locals);
	return json(await locals.app.retention.settings());
});

/** Overrides the defaults for every process; null goes back to the default. */
export const PUT = api(async ({ locals, request }) => {
	const actor = requireAdmin(locals);
	return json(await updateRetention(locals.app, actor, await readJson(request, RetentionUpdate)));
});

export const fallback = methodNotAllowed(['GET', 'PUT']);
