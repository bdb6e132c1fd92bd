import { redirect } from '@sveltejs/kit';
import { LoginRequest } from '$lib/contract/auth';
import { sessionFormAction } from '$lib/server/auth/form';
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
	default: (event) =>
		sessionFormAction(event, LoginRequest, logIn, (form) => safeRedirectTarget(String(form.get('redirectTo') ?? '/')))
};
