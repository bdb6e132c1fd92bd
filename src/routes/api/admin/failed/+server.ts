import { json } from '@sveltejs/kit';
import { FailedQuery } from '$lib/contract/admin';
import { failedItems } from '$lib/server/admin/failed';
import { api, methodNotAllowed, parseQuery, requireAdmin } from '$lib/server/http/api';

/** Every user's failed and dead items, most recent first. */
export const GET = api(async ({ locals, url }) => {
	requireAdmin(locals);
	return json(await failedItems(locals.app.database, parseQuery(url, FailedQuery)));
});

export const fallback = methodNotAllowed(['GET']);
