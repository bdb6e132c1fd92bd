import { fetch, FormData } from 'undici';
import { correlationHeaders } from '../correlation';
import { formatDuration } from '../../format';
import { JobError, PermanentError, RetryableError, parseRetryAfter } from '../failures/errors';
import { networkError, safeHost } from './errors';
import type { HostLimiter } from './host-limiter';
import { checkUrl, dispatcherFor, readLimited, USER_AGENT, type SafeFetchOptions } from './safe-fetch';

/**
 * One request to a JSON API the user pointed us at (their Tandoor or Mealie): the safe fetcher's
 * limits (time, size, address checks), any method and body, and no redirects followed, since a
 * token must never be replayed to where a redirect points. It does not judge the status: the
 * caller knows what a 404 means for its API; `serverTrouble` covers what every API shares. Sent on
 * an item's behalf, it carries the item's X-Correlation-ID, for the person's own server logs.
 */
export { FormData };

export interface ApiRequestOptions extends Pick<SafeFetchOptions, 'timeoutMs' | 'connectTimeoutMs' | 'maxBytes' | 'allowPrivate' | 'policy'> {
	method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
	headers?: Record<string, string>;
	/** Sent as application/json. */
	json?: unknown;
	/** Sent as multipart/form-data (undici's FormData, re-exported here). */
	form?: FormData;
	signal?: AbortSignal;
	/** Politeness per host, shared with page fetches: a batch of uploads queues up rather than flooding a home server. */
	hosts?: HostLimiter;
}

export interface ApiResponse {
	/** The URL asked for (no redirects are followed). */
	url: string;
	status: number;
	headers: Headers;
	/** The body parsed as JSON when it is JSON, else null. */
	body: unknown;
	/** The body as text (for error messages), at most the first 2 KiB. */
	text: string;
}

export async function apiRequest(raw: string, options: ApiRequestOptions): Promise<ApiResponse> {
	return options.hosts ? options.hosts.run(raw, options.signal, () => send(raw, options)) : send(raw, options);
}

async function send(raw: string, options: ApiRequestOptions): Promise<ApiResponse> {
	const timeout = AbortSignal.timeout(options.timeoutMs);
	const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
	const url = checkUrl(raw, options);
	const { dispatcher, release } = dispatcherFor(options);
	const headers: Record<string, string> = { 'user-agent': USER_AGENT, accept: 'application/json', ...correlationHeaders(), ...options.headers };
	if (options.json !== undefined) headers['content-type'] = 'application/json';
	try {
		const res = await fetch(url, {
			method: options.method ?? 'GET',
			redirect: 'manual',
			signal,
			dispatcher,
			headers,
			body: options.json !== undefined ? JSON.stringify(options.json) : options.form
		});
		const bytes = await readLimited(res.body, options.maxBytes);
		const text = Buffer.from(bytes).toString('utf8');
		let body: unknown = null;
		if ((res.headers.get('content-type') ?? '').includes('json') && text) {
			try {
				body = JSON.parse(text);
			} catch {
				body = null;
			}
		}
		return { url: url.href, status: res.status, headers: res.headers as unknown as Headers, body, text: text.slice(0, 2048) };
	} catch (err) {
		if (err instanceof JobError) throw err;
		if (options.signal?.aborted) throw options.signal.reason;
		if (timeout.aborted) throw new RetryableError('timeout', `${safeHost(raw)} did not answer within ${formatDuration(options.timeoutMs)}`);
		throw networkError(err, raw);
	} finally {
		release();
	}
}

/**
 * What any HTTP API's status means for a retry: 429 and 5xx are the server's passing trouble
 * (Retry-After honoured). A redirect to another origin (http → https, another host) means the
 * server lives there; one within the same origin (a login page, the web app's own routes) means
 * this address serves something else than the API. Null for statuses the caller must judge itself.
 */
export function serverTrouble(res: ApiResponse, service: string, now = new Date()): JobError | null {
	if (res.status === 429) {
		return new RetryableError('rate_limited', `${service} asked us to slow down (429)`, parseRetryAfter(res.headers.get('retry-after'), now));
	}
	if (res.status >= 500) return new RetryableError('server_error', `${service} had a server error (${res.status})`, parseRetryAfter(res.headers.get('retry-after'), now));
	if (res.status >= 300 && res.status < 400) {
		const to = redirectTarget(res);
		if (to && to.origin === new URL(res.url).origin) {
			return new PermanentError('target_not_found', `this address is not a ${service} server: ${safeHost(res.url)} sends ${new URL(res.url).pathname} to ${to.pathname}`);
		}
		return new PermanentError('redirected', `${service} redirects to ${to ? to.host : 'another address'}; use that address in Settings`);
	}
	return null;
}

/** A redirect's Location resolved against the request (servers send relative ones); null when missing or unreadable. */
function redirectTarget(res: ApiResponse): URL | null {
	const location = res.headers.get('location');
	if (!location) return null;
	try {
		return new URL(location, res.url);
	} catch {
		return null;
	}
}
