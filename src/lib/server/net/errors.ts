import { PermanentError } from '../queue/errors';

/** A non-2xx answer. Its status decides retryable (5xx, 408, 429) or permanent (other 4xx). */
export class HttpStatusError extends Error {
	constructor(
		readonly status: number,
		readonly headers: { get(name: string): string | null },
		readonly url: string
	) {
		super(describeStatus(status, url));
		this.name = 'HttpStatusError';
	}
}

function describeStatus(status: number, url: string): string {
	const host = safeHost(url);
	if (status === 404 || status === 410) return `${host} says this page does not exist (${status})`;
	if (status === 401 || status === 403) return `${host} refused access to this page (${status}); it may need a login`;
	if (status === 429) return `${host} asked us to slow down (429)`;
	if (status >= 500) return `${host} had a server error (${status})`;
	return `${host} answered ${status}`;
}

export function safeHost(url: string): string {
	try {
		return new URL(url).host;
	} catch {
		return 'the site';
	}
}

export class BlockedAddressError extends PermanentError {
	constructor(host: string, address: string) {
		super('blocked_address', `refusing to fetch ${host}: it resolves to a private or reserved address (${address})`);
		this.name = 'BlockedAddressError';
	}
}
