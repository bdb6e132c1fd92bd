import { json } from '@sveltejs/kit';
import { ResetPasswordRequest } from '$lib/contract/admin';
import { resetPassword } from '$lib/server/admin/actions';
import { api, methodNotAllowed, readJson, requireAdmin } from '$lib/server/http/api';

/** Sets a new password (the admin's, or a generated one answered this once) and ends the account's sessions. */
export const POST = api(async ({ locals, params, request }) => {
	const actor = requireAdmin(locals);
	const body = await readJson(request, ResetPasswordRequest);
	return json(await resetPassword(locals.app, actor, params.id!, body.password));
});

export const fallback = methodNotAllowed(['POST']);
