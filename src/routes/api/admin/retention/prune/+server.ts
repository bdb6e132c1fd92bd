import { json } from '@sveltejs/kit';
import { pruneNow } from '$lib/server/admin/actions';
import { api, methodNotAllowed, requireAdmin } from '$lib/server/http/api';

/** Prunes now, without waiting for the hourly run. */
export const POST = api(async ({ locals }) => {
	return json(await pruneNow(locals.app, requireAdmin(locals)));
});

export const fallback = methodNotAllowed(['POST']);
