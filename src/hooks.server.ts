import type { Handle, HandleServerError, ServerInit } from '@sveltejs/kit';
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
	const refused = crossSiteRefusal(event.request, event.url);
	if (refused) return refused;
	const app = await getApp();
	event.locals.app = app;
	event.locals.log = app.log;
	// Accounts arrive with sign-in; until then everything belongs to the local owner.
	event.locals.user = { id: app.localUserId };
	return resolve(event);
};

export const handleError: HandleServerError = async ({ error, event, status, message }) => {
	if (status >= 500) {
		const app = await getApp().catch(() => null);
		app?.log.error({ err: error, path: event.url.pathname }, 'unhandled error');
	}
	return { message: status >= 500 ? 'Something went wrong on the server.' : message };
};
