import { json, text } from '@sveltejs/kit';
import { errorResponse } from './api';
import { isShareTargetPost } from './access';

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
	if (isShareTargetLaunch(request, url)) return null;
	if (isApi) {
		return origin ? errorResponse(403, 'cross_site_request', 'cross-site requests to the API are refused') : null;
	}
	const message = `Cross-site ${request.method} form submissions are forbidden`;
	// SvelteKit's enhanced forms ask for JSON; answer them in kind so the page can show the error.
	return request.headers.get('accept') === 'application/json' ? json({ message }, { status: 403 }) : text(message, { status: 403 });
}

/**
 * The installed app's share target (manifest.webmanifest: POST, multipart) launched by the system's
 * share sheet: the browser makes that navigation itself, not a page, so it carries
 * `Sec-Fetch-Site: none` (as the address bar and bookmarks do) and no origin of a page: no Origin
 * header, or `Origin: null`. A page can send neither `none` nor a missing Origin on a POST (another
 * site's form says `cross-site` and its origin; a sandboxed frame's `null` comes with `cross-site`),
 * so exactly this is let through, and only to /share.
 */
function isShareTargetLaunch(request: Request, url: URL): boolean {
	const origin = request.headers.get('origin');
	return isShareTargetPost(request, url) && request.headers.get('sec-fetch-site') === 'none' && (origin === null || origin === 'null');
}
