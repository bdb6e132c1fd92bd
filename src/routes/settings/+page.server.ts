import { fail, redirect } from '@sveltejs/kit';
import { ChangePasswordRequest, CreateTokenRequest, Credentials } from '$lib/contract/auth';
import { createApiToken, listApiTokens, revokeApiToken } from '$lib/server/auth/api-tokens';
import { parseForm } from '$lib/server/auth/form';
import { clearSessionCookie, setSessionCookie } from '$lib/server/auth/request';
import { createSession, invalidateUserSessions } from '$lib/server/auth/sessions';
import { changePassword, createAccount, listUsers, UsernameTaken } from '$lib/server/auth/users';
import { getPreferences } from '$lib/server/push/preferences';
import { subscriptionsOf, toPushDevice } from '$lib/server/push/subscriptions';
import { currentUser } from '$lib/server/http/api';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
	const user = currentUser(locals);
	const { database, config } = locals.app;
	return {
		account: user,
		notifications: {
			devices: (await subscriptionsOf(database, user.id)).map(toPushDevice),
			preferences: await getPreferences(database, user.id)
		},
		tokens: await listApiTokens(database, user.id),
		users: user.isAdmin ? await listUsers(database) : null,
		signup: config.SIGNUP,
		origin: url.origin
	};
};

export const actions: Actions = {
	createToken: async ({ request, locals }) => {
		const user = currentUser(locals);
		const parsed = parseForm(await request.formData(), CreateTokenRequest, ['name'], 'tokens');
		if (!parsed.ok) return parsed.failure;
		const created = await createApiToken(locals.app.database, user.id, parsed.data.name);
		return { section: 'tokens', created };
	},

	revokeToken: async ({ request, locals }) => {
		const user = currentUser(locals);
		const id = String((await request.formData()).get('id') ?? '');
		if (!(await revokeApiToken(locals.app.database, user.id, id))) return fail(404, { section: 'tokens', message: 'That token no longer exists.' });
		return { section: 'tokens', revoked: true };
	},

	changePassword: async ({ request, locals, cookies, url }) => {
		const user = currentUser(locals);
		const parsed = parseForm(await request.formData(), ChangePasswordRequest, ['currentPassword', 'newPassword'], 'password');
		if (!parsed.ok) return parsed.failure;
		const { database } = locals.app;
		if (!(await changePassword(database, user.id, parsed.data.currentPassword, parsed.data.newPassword))) {
			return fail(403, { section: 'password', message: 'The current password is not right.' });
		}
		// Other devices must sign in again with the new password; this one stays signed in.
		await invalidateUserSessions(database, user.id);
		const session = await createSession(database, user.id, { userAgent: request.headers.get('user-agent') });
		setSessionCookie(cookies, url, session.token, session.expiresAt);
		return { section: 'password', changed: true };
	},

	logoutAll: async ({ locals, cookies, url }) => {
		await invalidateUserSessions(locals.app.database, currentUser(locals).id);
		clearSessionCookie(cookies, url);
		redirect(303, '/login');
	},

	createUser: async ({ request, locals }) => {
		if (!currentUser(locals).isAdmin) return fail(403, { section: 'users', message: 'Only the admin can add people.' });
		const parsed = parseForm(await request.formData(), Credentials, ['username', 'password'], 'users');
		if (!parsed.ok) return parsed.failure;
		try {
			const user = await createAccount(locals.app.database, parsed.data.username, parsed.data.password);
			return { section: 'users', userCreated: user.username };
		} catch (err) {
			if (err instanceof UsernameTaken) return fail(409, { section: 'users', message: 'That username is taken.', values: { username: parsed.data.username } });
			throw err;
		}
	}
};
