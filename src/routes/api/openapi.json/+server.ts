import { json } from '@sveltejs/kit';
import { version } from '../../../../package.json';
import { methodNotAllowed } from '$lib/server/http/api';
import { openApiDocument } from '$lib/server/http/openapi';
import type { RequestHandler } from './$types';

// The document only changes with a new build; behind one origin it is generated once. The origin
// is this server's own (ORIGIN, or the request's host), so a client can call the URLs it lists.
let cached: { origin: string; document: object } | null = null;

/** The OpenAPI 3.1 document of this API, generated from the zod schemas the routes validate with. Public. */
export const GET: RequestHandler = async ({ url }) => {
	if (cached?.origin !== url.origin) cached = { origin: url.origin, document: openApiDocument({ version, serverUrl: url.origin }) };
	// no-cache: a client may keep it, but asks again after an upgrade instead of trusting an old copy.
	return json(cached.document, { headers: { 'cache-control': 'no-cache' } });
};

export const fallback = methodNotAllowed(['GET']);
