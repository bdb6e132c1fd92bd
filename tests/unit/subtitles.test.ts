import { describe, expect, it } from 'vitest';
import { json3Url, subtitleText } from '../../src/lib/server/pipeline/recipe/parse/subtitles';

describe('subtitleText', () => {
	it("reads YouTube's timedtext XML, unescaping its doubled entities", () => {
		const xml = `<?xml version="1.0" encoding="utf-8" ?><transcript><text start="0.5" dur="2.1">Mix 200 g of flour</text><text start="2.6" dur="2">with two eggs &amp;amp; a pinch of salt</text><text start="4.6" dur="1.5">it&amp;#39;s that easy</text></transcript>`;
		expect(subtitleText(xml)).toBe("Mix 200 g of flour\nwith two eggs & a pinch of salt\nit's that easy");
	});

	it('reads json3 and merges the rolling repeats of automatic captions', () => {
		const json3 = JSON.stringify({
			wireMagic: 'pb3',
			events: [
				{ tStartMs: 0, dDurationMs: 1000, segs: [{ utf8: 'add the' }] },
				{ tStartMs: 500, dDurationMs: 1000, segs: [{ utf8: 'add the' }, { utf8: ' butter', tOffsetMs: 300 }] },
				{ tStartMs: 1500, segs: [{ utf8: '\n' }] },
				{ tStartMs: 2000, dDurationMs: 1000, segs: [{ utf8: 'then bake' }] },
				{ tStartMs: 2500, dDurationMs: 1000, segs: [{ utf8: 'then bake' }] }
			]
		});
		expect(subtitleText(json3)).toBe('add the butter\nthen bake');
	});

	it('reads WebVTT cues without timings, numbers or tags', () => {
		const vtt = 'WEBVTT\n\n1\n00:00:00.000 --> 00:00:02.000\n<c>Chop the onion</c>\n\n2\n00:00:02.000 --> 00:00:04.000\nfry it &amp; stir\n';
		expect(subtitleText(vtt)).toBe('Chop the onion\nfry it & stir');
	});

	it('asks timedtext for json3 and leaves other addresses alone', () => {
		expect(json3Url('https://www.youtube.com/api/timedtext?v=abc&lang=en')).toBe('https://www.youtube.com/api/timedtext?v=abc&lang=en&fmt=json3');
		expect(json3Url('https://cdn.example/subs.vtt')).toBe('https://cdn.example/subs.vtt');
	});
});
