import { json } from '@sveltejs/kit';
import { ChangePasswordRequest } from '$lib/contract/auth';
import { createSession, invalidateUserSessions } from '$lib/server/auth/sessions';
import { setSessionCookie } from '$lib/server/auth/request';
import { changePassword } from '$lib/server/auth/users';
import { api, ApiError, methodNotAllowed, readJson, requireSession } from '$lib/server/http/api';

/** Changes the password; every other session ends, this browser gets a fresh one. */
export const POST = api(async ({ request, locals, cookies, url }) => {
	const user = requireSession(locals);
	const body = await readJson(request, ChangePasswordRequest);
	const { database } = locals.app;
	if (!(await changePassword(database, user.id, body.currentPassword, body.newPassword))) {
		throw new ApiError(403, 'wrong_password', 'the current password is not right');
	}
	await invalidateUserSessions(database, user.id);
	const session = await createSession(database, user.id, { userAgent: request.headers.get('user-agent') });
	setSessionCookie(cookies, url, session.token, session.expiresAt);
	return json({ ok: true });
});

export const fallback = methodNotAllowed(['POST']);
