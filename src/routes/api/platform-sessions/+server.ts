import { json } from '@sveltejs/kit';
import { api, currentUser, methodNotAllowed } from '$lib/server/http/api';

/** The Instagram and TikTok sessions this person saved: when, never the value. */
export const GET = api(async ({ locals }) => {
	return json({ sessions: await locals.app.platformSessions.list(currentUser(locals).id) });
});

export const fallback = methodNotAllowed(['GET']);
