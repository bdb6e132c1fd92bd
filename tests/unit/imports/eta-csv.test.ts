import { describe, expect, it } from 'vitest';
import { etaSeconds } from '../../../src/lib/server/imports/eta';
import { csvRow } from '../../../src/lib/server/imports/csv';
import { composeBatch } from '../../../src/lib/server/push/notifier';
import { formatEta } from '../../../src/lib/format';

describe('an import’s ETA', () => {
	it('is never sooner than the busiest site allows', () => {
		// 2,000 links to one site at 60 a minute: 34 minutes, however fast the rest goes.
		const left = new Map<string | null, number>([['a.example', 2_000], ['b.example', 10]]);
		expect(etaSeconds({ leftByHost: left, hostPerMinute: 60, finishedPerMinute: 500 })).toBe(2_000);
		expect(formatEta(2_000)).toBe('about 33 min');
	});

	it('follows the recent pace when that is slower than the sites allow', () => {
		const left = new Map<string | null, number>([['a.example', 100], ['b.example', 100]]);
		expect(etaSeconds({ leftByHost: left, hostPerMinute: 6_000, finishedPerMinute: 20 })).toBe(600);
	});

	it('says nothing when nothing is left, or nothing is known', () => {
		expect(etaSeconds({ leftByHost: new Map(), hostPerMinute: 60, finishedPerMinute: 10 })).toBeNull();
		expect(etaSeconds({ leftByHost: new Map([[null, 5]]), hostPerMinute: 60, finishedPerMinute: null })).toBeNull();
	});

	it('reads as a person says it', () => {
		expect(formatEta(30)).toBe('under a minute');
		expect(formatEta(3 * 3600 + 7 * 60)).toBe('about 3 h 5 min');
		expect(formatEta(2 * 3600 + 60)).toBe('about 2 h');
	});
});

describe('the failed links file', () => {
	it('quotes what must be quoted and keeps formulas from running in a spreadsheet', () => {
		expect(csvRow(['https://a.example/x', 'failed', 'a.example says "no" (404), sorry'])).toBe('https://a.example/x,failed,"a.example says ""no"" (404), sorry"');
		expect(csvRow(['=HYPERLINK("http://evil")', '+1', '-2', '@cmd', 'ok'])).toBe(`"'=HYPERLINK(""http://evil"")",'+1,'-2,'@cmd,ok`);
		expect(csvRow(['line\nbreak'])).toBe('"line\nbreak"');
	});
});

describe('a finished import’s notification', () => {
	it('counts what was saved, failed and canceled, and opens the import', () => {
		expect(composeBatch({ id: 'b1', label: 'bookmarks.html', saved: 212, failed: 9, canceled: 0 })).toEqual({
			kind: 'batch',
			title: '212 recipes saved, 9 failed',
			body: 'Import “bookmarks.html” finished. Tap to see what failed.',
			url: '/imports/b1',
			tag: 'batch-b1'
		});
		expect(composeBatch({ id: 'b2', label: 'x', saved: 1, failed: 0, canceled: 3 }).title).toBe('1 recipe saved, 3 canceled');
	});
});
