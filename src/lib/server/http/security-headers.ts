/**
 * Headers every answer carries. Pages get their Content-Security-Policy from SvelteKit (kit.csp in
 * svelte.config.js, with a nonce for its own inline scripts); anything else — JSON, the event
 * stream, a redirect — is never meant to be rendered or framed, so it gets a policy allowing nothing.
 */
const COMMON: Record<string, string> = {
	'x-content-type-options': 'nosniff',
	'x-frame-options': 'DENY',
	// Full referrers stay within Cookmark; a recipe site learns nothing of the server's address.
	// (Not no-referrer: browsers then send `Origin: null` on same-origin POSTs, which the CSRF guard refuses.)
	'referrer-policy': 'same-origin',
	'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=(), browsing-topics=()',
	'cross-origin-opener-policy': 'same-origin'
};

const NOTHING_TO_RENDER = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

function stamp(headers: Headers): void {
	for (const [name, value] of Object.entries(COMMON)) if (!headers.has(name)) headers.set(name, value);
	if (!headers.has('content-security-policy')) headers.set('content-security-policy', NOTHING_TO_RENDER);
}

export function withSecurityHeaders(response: Response): Response {
	try {
		stamp(response.headers);
		return response;
	} catch {
		// A Response made by Response.redirect() or fetch() has immutable headers: answer with a copy.
		const copy = new Response(response.body, response);
		stamp(copy.headers);
		return copy;
	}
}
