import type { Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import { error, isHttpError, isRedirect, type Handle, type HandleServerError, type ServerInit } from '@sveltejs/kit';
import { authenticate, type RequestAuth } from '$lib/server/auth/request';
import { countAccounts } from '$lib/server/auth/users';
import { isApiPath, isPublicPath, isShareTargetPost, loginUrl } from '$lib/server/http/access';
import { databaseUnavailable, decodedPath, errorResponse } from '$lib/server/http/api';
import { isDatabaseUnavailable } from '$lib/server/db/unavailable';
import { crossSiteRefusal } from '$lib/server/http/csrf';
import { withSecurityHeaders } from '$lib/server/http/security-headers';
import { discardUnreadBody } from '$lib/server/http/unread-body';
import { spareBusyKeepAliveConnections } from '$lib/server/http/keep-alive.js';
import { answerRefusedRequestsInJson } from '$lib/server/http/client-errors.js';
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
	// adapter-node's own server (`node build`): once, on its first request.
	const server = (event.platform as { req?: { socket?: { server?: Server } } } | undefined)?.req?.socket?.server;
	if (server) {
		spareBusyKeepAliveConnections(server);
		answerRefusedRequestsInJson(server);
	}
	const started = performance.now();
	const requestId = requestIdOf(event.request);
	let status = 500;
	try {
		const response = withSecurityHeaders(await gate({ event, resolve }, requestId));
		response.headers.set('x-request-id', requestId);
		status = response.status;
		return response;
	} catch (err) {
		if (isHttpError(err) || isRedirect(err)) status = err.status;
		throw err;
	} finally {
		discardUnreadBody(event.request);
		// Until the answer starts: a live stream counts its opening, not its hours.
		event.locals.app?.metrics.httpRequest(event.route.id, event.request.method, status, (performance.now() - started) / 1000);
	}
};

/** A proxy's X-Request-ID when it looks like one (it goes into logs), else a new one. */
function requestIdOf(request: Request): string {
	const given = request.headers.get('x-request-id');
	return given && /^[\w.:-]{1,64}$/.test(given) ? given : randomUUID();
}

/** Signs the request in and refuses what it may not do; everything else goes to its route. */
const gate = async ({ event, resolve }: Parameters<Handle>[0], requestId: string): Promise<Response> => {
	const app = await getApp();
	event.locals.app = app;
	// Made when first used: most requests log nothing, and a child logger (with redaction) costs
	// about 5 µs, a measurable share of a POST's half millisecond.
	let log: typeof app.log | undefined;
	Object.defineProperty(event.locals, 'log', { get: () => (log ??= app.log.child({ reqId: requestId })), configurable: true, enumerable: true });

	let auth: RequestAuth;
	try {
		auth = await authenticate(app.database, event);
	} catch (err) {
		if (!isDatabaseUnavailable(err)) throw err;
		// The probes must answer whatever credentials they are sent: /api/health stays up in an outage.
		if (isPublicPath(event.url.pathname)) auth = { user: null, via: null };
		else if (isApiPath(event.url.pathname)) return databaseUnavailable();
		else error(503, 'The database does not answer right now; try again shortly.');
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
	if (!auth.user && !isPublicPath(event.url.pathname) && !isShareTargetPost(event.request, event.url)) {
		if (api) {
			return errorResponse(401, 'unauthorized', 'sign in, or send an API token as Authorization: Bearer <token>', undefined, {
				'www-authenticate': 'Bearer realm="cookmark"'
			});
		}
		// A brand-new server has nobody to sign in as: start with creating the first account.
		const to = (await countAccounts(app.database)) === 0 ? '/signup' : loginUrl(event.url);
		// Returned, not thrown with redirect(): a thrown one would be answered past the headers above.
		return new Response(null, { status: 303, headers: { location: to } });
	}
	// Kit answers a path that is no valid percent-encoding (/api/recipes/%C0%AF) with its HTML error page.
	if (api && decodedPath(event.url.pathname) === null) return errorResponse(400, 'malformed_path', 'the path is not valid percent-encoded UTF-8');
	return resolve(event);
};

export const handleError: HandleServerError = async ({ error, event, status, message }) => {
	if (status >= 500) {
		const log = event.locals.log ?? (await getApp().catch(() => null))?.log;
		log?.error({ err: error, path: event.url.pathname }, 'unhandled error');
	}
	// Kit's "Content-length of N exceeds limit of M bytes" reaches a person only from a form sent
	// without JavaScript (the paste box checks the length itself otherwise).
	if (status === 413) return { message: 'That was more than Cookmark takes in one go. Paste just the link, and try again.' };
	return { message: status >= 500 ? 'Something went wrong on the server.' : message };
};
