import { expect } from 'vitest';
import { ApiError } from '../../src/lib/contract/errors';

/** Asserts a JSON error answer in the contract's shape, with this status and code; returns its body. */
export async function expectError(res: Response, status: number, code: string) {
	expect(res.status).toBe(status);
	expect(res.headers.get('content-type')).toMatch(/application\/json/);
	const body = ApiError.parse(await res.json());
	expect(body.error.code).toBe(code);
	expect(body.error.message.length).toBeGreaterThan(0);
	return body;
}
