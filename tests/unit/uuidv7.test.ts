import { describe, expect, it } from 'vitest';
import { uuidv7 } from '../../src/lib/server/queue/ids';

describe('uuidv7', () => {
	it('is a version 7, RFC 9562 variant UUID carrying its millisecond', () => {
		const id = uuidv7(1_796_500_000_123);
		expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
		expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBeGreaterThanOrEqual(1_796_500_000_123);
	});

	it('sorts in creation order, within one millisecond too, and never repeats', () => {
		const ms = 1_896_500_000_000;
		const ids = Array.from({ length: 5_000 }, (_, i) => uuidv7(ms + Math.floor(i / 2_000)));
		expect([...ids].sort()).toEqual(ids);
		expect(new Set(ids).size).toBe(ids.length);
	});

	it('a clock that steps back does not break the order', () => {
		const ahead = uuidv7(1_996_500_000_000);
		expect(uuidv7(1_996_499_999_000) > ahead).toBe(true);
	});
});
