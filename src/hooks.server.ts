import { redirect, type Handle, type HandleServerError, type ServerInit } from '@sveltejs/kit';
import { authenticate } from '$lib/server/auth/request';
import { countAccounts } from '$lib/server/auth/users';
import { isApiPath, isPublicPath, loginUrl } from '$lib/server/http/access';
import { databaseUnavailable, errorResponse } from '$lib/server/http/api';
import { isDatabaseUnavailable } from '$lib/server/db/unavailable';
import { crossSiteRefusal } from '$lib/server/http/csrf';
import { getApp } from '$lib/server/runtime';
import { startupFailureMessage } from '$lib/server/startup-error';

/** Opens the database, applies migrations and starts the worker (unless disabled) at start-up. */
export const init: ServerInit = async () => {
	try {
		await getApp();
	} catch (err) {
		console.error(startupFailureMessage(err));
		process.exit(1);
	}
};

export const handle: Handle = async ({ event, resolve }) => {
	const app = await getApp();
	event.locals.app = app;
	event.locals.log = app.log;

	let auth: Awaited<ReturnType<typeof authenticate>>;
	try {
		auth = await authenticate(app.database, event);
	} catch (err) {
		if (isDatabaseUnavailable(err)) return databaseUnavailable();
		throw err;
	}
	event.locals.user = auth.user;
	event.locals.auth = auth;

	const refused = crossSiteRefusal(event.request, event.url, auth.via === 'session');
	if (refused) return refused;

	const api = isApiPath(event.url.pathname);
	if (api && auth.via === null && auth.problem) {
		const message = auth.problem === 'invalid_token' ? 'this API token is not valid (revoked or mistyped)' : 'use Authorization: Bearer <token>';
		return errorResponse(401, auth.problem, message, undefined, { 'www-authenticate': 'Bearer realm="cookmark"' });
	}
	if (!auth.user && !isPublicPath(event.url.pathname)) {
		if (api) {
			return errorResponse(401, 'unauthorized', 'sign in, or send an API token as Authorization: Bearer <token>', undefined, {
				'www-authenticate': 'Bearer realm="cookmark"'
			});
		}
		// A brand-new server has nobody to sign in as: start with creating the first account.
		redirect(303, (await countAccounts(app.database)) === 0 ? '/signup' : loginUrl(event.url));
	}
	return resolve(event);
};

export const handleError: HandleServerError = async ({ error, event, status, message }) => {
	if (status >= 500) {
		const app = await getApp().catch(() => null);
		app?.log.error({ err: error, path: event.url.pathname }, 'unhandled error');
	}
	return { message: status >= 500 ? 'Something went wrong on the server.' : message };
};
