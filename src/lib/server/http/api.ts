import { json, type RequestEvent, type RequestHandler } from '@sveltejs/kit';
import { z } from 'zod';
import type { ApiError as ApiErrorBody, ApiIssue } from '../../contract/errors';
import type { SessionUser } from '../auth/sessions';
import { isDatabaseUnavailable } from '../db/unavailable';
import { ApiError } from './api-error';

export { ApiError };

export function errorResponse(status: number, code: string, message: string, issues?: ApiIssue[], headers?: Record<string, string>): Response {
	const body: ApiErrorBody = { error: { code, message, ...(issues ? { issues } : {}) } };
	return json(body, { status, headers });
}

function issuesOf(error: z.ZodError): ApiIssue[] {
	return error.issues.map((i) => ({ path: i.path.join('.') || '(root)', message: i.message }));
}

const MAX_JSON_BYTES = 64 * 1024;

const tooLarge = (limit: number) => new ApiError(413, 'payload_too_large', `the body may be at most ${limit} bytes`);

/**
 * The body as text, refused with 413 past `limit` bytes. A body sent without a length (chunked) is
 * counted as it arrives; what follows an overflow is still read and dropped, so the connection
 * stays usable for the client's next request.
 */
async function readTextUpTo(request: Request, limit: number): Promise<string> {
	const reader = request.body?.getReader();
	if (!reader) return '';
	const chunks: Uint8Array[] = [];
	let size = 0;
	try {
		for (;;) {
			const { done, value } = await reader.read();
			if (done) break;
			size += value.byteLength;
			if (size > limit) {
				void (async () => {
					while (!(await reader.read()).done);
				})().catch(() => {});
				throw tooLarge(limit);
			}
			chunks.push(value);
		}
	} catch (err) {
		if (err instanceof ApiError) throw err;
		// SvelteKit errors the stream itself past BODY_SIZE_LIMIT or a body longer than declared.
		if ((err as { status?: number }).status === 413) throw tooLarge(limit);
		throw new ApiError(400, 'invalid_body', 'the request body could not be read');
	}
	return new TextDecoder().decode(Buffer.concat(chunks));
}

/**
 * Reads and validates a JSON body: 415 for another media type, 413 when too big (64 KiB unless the
 * route allows more), 400 when malformed or invalid.
 */
export async function readJson<S extends z.ZodType>(request: Request, schema: S, maxBytes = MAX_JSON_BYTES): Promise<z.infer<S>> {
	const type = (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
	if (type !== 'application/json') {
		throw new ApiError(415, 'unsupported_media_type', 'send the body as application/json');
	}
	const declared = Number(request.headers.get('content-length') ?? NaN);
	if (declared > maxBytes) throw tooLarge(maxBytes);
	const text = await readTextUpTo(request, maxBytes);
	let value: unknown;
	try {
		value = JSON.parse(text);
	} catch {
		throw new ApiError(400, 'invalid_json', 'the body is not valid JSON');
	}
	const parsed = schema.safeParse(value);
	if (!parsed.success) throw new ApiError(400, 'validation_failed', 'the request is not valid', issuesOf(parsed.error));
	return parsed.data;
}

/**
 * Reads a JSON body like readJson, but a body that is well-formed JSON with a field that breaks
 * its rules is a 422 whose message names each such field (`title: a recipe needs a title`).
 */
export async function readJsonFields<S extends z.ZodType>(request: Request, schema: S): Promise<z.infer<S>> {
	const parsed = schema.safeParse(await readJson(request, z.unknown()));
	if (parsed.success) return parsed.data;
	const issues = issuesOf(parsed.error);
	throw new ApiError(422, 'validation_failed', issues.map((i) => `${i.path}: ${i.message}`).join('; '), issues);
}

export function parseQuery<S extends z.ZodType>(url: URL, schema: S): z.infer<S> {
	const parsed = schema.safeParse(Object.fromEntries(url.searchParams));
	if (!parsed.success) throw new ApiError(400, 'validation_failed', 'the query string is not valid', issuesOf(parsed.error));
	return parsed.data;
}

/** The path decoded, null when it is no valid percent-encoded UTF-8 ("%C0%AF", "%A"). */
export function decodedPath(pathname: string): string | null {
	// The decoded value is returned, not dropped: the bundler removes a call to decodeURI whose result goes unused, and its throw with it.
	try {
		return decodeURI(pathname);
	} catch {
		return null;
	}
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A path id that is not a UUID names nothing: 404, the same as an id that does not exist. */
export function itemId(value: string | undefined): string {
	if (!value || !UUID.test(value)) throw notFound();
	return value.toLowerCase();
}

export const notFound = () => new ApiError(404, 'not_found', 'no such item');

/** While the database cannot be reached: the request may be repeated as it is, shortly. */
export const databaseUnavailable = () =>
	errorResponse(503, 'database_unavailable', 'the database does not answer right now; try again shortly', undefined, { 'retry-after': '5' });

/**
 * Wraps a JSON endpoint: ApiErrors become their JSON answer; a database that cannot be reached a
 * 503; anything else is logged and answered with a JSON 500 that names no internals.
 */
export function api(handler: (event: RequestEvent) => Promise<Response>): RequestHandler {
	return async (event) => {
		try {
			return await handler(event);
		} catch (err) {
			if (err instanceof ApiError) return errorResponse(err.status, err.code, err.message, err.issues, err.headers);
			if (isDatabaseUnavailable(err)) return databaseUnavailable();
			event.locals.log?.error({ err, path: event.url.pathname }, 'request failed');
			return errorResponse(500, 'internal_error', 'something went wrong on the server');
		}
	};
}

/** `fallback` for endpoints: other methods get a JSON 405 with Allow. */
export function methodNotAllowed(allowed: string[]): RequestHandler {
	return async () =>
		errorResponse(405, 'method_not_allowed', `use ${allowed.join(' or ')}`, undefined, { allow: allowed.join(', ') });
}

/** The signed-in user. hooks.server.ts already refused anonymous requests to non-public routes. */
export function currentUser(locals: App.Locals): SessionUser {
	if (!locals.user) throw new ApiError(401, 'unauthorized', 'sign in first');
	return locals.user;
}

/** For what a leaked API token must not be able to do (mint more tokens, change the password). */
export function requireSession(locals: App.Locals): SessionUser {
	const user = currentUser(locals);
	if (locals.auth.via !== 'session') throw new ApiError(403, 'session_required', 'this needs a signed-in browser session, not an API token');
	return user;
}

export function requireAdmin(locals: App.Locals): SessionUser {
	const user = currentUser(locals);
	if (!user.isAdmin) throw new ApiError(403, 'admin_only', 'only the admin can do this');
	return user;
}
