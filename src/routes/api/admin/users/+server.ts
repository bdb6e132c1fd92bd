import { json } from '@sveltejs/kit';
import { listAccounts } from '$lib/server/admin/users';
import { api, methodNotAllowed, requireAdmin } from '$lib/server/http/api';

/** Every account with its counts and whether it is disabled. */
export const GET = api(async ({ locals }) => {
	requireAdmin(locals);
	return json({ users: await listAccounts(locals.app.database) });
});

export const fallback = methodNotAllowed(['GET']);
