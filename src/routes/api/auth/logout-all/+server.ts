import { json } from '@sveltejs/kit';
import { clearSessionCookie } from '$lib/server/auth/request';
import { invalidateUserSessions } from '$lib/server/auth/sessions';
import { api, currentUser, methodNotAllowed } from '$lib/server/http/api';

/** "Log out everywhere": ends every session of this account (API tokens stay; revoke those in Settings). */
export const POST = api(async ({ locals, cookies, url }) => {
	const user = currentUser(locals);
	const sessions = await invalidateUserSessions(locals.app.database, user.id);
	clearSessionCookie(cookies, url);
	return json({ ok: true, sessions });
});

export const fallback = methodNotAllowed(['POST']);
