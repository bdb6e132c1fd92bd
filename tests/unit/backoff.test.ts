import { describe, expect, it } from 'vitest';
import { backoffDelay, retryDelay } from '../../src/lib/server/failures/backoff';

const policy = { baseMs: 1_000, maxMs: 30_000 };

describe('backoff', () => {
	it('doubles per attempt up to the cap', () => {
		const top = () => 1;
		expect([1, 2, 3, 4, 5, 6, 7].map((n) => backoffDelay(n, policy, top))).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000]);
	});

	it('jitters within [half, full] of the schedule', () => {
		for (let i = 0; i < 200; i++) {
			const d = backoffDelay(4, policy);
			expect(d).toBeGreaterThanOrEqual(4_000);
			expect(d).toBeLessThanOrEqual(8_000);
		}
		expect(backoffDelay(4, policy, () => 0)).toBe(4_000);
		expect(backoffDelay(4, policy, () => 0.5)).toBe(6_000);
	});

	it('Retry-After replaces the schedule', () => {
		expect(retryDelay(1, policy, 90_000, () => 1)).toBe(90_000);
		expect(retryDelay(1, policy, undefined, () => 1)).toBe(1_000);
	});
});
