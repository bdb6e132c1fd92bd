import { describe, expect, it } from 'vitest';
import { relativeTime } from '../../src/lib/format';

describe('relativeTime', () => {
	const now = Date.parse('2026-11-23T12:00:00Z');
	const at = (offsetSeconds: number) => new Date(now + offsetSeconds * 1000).toISOString();

	it('calls a moment within a few seconds either way "now", whatever the clocks say', () => {
		expect(relativeTime(at(1), now)).toBe('now');
		expect(relativeTime(at(-3), now)).toBe('now');
	});

	it('says how long ago, or how soon, beyond that', () => {
		expect(relativeTime(at(-120), now)).toBe('2 minutes ago');
		expect(relativeTime(at(20), now)).toBe('in 20 seconds');
		expect(relativeTime(at(-7200), now)).toBe('2 hours ago');
	});
});
