import { json } from '@sveltejs/kit';
import { Credentials } from '$lib/contract/auth';
import { createAccount, listUsers, UsernameTaken } from '$lib/server/auth/users';
import { api, ApiError, methodNotAllowed, readJson, requireAdmin } from '$lib/server/http/api';

/** The admin's list of accounts. */
export const GET = api(async ({ locals }) => {
	requireAdmin(locals);
	return json({ users: await listUsers(locals.app.database) });
});

/** The admin creates an account for someone (whatever SIGNUP says). */
export const POST = api(async ({ request, locals }) => {
	requireAdmin(locals);
	const body = await readJson(request, Credentials);
	try {
		return json({ user: await createAccount(locals.app.database, body.username, body.password) }, { status: 201 });
	} catch (err) {
		if (err instanceof UsernameTaken) throw new ApiError(409, 'username_taken', err.message);
		throw err;
	}
});

export const fallback = methodNotAllowed(['GET', 'POST']);
