import { describe, expect, it } from 'vitest';
import type { Item } from '../../src/lib/contract/queue';
import { compose } from '../../src/lib/server/push/notifier';
import { deviceLabel } from '../../src/lib/server/push/device';

const item = (over: Partial<Item>): Item =>
	({
		id: '11111111-1111-4111-8111-111111111111',
		kind: 'link',
		url: 'https://www.example.com/pie',
		label: 'https://www.example.com/pie',
		title: null,
		status: 'success',
		results: { title: 'Apple Pie', image: 'https://example.com/pie.jpg' },
		error: null,
		...over
	}) as Item;

describe('notification text', () => {
	it('one saved recipe names it, with its picture and a link to it', () => {
		expect(compose([item({})], [])).toMatchObject({ title: 'Recipe saved: Apple Pie', body: 'From example.com', image: 'https://example.com/pie.jpg', url: expect.stringContaining('/?highlight=') });
	});

	it('one failure names the site and the reason, and offers Retry', () => {
		const failed = item({ status: 'error', results: null, error: { kind: 'permanent', code: 'http_404', message: 'example.com says this page does not exist (404)' } });
		expect(compose([], [failed])).toMatchObject({ title: "Couldn't import example.com", body: 'example.com says this page does not exist (404)', actions: [{ action: 'retry', title: 'Retry' }] });
	});

	it('a text or pictures shared without a link are named for what they were', () => {
		expect(compose([item({ kind: 'text', url: null, label: 'Grandma’s soup' })], [])).toMatchObject({ body: 'From the text you shared' });
		const failed = item({ kind: 'images', url: null, label: '3 pictures', status: 'error', results: null, error: { kind: 'permanent', code: 'no_recipe', message: 'no recipe found' } });
		expect(compose([], [failed])).toMatchObject({ title: "Couldn't import 3 pictures" });
	});

	it('many together become one summary', () => {
		const saved = Array.from({ length: 12 }, () => item({}));
		const failed = [item({ status: 'dead', error: { kind: 'retryable', code: 'network', message: 'x' } })];
		expect(compose(saved, failed)).toMatchObject({ kind: 'summary', title: '12 recipes saved, 1 failed', body: 'Tap to see what went wrong.', url: '/' });
		expect(compose([], [failed[0]!, failed[0]!])).toMatchObject({ title: '2 failed', url: '/?show=failed' });
		expect(compose([], [])).toBeNull();
	});

	it('devices are named so people can tell them apart', () => {
		expect(deviceLabel('Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Mobile Safari/537.36')).toBe('Chrome on Android');
		expect(deviceLabel('Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1')).toBe('Safari on iOS');
		expect(deviceLabel('Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:131.0) Gecko/20100101 Firefox/131.0')).toBe('Firefox on Windows');
		expect(deviceLabel(null)).toBe('Browser');
	});
});
