import { json } from '@sveltejs/kit';
import { deleteUser } from '$lib/server/admin/actions';
import { api, methodNotAllowed, requireAdmin } from '$lib/server/http/api';

/** Deletes the account with everything that is its (items, recipes, devices, tokens). */
export const DELETE = api(async ({ locals, params }) => {
	const actor = requireAdmin(locals);
	return json(await deleteUser(locals.app, actor, params.id!));
});

export const fallback = methodNotAllowed(['DELETE']);
