/**
 * Which paths answer without signing in. Everything else needs a session or an API token, and
 * the check lives here, in one place, rather than in each route.
 */
const PUBLIC_API = new Set(['/api/health', '/api/ready', '/api/openapi.json', '/api/auth/signup', '/api/auth/login', '/api/auth/logout']);
const PUBLIC_PAGES = new Set(['/login', '/signup']);
/** Prometheus cannot sign in: the route checks METRICS_TOKEN itself when one is set. */
const PUBLIC_OTHER = new Set(['/metrics']);

export function isApiPath(pathname: string): boolean {
	return pathname === '/api' || pathname.startsWith('/api/');
}

export function isPublicPath(pathname: string): boolean {
	return PUBLIC_API.has(pathname) || PUBLIC_PAGES.has(pathname) || PUBLIC_OTHER.has(pathname);
}

/**
 * The share target's POST answers a signed-out person itself (src/routes/share): what was shared
 * is in its body, and a redirect to sign in would lose it.
 */
export function isShareTargetPost(request: Request, url: URL): boolean {
	return request.method === 'POST' && url.pathname === '/share';
}

/** A same-site path to return to after signing in; anything else (other hosts, `//x`) becomes `/`. */
export function safeRedirectTarget(target: string | null | undefined): string {
	if (!target || !target.startsWith('/') || target.startsWith('//') || target.startsWith('/\\')) return '/';
	return target;
}

export function loginUrl(url: URL): string {
	const back = url.pathname + url.search;
	return back === '/' ? '/login' : `/login?redirectTo=${encodeURIComponent(back)}`;
}
