import { JobError, PermanentError, RetryableError, parseRetryAfter } from '../failures/errors';

/**
 * How OpenAI-compatible APIs (chat completions, audio transcriptions) say what went wrong, read
 * the same way for each: the server's trouble is retryable, a misconfiguration is permanent.
 */

/** The most of a server's own words quoted in an error. */
export const MAX_ERROR_TEXT = 300;

/** Which service a status is from: its words in messages, its error codes' prefix, its settings' prefix. */
export interface ServiceNames {
	/** "the language model", "the transcription service". */
	what: string;
	/** Error codes: `${code}_auth`, `${code}_not_found`, … */
	code: string;
	/** Its settings: `${env}_API_BASE_URL`, `${env}_API_KEY`, `${env}_MODEL`. */
	env: string;
}

/** An error status from an OpenAI-compatible API, as the queue engine's error (retryable or not), the key never quoted. */
export function statusError(service: ServiceNames, status: number, headers: Headers, text: string, host: string, sentKey: boolean, scrub: (s: string) => string): JobError {
	const { what, code: prefix, env } = service;
	const { message, code } = serverError(text);
	const said = message ? `: ${scrub(message).slice(0, MAX_ERROR_TEXT)}` : '';
	if (status >= 300 && status < 400) {
		const location = headers.get('location');
		return new PermanentError(
			`${prefix}_redirect`,
			`${what} at ${host} redirects (${status})${location ? ` to ${scrub(location).slice(0, 200)}` : ''}; set ${env}_API_BASE_URL to where it leads`
		);
	}
	if (status === 401 || status === 403) {
		// The server's words are left out here: OpenAI's quote part of the key.
		return new PermanentError(
			`${prefix}_auth`,
			sentKey ? `${what} refused the API key (${status}): check ${env}_API_KEY` : `${what} at ${host} wants an API key (${status}): set ${env}_API_KEY`
		);
	}
	if (status === 404) {
		return new PermanentError(`${prefix}_not_found`, `${what} at ${host} answered 404${said}; check ${env}_API_BASE_URL and ${env}_MODEL`);
	}
	if (status === 429 && code === 'insufficient_quota') {
		return new PermanentError(`${prefix}_quota`, `${what}'s account has no quota left (429)${said}`);
	}
	if (status >= 500 || status === 408 || status === 425 || status === 429) {
		const why = status === 429 ? 'asked us to slow down' : status >= 500 ? 'had a server error' : 'timed out';
		return new RetryableError(`http_${status}`, `${what} at ${host} ${why} (${status})${said}`, parseRetryAfter(headers.get('retry-after'), new Date()));
	}
	return new PermanentError(`http_${status}`, `${what} at ${host} rejected the request (${status})${said}`);
}

/** OpenAI's `{error: {message, type, param, code}}`, and the shapes other servers use. */
export function serverError(text: string): { message?: string; code?: string } {
	let body: unknown;
	try {
		body = JSON.parse(text);
	} catch {
		const plain = text.trim();
		return { message: plain && !plain.startsWith('<') ? plain : undefined };
	}
	if (!body || typeof body !== 'object') return {};
	const o = body as { error?: unknown; message?: unknown; detail?: unknown };
	if (o.error && typeof o.error === 'object') {
		const e = o.error as { message?: unknown; code?: unknown };
		return { message: typeof e.message === 'string' ? e.message : undefined, code: typeof e.code === 'string' ? e.code : undefined };
	}
	if (typeof o.error === 'string') return { message: o.error };
	if (typeof o.message === 'string') return { message: o.message };
	if (typeof o.detail === 'string') return { message: o.detail };
	// FastAPI's refusal of a form or body (speaches): `[{loc: ['body', 'file'], msg: 'Field required'}]`.
	if (Array.isArray(o.detail)) {
		const said = o.detail.flatMap((d: { loc?: unknown; msg?: unknown }) => {
			if (typeof d?.msg !== 'string') return [];
			const where = Array.isArray(d.loc) ? d.loc.filter((part) => part !== 'body').join('.') : '';
			return [where ? `${where}: ${d.msg}` : d.msg];
		});
		return { message: said.join('; ') || undefined };
	}
	return {};
}

export function rewrap(e: JobError, message: string): JobError {
	return e.kind === 'retryable' ? new RetryableError(e.code, message, e.retryAfterMs, { cause: e }) : new PermanentError(e.code, message, { cause: e });
}

export function hostOf(url: string): string {
	try {
		return new URL(url).host;
	} catch {
		return 'the configured address';
	}
}

/** How a call to such a service ended, in a small fixed vocabulary (a metric's label). */
export type ServiceOutcome = 'ok' | 'timeout' | 'rate_limited' | 'server_error' | 'network' | 'bad_response' | 'rejected' | 'aborted';

export function serviceOutcome(err: unknown, aborted: boolean): ServiceOutcome {
	if (aborted) return 'aborted';
	if (!(err instanceof JobError)) return 'network';
	if (err.code === 'timeout') return 'timeout';
	if (err.code === 'http_429') return 'rate_limited';
	if (err.kind === 'retryable') return /^http_\d+$/.test(err.code) ? 'server_error' : 'network';
	return err.code.endsWith('_bad_response') ? 'bad_response' : 'rejected';
}
