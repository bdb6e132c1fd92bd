import { describe, expect, it } from 'vitest';
import { classifyError, parseRetryAfter, PermanentError, RetryableError, PhaseTimeoutError } from '../../src/lib/server/failures/errors';
import { HttpStatusError } from '../../src/lib/server/net/errors';
import { z } from 'zod';

const now = new Date('2026-01-01T12:00:00Z');
const http = (status: number, headers: Record<string, string> = {}) =>
	new HttpStatusError(status, new Headers(headers), 'https://example.com/x');

describe('classifyError', () => {
	it.each([500, 502, 503, 504, 408, 425, 429])('HTTP %i is retryable', (status) => {
		expect(classifyError(http(status), now)).toMatchObject({ kind: 'retryable', code: `http_${status}` });
	});

	it.each([400, 401, 403, 404, 410, 422])('HTTP %i is permanent', (status) => {
		expect(classifyError(http(status), now)).toMatchObject({ kind: 'permanent', code: `http_${status}` });
	});

	it('honours Retry-After in seconds and as an HTTP date', () => {
		expect(classifyError(http(429, { 'retry-after': '30' }), now).retryAfterMs).toBe(30_000);
		expect(classifyError(http(503, { 'retry-after': 'Thu, 01 Jan 2026 12:02:00 GMT' }), now).retryAfterMs).toBe(120_000);
		// A permanent error has no retry time, whatever the header says.
		expect(classifyError(http(404, { 'retry-after': '30' }), now).retryAfterMs).toBeUndefined();
	});

	it('network failures, found through the cause chain as fetch reports them, are retryable', () => {
		for (const code of ['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EAI_AGAIN', 'ENOTFOUND', 'UND_ERR_SOCKET']) {
			const err = new TypeError('fetch failed', { cause: Object.assign(new Error('socket'), { code }) });
			expect(classifyError(err, now)).toMatchObject({ kind: 'retryable', code: 'network' });
		}
	});

	it('a JobError anywhere in the cause chain decides', () => {
		const blocked = new PermanentError('blocked_address', 'private address');
		expect(classifyError(new TypeError('fetch failed', { cause: blocked }), now)).toMatchObject({
			kind: 'permanent',
			code: 'blocked_address',
			message: 'private address'
		});
		expect(classifyError(new RetryableError('busy', 'later', 5_000), now)).toEqual({
			kind: 'retryable',
			code: 'busy',
			message: 'later',
			retryAfterMs: 5_000
		});
	});

	it('timeouts are retryable', () => {
		expect(classifyError(new PhaseTimeoutError(30_000), now)).toMatchObject({ kind: 'retryable', code: 'timeout' });
		expect(classifyError(new DOMException('The operation timed out.', 'TimeoutError'), now)).toMatchObject({
			kind: 'retryable',
			code: 'timeout'
		});
	});

	it('invalid input is permanent', () => {
		const result = z.object({ a: z.string() }).safeParse({});
		expect(classifyError(result.error, now)).toMatchObject({ kind: 'permanent', code: 'invalid_input' });
	});

	it('unknown errors are retryable, so a passing fault does not end an item', () => {
		expect(classifyError(new Error('boom'), now)).toEqual({ kind: 'retryable', code: 'unexpected', message: 'boom' });
		expect(classifyError('a string', now)).toMatchObject({ kind: 'retryable', message: 'a string' });
		expect(classifyError(undefined, now)).toMatchObject({ kind: 'retryable', message: 'unknown error' });
	});
});

describe('parseRetryAfter', () => {
	it('reads seconds and dates, ignores garbage, never goes negative, caps at six hours', () => {
		expect(parseRetryAfter('0', now)).toBe(0);
		expect(parseRetryAfter(' 12 ', now)).toBe(12_000);
		expect(parseRetryAfter('Thu, 01 Jan 2026 11:00:00 GMT', now)).toBe(0);
		expect(parseRetryAfter('soon', now)).toBeUndefined();
		expect(parseRetryAfter(null, now)).toBeUndefined();
		expect(parseRetryAfter('999999', now)).toBe(6 * 3600 * 1000);
	});
});
