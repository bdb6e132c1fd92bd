import { redirect } from '@sveltejs/kit';
import { Credentials } from '$lib/contract/auth';
import { clientOf } from '$lib/server/auth/client';
import { formFailure, parseForm } from '$lib/server/auth/form';
import { setSessionCookie } from '$lib/server/auth/request';
import { signUpAndIn } from '$lib/server/auth/sign-in';
import { countAccounts } from '$lib/server/auth/users';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => {
	if (locals.user) redirect(303, '/');
	const first = (await countAccounts(locals.app.database)) === 0;
	return { first, open: first || locals.app.config.SIGNUP === 'open' };
};

export const actions: Actions = {
	default: async (event) => {
		const form = await event.request.formData();
		const parsed = parseForm(form, Credentials, ['username', 'password']);
		if (!parsed.ok) return parsed.failure;
		try {
			const signedIn = await signUpAndIn(event.locals.app, parsed.data, clientOf(event));
			setSessionCookie(event.cookies, event.url, signedIn.token, signedIn.expiresAt);
		} catch (err) {
			return formFailure(err, { username: parsed.data.username });
		}
		redirect(303, '/');
	}
};
