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
import { TargetInput, TargetTestInput, targetNames } from '$lib/contract/targets';
import { TargetInputError } from '$lib/server/targets/settings';
import { testTarget } from '$lib/server/targets/test-connection';
import { SessionCookie, SessionPlatform, sessionPlatformNames } from '$lib/contract/platform-sessions';
import { ServiceTestRequest } from '$lib/contract/reading-services';
import { testReadingService } from '$lib/server/admin/actions';
import { ApiError } from '$lib/server/http/api-error';
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
		target: await locals.app.targets.settings.view(user.id),
		platformSessions: await locals.app.platformSessions.list(user.id),
		readingServices: locals.app.readingServices.view(user.isAdmin).services,
		users: user.isAdmin ? await listUsers(database) : null,
		signup: config.SIGNUP,
		origin: url.origin
	};
};

/** The target form's fields; the token is read but never sent back to the page. */
async function targetForm(request: Request) {
	const form = await request.formData();
	const field = (name: string) => String(form.get(name) ?? '').trim();
	const kind = field('kind');
	const values = { kind, baseUrl: field('baseUrl') };
	const token = field('token');
	return { values, input: kind === 'none' ? { kind } : { ...values, ...(token ? { token } : {}) } };
}

function targetProblem(error: { issues: { path: PropertyKey[]; message: string }[] }) {
	const issue = error.issues[0]!;
	const field = String(issue.path[0] ?? 'kind');
	const label = field === 'baseUrl' ? 'Address' : field === 'token' ? 'API token' : 'Recipe manager';
	return `${label}: ${issue.message}`;
}

export const actions: Actions = {
	saveTarget: async ({ request, locals }) => {
		const user = currentUser(locals);
		const { values, input } = await targetForm(request);
		const parsed = TargetInput.safeParse(input);
		if (!parsed.success) return fail(400, { section: 'target', message: targetProblem(parsed.error), values });
		try {
			await locals.app.targets.settings.save(user.id, parsed.data);
		} catch (err) {
			if (err instanceof TargetInputError) return fail(400, { section: 'target', message: `API token: ${err.message}`, values });
			throw err;
		}
		return { section: 'target', saved: parsed.data.kind };
	},

	testTarget: async ({ request, locals }) => {
		const user = currentUser(locals);
		const { values, input } = await targetForm(request);
		const parsed = TargetTestInput.safeParse(input);
		if (!parsed.success) return fail(400, { section: 'target', message: targetProblem(parsed.error), values });
		const outcome = await testTarget(locals.app.targets, user.id, parsed.data, request.signal);
		if (!outcome.ok) return fail(outcome.status, { section: 'target', message: `${targetNames[parsed.data.kind]}: ${outcome.message}`, values });
		return { section: 'target', tested: outcome.report, values };
	},

	resetTarget: async ({ locals }) => {
		await locals.app.targets.settings.reset(currentUser(locals).id);
		return { section: 'target', reset: true };
	},

	// The pasted cookie is never sent back to the page, not even when it is refused.
	saveSession: async ({ request, locals }) => {
		const form = await request.formData();
		const platform = SessionPlatform.safeParse(form.get('platform'));
		if (!platform.success) return fail(400, { section: 'platform-sessions', message: 'Choose Instagram or TikTok.' });
		const cookie = SessionCookie(platform.data).safeParse(String(form.get('cookie') ?? ''));
		if (!cookie.success) return fail(400, { section: 'platform-sessions', platform: platform.data, message: `${sessionPlatformNames[platform.data]}: ${cookie.error.issues[0]!.message}` });
		await locals.app.platformSessions.save(currentUser(locals).id, platform.data, cookie.data);
		return { section: 'platform-sessions', platform: platform.data, saved: true };
	},

	removeSession: async ({ request, locals }) => {
		const platform = SessionPlatform.safeParse((await request.formData()).get('platform'));
		if (!platform.success) return fail(400, { section: 'platform-sessions', message: 'Choose Instagram or TikTok.' });
		await locals.app.platformSessions.remove(currentUser(locals).id, platform.data);
		return { section: 'platform-sessions', platform: platform.data, removed: true };
	},

	testService: async ({ request, locals }) => {
		const user = currentUser(locals);
		const parsed = ServiceTestRequest.safeParse({ service: (await request.formData()).get('service') });
		if (!parsed.success) return fail(400, { section: 'reading-services', message: 'Choose a service to test.' });
		const { service } = parsed.data;
		if (!user.isAdmin) return fail(403, { section: 'reading-services', service, message: 'Only the admin can test the server’s services.' });
		try {
			return { section: 'reading-services', service, tested: await testReadingService(locals.app, user, service, request.signal) };
		} catch (err) {
			if (err instanceof ApiError) return fail(err.status, { section: 'reading-services', service, message: err.message });
			throw err;
		}
	},

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
