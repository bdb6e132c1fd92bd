import type { RequestEvent } from '@sveltejs/kit';
import type { ClientInfo } from './sign-in';

/** The address rate limits count by (adapter-node honours ADDRESS_HEADER / XFF_DEPTH behind a proxy). */
export function clientOf(event: RequestEvent): ClientInfo {
	let address = 'unknown';
	try {
		address = event.getClientAddress();
	} catch {
		// not available in some environments (prerendering); all such requests share one bucket
	}
	return { address, userAgent: event.request.headers.get('user-agent') };
}
