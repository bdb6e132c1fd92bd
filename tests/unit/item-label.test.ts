import { describe, expect, it } from 'vitest';
import { textLabel, toItem } from '../../src/lib/server/shares/items';
import type { JobView } from '../../src/lib/server/queue/view';

const uuid = (n: number) => `00000000-0000-4000-8000-00000000000${n}`;
const job = (input: unknown) => ({ id: '11111111-1111-4111-8111-111111111111', userId: 'u', pipeline: 'recipe', dedupeKey: 'k', input }) as unknown as JobView;

describe('what an item shows for what was shared', () => {
	it('a link is shown as itself; an item made before kinds existed is a link', () => {
		expect(toItem(job({ url: 'https://example.com/pie', text: null, title: null }))).toMatchObject({ kind: 'link', url: 'https://example.com/pie', label: 'https://example.com/pie' });
	});

	it('a text without a link is its first line with words, cut', () => {
		expect(toItem(job({ url: null, text: '\n  Lemon   cake \nflour', title: null }))).toMatchObject({ kind: 'text', url: null, label: 'Lemon cake' });
		const long = textLabel('a'.repeat(200));
		expect(long).toHaveLength(80);
		expect(long.endsWith('…')).toBe(true);
	});

	it('pictures are counted', () => {
		expect(toItem(job({ url: null, text: null, title: null, imageFileIds: [uuid(1), uuid(2), uuid(3)] }))).toMatchObject({ kind: 'images', label: '3 pictures' });
		expect(toItem(job({ url: null, text: null, title: null, imageFileIds: [uuid(1)] }))).toMatchObject({ label: '1 picture' });
	});
});
