import { redirect } from '@sveltejs/kit';
import { Credentials } from '$lib/contract/auth';
import { sessionFormAction } from '$lib/server/auth/form';
import { signUpAndIn } from '$lib/server/auth/sign-in';
import { countAccounts } from '$lib/server/auth/users';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => {
	if (locals.user) redirect(303, '/');
	const first = (await countAccounts(locals.app.database)) === 0;
	return { first, open: first || locals.app.config.SIGNUP === 'open' };
};

export const actions: Actions = {
	default: (event) => sessionFormAction(event, Credentials, signUpAndIn, () => '/')
};
