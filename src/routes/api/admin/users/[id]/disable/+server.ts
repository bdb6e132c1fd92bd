import { json } from '@sveltejs/kit';
import { setUserDisabled } from '$lib/server/admin/actions';
import { api, methodNotAllowed, requireAdmin } from '$lib/server/http/api';

/** The account can no longer sign in; its sessions end and its API tokens are refused until it is enabled. */
export const POST = api(async ({ locals, params }) => {
	const actor = requireAdmin(locals);
	return json({ user: await setUserDisabled(locals.app, actor, params.id!, true) });
});

export const fallback = methodNotAllowed(['POST']);
