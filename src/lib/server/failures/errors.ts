import type { ErrorKind } from '../../contract/queue';
import { formatDuration } from '../../format';

export interface Classified {
	kind: ErrorKind;
	code: string;
	message: string;
	/** A server's explicit wish (Retry-After); the backoff schedule is used when absent. */
	retryAfterMs?: number;
}

/** An error a phase throws when it knows what kind of failure it is. */
export class JobError extends Error {
	constructor(
		readonly kind: ErrorKind,
		readonly code: string,
		message: string,
		readonly retryAfterMs?: number,
		options?: ErrorOptions
	) {
		super(message, options);
		this.name = 'JobError';
	}
}

export class RetryableError extends JobError {
	constructor(code: string, message: string, retryAfterMs?: number, options?: ErrorOptions) {
		super('retryable', code, message, retryAfterMs, options);
		this.name = 'RetryableError';
	}
}

export class PermanentError extends JobError {
	constructor(code: string, message: string, options?: ErrorOptions) {
		super('permanent', code, message, undefined, options);
		this.name = 'PermanentError';
	}
}

/** Raised into a phase's AbortSignal when its time is up. */
export class PhaseTimeoutError extends RetryableError {
	constructor(ms: number) {
		super('timeout', `timed out after ${formatDuration(ms)}`);
		this.name = 'PhaseTimeoutError';
	}
}

// Connection-level failures worth another try: resets, refusals, DNS hiccups, undici timeouts.
const RETRYABLE_SYSTEM_CODES = new Set([
	'ECONNRESET',
	'ECONNREFUSED',
	'ECONNABORTED',
	'ETIMEDOUT',
	'EPIPE',
	'ENOTFOUND',
	'EAI_AGAIN',
	'ENETUNREACH',
	'EHOSTUNREACH',
	'ENETDOWN',
	'UND_ERR_CONNECT_TIMEOUT',
	'UND_ERR_HEADERS_TIMEOUT',
	'UND_ERR_BODY_TIMEOUT',
	'UND_ERR_SOCKET',
	'UND_ERR_CLOSED'
]);

// 408 Request Timeout, 425 Too Early and 429 Too Many Requests are the 4xx that mean "later".
const RETRYABLE_4XX = new Set([408, 425, 429]);

const MAX_RETRY_AFTER_MS = 6 * 60 * 60 * 1000;

/**
 * Parses a Retry-After header (delta-seconds or an HTTP-date) into milliseconds from `now`,
 * capped at six hours so a broken header cannot park an item for days.
 */
export function parseRetryAfter(value: string | null | undefined, now: Date): number | undefined {
	if (!value) return undefined;
	const trimmed = value.trim();
	let ms: number;
	if (/^\d+$/.test(trimmed)) ms = Number(trimmed) * 1000;
	else {
		const at = Date.parse(trimmed);
		if (Number.isNaN(at)) return undefined;
		ms = at - now.getTime();
	}
	return Math.min(Math.max(ms, 0), MAX_RETRY_AFTER_MS);
}

function causes(err: unknown): unknown[] {
	const chain: unknown[] = [];
	let current: unknown = err;
	while (current && chain.length < 5 && !chain.includes(current)) {
		chain.push(current);
		current = (current as { cause?: unknown }).cause;
	}
	return chain;
}

function messageOf(err: unknown): string {
	if (err instanceof Error) return err.message || err.name;
	return typeof err === 'string' ? err : 'unknown error';
}

/**
 * Decides whether a failure is worth retrying. Anything that describes its own status (HTTP
 * status, system error code, JobError) is classified by it; an unknown error is treated as
 * retryable, so a passing fault does not end an item, while the retry budget still bounds a bug.
 */
export function classifyError(err: unknown, now: Date = new Date()): Classified {
	for (const e of causes(err)) {
		if (e instanceof JobError) {
			return { kind: e.kind, code: e.code, message: e.message, retryAfterMs: e.retryAfterMs };
		}
		if (!e || typeof e !== 'object') continue;
		const o = e as { status?: unknown; statusCode?: unknown; code?: unknown; name?: unknown; headers?: unknown };
		const status = typeof o.status === 'number' ? o.status : typeof o.statusCode === 'number' ? o.statusCode : undefined;
		if (status !== undefined && status >= 400 && status < 600) {
			const retryable = status >= 500 || RETRYABLE_4XX.has(status);
			const header = retryAfterHeader(o.headers);
			return {
				kind: retryable ? 'retryable' : 'permanent',
				code: `http_${status}`,
				message: messageOf(e),
				retryAfterMs: retryable ? parseRetryAfter(header, now) : undefined
			};
		}
		if (typeof o.code === 'string' && RETRYABLE_SYSTEM_CODES.has(o.code)) {
			return { kind: 'retryable', code: 'network', message: `${messageOf(err)} (${o.code})` };
		}
		if (o.name === 'ZodError') {
			return { kind: 'permanent', code: 'invalid_input', message: messageOf(e) };
		}
		if (o.name === 'TimeoutError') {
			return { kind: 'retryable', code: 'timeout', message: messageOf(e) };
		}
	}
	return { kind: 'retryable', code: 'unexpected', message: messageOf(err) };
}

function retryAfterHeader(headers: unknown): string | undefined {
	if (!headers) return undefined;
	if (typeof (headers as Headers).get === 'function') return (headers as Headers).get('retry-after') ?? undefined;
	const value = (headers as Record<string, unknown>)['retry-after'];
	return typeof value === 'string' ? value : undefined;
}
