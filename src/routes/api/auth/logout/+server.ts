import { json } from '@sveltejs/kit';
import { clearSessionCookie } from '$lib/server/auth/request';
import { invalidateSession } from '$lib/server/auth/sessions';
import { api, methodNotAllowed } from '$lib/server/http/api';

/** Ends this browser's session. Idempotent: signed out already is fine. */
export const POST = api(async ({ locals, cookies, url }) => {
	if (locals.auth.via === 'session') await invalidateSession(locals.app.database, locals.auth.sessionId);
	clearSessionCookie(cookies, url);
	return json({ ok: true });
});

export const fallback = methodNotAllowed(['POST']);
