import { describe, expect, it } from 'vitest';
import { formatMinutes, formatQuantity, relativeTime, unitLabel } from '../../src/lib/format';

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

describe('amounts and units as cooks write them', () => {
	it('writes common fractions as fraction characters and the rest as short decimals', () => {
		expect([1.5, 0.333, 2.25, 0.125, 3, 0.15, 2 / 3].map(formatQuantity)).toEqual(['1½', '⅓', '2¼', '⅛', '3', '0.15', '⅔']);
	});

	it('a loaf is two loaves, like a leaf', () => {
		expect(unitLabel('loaf', 2)).toBe('loaves');
	});

	it('puts units in the plural after amounts above one', () => {
		expect([unitLabel('cup', 1), unitLabel('cup', 2), unitLabel('pinch', 2), unitLabel('bay leaf', 3), unitLabel('fluid ounce', 4), unitLabel('gram', null)]).toEqual([
			'cup',
			'cups',
			'pinches',
			'bay leaves',
			'fluid ounces',
			'gram'
		]);
	});

	it('writes minutes as hours and minutes', () => {
		expect([formatMinutes(45), formatMinutes(60), formatMinutes(95)]).toEqual(['45 min', '1 h', '1 h 35 min']);
	});
});
