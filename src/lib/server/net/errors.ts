import { JobError, PermanentError, RetryableError } from '../failures/errors';

/** A non-2xx answer. Its status decides retryable (5xx, 408, 429) or permanent (other 4xx). */
export class HttpStatusError extends Error {
	constructor(
		readonly status: number,
		readonly headers: { get(name: string): string | null },
		readonly url: string,
		message = describeStatus(status, url)
	) {
		super(message);
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

/** `address` is the DNS answer that was refused; without it, `host` itself is private (an IP literal, localhost). */
export class BlockedAddressError extends PermanentError {
	constructor(host: string, address?: string) {
		super(
			'blocked_address',
			address
				? `refusing to fetch ${host}: it resolves to a private or reserved address (${address})`
				: `refusing to fetch ${host}: it is a private or reserved address`
		);
		this.name = 'BlockedAddressError';
	}
}

function codesIn(err: unknown): string[] {
	const codes: string[] = [];
	const seen = new Set<unknown>();
	const visit = (e: unknown) => {
		if (!e || typeof e !== 'object' || seen.has(e) || seen.size > 20) return;
		seen.add(e);
		const o = e as { code?: unknown; cause?: unknown; errors?: unknown };
		if (typeof o.code === 'string') codes.push(o.code);
		visit(o.cause);
		if (Array.isArray(o.errors)) o.errors.forEach(visit); // happy-eyeballs AggregateError
	};
	visit(err);
	return codes;
}

function findJobError(err: unknown): JobError | undefined {
	for (let e = err; e && typeof e === 'object'; e = (e as { cause?: unknown }).cause) {
		if (e instanceof JobError) return e;
	}
	return undefined;
}

const CUT_OFF = ['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'ECONNABORTED'];

/** The connection was closed under a request — on a kept-alive one, often only because the peer had retired it. */
export function isCutOff(err: unknown): boolean {
	return codesIn(err).some((code) => CUT_OFF.includes(code));
}

/**
 * Turns what undici throws ("fetch failed" with a code somewhere in its causes) into an error the
 * engine can classify and a person can read.
 */
export function networkError(err: unknown, url: string): JobError {
	const known = findJobError(err);
	if (known) return known;
	const host = safeHost(url);
	const codes = codesIn(err);
	const has = (...c: string[]) => codes.some((code) => c.includes(code));
	if (has('ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL')) return new RetryableError('dns', `could not find ${host} (DNS lookup failed)`, undefined, { cause: err });
	if (has('ECONNREFUSED')) return new RetryableError('network', `${host} refused the connection`, undefined, { cause: err });
	if (has('ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT')) return new RetryableError('network', `connecting to ${host} timed out`, undefined, { cause: err });
	if (has(...CUT_OFF)) {
		return new RetryableError('network', `the connection to ${host} was cut off`, undefined, { cause: err });
	}
	// undici stops reading at http.maxHeaderSize (16 KiB): a server sending more will do it again.
	if (has('UND_ERR_HEADERS_OVERFLOW')) return new PermanentError('too_large', `${host} sent more response headers than we read (over 16 KiB)`, { cause: err });
	if (has('ENETUNREACH', 'EHOSTUNREACH', 'ENETDOWN')) return new RetryableError('network', `${host} is unreachable from this server`, undefined, { cause: err });
	if (codes.some((c) => c.startsWith('CERT_') || c.startsWith('ERR_TLS_') || c.includes('SELF_SIGNED') || c === 'UNABLE_TO_VERIFY_LEAF_SIGNATURE')) {
		return new PermanentError('tls', `${host} has an invalid HTTPS certificate`, { cause: err });
	}
	const message = (err as { cause?: { message?: string } })?.cause?.message ?? (err as Error)?.message ?? String(err);
	if (message === 'bad port') return new PermanentError('blocked_port', `${host} uses a port that web pages may not use`, { cause: err });
	return new RetryableError('network', `could not fetch ${host}: ${message}`, undefined, { cause: err });
}

/** How a fetch ended, in a small fixed vocabulary (a metric's label: never a host or a URL). */
export type FetchOutcome =
	| 'ok'
	| 'http_error'
	| 'timeout'
	| 'blocked'
	| 'too_large'
	| 'dns'
	| 'network'
	| 'tls'
	| 'invalid_url'
	| 'too_many_redirects'
	| 'unsupported_content'
	| 'aborted'
	| 'other';

const OUTCOME_OF_CODE: Record<string, FetchOutcome> = {
	timeout: 'timeout',
	blocked_address: 'blocked',
	blocked_port: 'blocked',
	too_large: 'too_large',
	dns: 'dns',
	network: 'network',
	tls: 'tls',
	invalid_url: 'invalid_url',
	too_many_redirects: 'too_many_redirects',
	unsupported_content: 'unsupported_content'
};

/** The outcome of a fetch that threw `err` (`aborted`: the caller stopped it). */
export function fetchOutcome(err: unknown, aborted: boolean): FetchOutcome {
	if (aborted) return 'aborted';
	if (err instanceof HttpStatusError) return 'http_error';
	const known = findJobError(err);
	return (known && OUTCOME_OF_CODE[known.code]) || 'other';
}
