import { errorResponse } from '$lib/server/http/api';
import type { RequestHandler } from './$types';

/** Unknown API paths answer in JSON like the rest of the API, not with the HTML error page. */
export const fallback: RequestHandler = async ({ url }) =>
	errorResponse(404, 'not_found', `no API endpoint at ${url.pathname}`);
