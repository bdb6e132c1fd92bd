import { redirect } from '@sveltejs/kit';
import { clearSessionCookie } from '$lib/server/auth/request';
import { invalidateSession } from '$lib/server/auth/sessions';
import type { Actions, PageServerLoad } from './$types';

// Signing out changes state, so it is a POST (the header's button); a GET just goes home.
export const load: PageServerLoad = async () => redirect(303, '/');

export const actions: Actions = {
	default: async ({ locals, cookies, url }) => {
		if (locals.auth.via === 'session') await invalidateSession(locals.app.database, locals.auth.sessionId);
		clearSessionCookie(cookies, url);
		redirect(303, '/login');
	}
};
