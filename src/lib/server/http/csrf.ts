import { text } from '@sveltejs/kit';
import { errorResponse } from './api';

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const FORM_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain'];

/**
 * SvelteKit's CSRF rule, kept here so the API can answer in its own JSON error shape: a
 * state-changing request with a form content type (the only kind another site can send
 * without a CORS preflight) must come from this origin. Pages also refuse a missing Origin,
 * as SvelteKit does; API clients such as scripts send none, and the JSON-only API answers
 * their form bodies with 415.
 */
export function crossSiteRefusal(request: Request, url: URL): Response | null {
	if (!UNSAFE.has(request.method)) return null;
	const type = (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
	if (!FORM_TYPES.includes(type)) return null;
	const origin = request.headers.get('origin');
	if (origin === url.origin) return null;
	const isApi = url.pathname === '/api' || url.pathname.startsWith('/api/');
	if (isApi) {
		return origin ? errorResponse(403, 'cross_site_request', 'cross-site requests to the API are refused') : null;
	}
	return text(`Cross-site ${request.method} form submissions are forbidden`, { status: 403 });
}
