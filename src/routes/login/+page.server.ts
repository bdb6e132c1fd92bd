import { redirect } from '@sveltejs/kit';
import { LoginRequest } from '$lib/contract/auth';
import { clientOf } from '$lib/server/auth/client';
import { formFailure, parseForm } from '$lib/server/auth/form';
import { setSessionCookie } from '$lib/server/auth/request';
import { logIn } from '$lib/server/auth/sign-in';
import { countAccounts } from '$lib/server/auth/users';
import { safeRedirectTarget } from '$lib/server/http/access';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
	const target = safeRedirectTarget(url.searchParams.get('redirectTo'));
	if (locals.user) redirect(303, target);
	const accounts = await countAccounts(locals.app.database);
	if (accounts === 0) redirect(303, '/signup');
	return { signupOpen: locals.app.config.SIGNUP === 'open', redirectTo: target };
};

export const actions: Actions = {
	default: async (event) => {
		const form = await event.request.formData();
		const parsed = parseForm(form, LoginRequest, ['username', 'password']);
		if (!parsed.ok) return parsed.failure;
		try {
			const signedIn = await logIn(event.locals.app, parsed.data, clientOf(event));
			setSessionCookie(event.cookies, event.url, signedIn.token, signedIn.expiresAt);
		} catch (err) {
			return formFailure(err, { username: parsed.data.username });
		}
		redirect(303, safeRedirectTarget(String(form.get('redirectTo') ?? '/')));
	}
};
