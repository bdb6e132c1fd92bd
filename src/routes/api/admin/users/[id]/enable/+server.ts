import { json } from '@sveltejs/kit';
import { setUserDisabled } from '$lib/server/admin/actions';
import { api, methodNotAllowed, requireAdmin } from '$lib/server/http/api';

/** The account may sign in again; its API tokens work again. */
export const POST = api(async ({ locals, params }) => {
	const actor = requireAdmin(locals);
	return json({ user: await setUserDisabled(locals.app, actor, params.id!, false) });
});

export const fallback = methodNotAllowed(['POST']);
