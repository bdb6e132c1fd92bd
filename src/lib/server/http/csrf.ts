import { json, text } from '@sveltejs/kit';
import { errorResponse } from './api';

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const FORM_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain'];

/**
 * Cross-site request refusal. First SvelteKit's CSRF rule, kept here so the API can answer in its own JSON error shape: a
 * state-changing request with a form content type (the only kind another site can send
 * without a CORS preflight) must come from this origin. Pages also refuse a missing Origin,
 * as SvelteKit does; API clients such as scripts send none, and the JSON-only API answers
 * their form bodies with 415.
 */
export function crossSiteRefusal(request: Request, url: URL, viaCookie: boolean): Response | null {
	if (!UNSAFE.has(request.method)) return null;
	const isApi = url.pathname === '/api' || url.pathname.startsWith('/api/');
	// A cookie rides along on any cross-site request the browser makes; whatever its content type,
	// the API acts on a cookie only for this origin. (Bearer tokens are not sent by browsers on their own.)
	if (isApi && viaCookie) {
		const origin = request.headers.get('origin');
		const site = request.headers.get('sec-fetch-site');
		if ((origin && origin !== url.origin) || site === 'cross-site') {
			return errorResponse(403, 'cross_site_request', 'cross-site requests to the API are refused');
		}
	}
	const type = (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
	if (!FORM_TYPES.includes(type)) return null;
	const origin = request.headers.get('origin');
	if (origin === url.origin) return null;
	if (isApi) {
		return origin ? errorResponse(403, 'cross_site_request', 'cross-site requests to the API are refused') : null;
	}
	const message = `Cross-site ${request.method} form submissions are forbidden`;
	// SvelteKit's enhanced forms ask for JSON; answer them in kind so the page can show the error.
	return request.headers.get('accept') === 'application/json' ? json({ message }, { status: 403 }) : text(message, { status: 403 });
}
