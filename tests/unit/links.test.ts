import { describe, expect, it } from 'vitest';
import { bareDomainLink, findLink, findLinks, linkFromShare, normalizeUrl, sameOriginHref, sourceKeys } from '../../src/lib/links';

describe('findLink', () => {
	it('finds the link inside shared text, without the sentence punctuation after it', () => {
		expect(findLink('Check this out! https://www.instagram.com/p/Cx1y2z3/?igsh=abc.')).toBe('https://www.instagram.com/p/Cx1y2z3/?igsh=abc');
		expect(findLink('(see https://example.com/pie)')).toBe('https://example.com/pie');
		expect(findLink('"https://example.com/a"')).toBe('https://example.com/a');
		expect(findLink('https://en.wikipedia.org/wiki/Pie_(food)')).toBe('https://en.wikipedia.org/wiki/Pie_(food)');
		expect(findLink('first http://a.example/1 then https://b.example/2')).toBe('http://a.example/1');
		expect(findLink('no link here')).toBeNull();
		expect(findLink('ftp://example.com/file')).toBeNull();
		expect(findLink('')).toBeNull();
	});
});

describe('findLinks', () => {
	it('finds every link, in order, each as findLink gives it', () => {
		expect(findLinks('Soup: https://a.example/soup, bread (https://b.example/loaf). https://en.wikipedia.org/wiki/Pie_(food)!')).toEqual([
			'https://a.example/soup',
			'https://b.example/loaf',
			'https://en.wikipedia.org/wiki/Pie_(food)'
		]);
		expect(findLinks('twice https://a.example/x https://a.example/x')).toEqual(['https://a.example/x', 'https://a.example/x']);
		expect(findLinks('no link, ftp://example.com/file, mailto:a@example.com')).toEqual([]);
		expect(findLinks('')).toEqual([]);
		expect(findLinks(null)).toEqual([]);
	});

	it('skips what only looks like a link, and findLink goes on to the next', () => {
		expect(findLinks('https://. then https://a.example/x')).toEqual(['https://a.example/x']);
		expect(findLink('https://. then https://a.example/x')).toBe('https://a.example/x');
	});
});

describe('bareDomainLink', () => {
	it('reads a domain typed without its scheme as https', () => {
		expect(bareDomainLink('example.com/pie')).toBe('https://example.com/pie');
		expect(bareDomainLink('www.example.co.uk')).toBe('https://www.example.co.uk');
		expect(bareDomainLink('not a link')).toBeNull();
		expect(bareDomainLink('https://example.com')).toBeNull();
		// The pattern's shape, but no host the URL parser takes.
		expect(bareDomainLink('xn--a.com/x')).toBeNull();
	});
});

describe('linkFromShare', () => {
	it('prefers url, then text (Android), then title', () => {
		expect(linkFromShare({ url: 'https://a.example/x', text: 'https://b.example/y' })).toBe('https://a.example/x');
		expect(linkFromShare({ text: 'Tasty pasta https://vm.tiktok.com/ZMabc/ via TikTok' })).toBe('https://vm.tiktok.com/ZMabc/');
		expect(linkFromShare({ title: 'Pie https://c.example/p' })).toBe('https://c.example/p');
		expect(linkFromShare({ url: '', text: 'nothing', title: 'none' })).toBeNull();
	});

	it('accepts a bare domain typed into the url box', () => {
		expect(linkFromShare({ url: 'example.com/pie' })).toBe('https://example.com/pie');
		expect(linkFromShare({ url: 'javascript:alert(1)' })).toBeNull();
		expect(linkFromShare({ url: 'not a link' })).toBeNull();
	});
});

describe('normalizeUrl', () => {
	it('gives the same key for the same page shared differently', () => {
		const key = normalizeUrl('https://example.com/recipes/pie');
		for (const variant of [
			'https://www.example.com/recipes/pie/',
			'https://EXAMPLE.com/recipes/pie#comments',
			'https://example.com/recipes/pie?utm_source=ig&utm_medium=social',
			'https://m.example.com/recipes/pie?fbclid=123'
		]) {
			expect(normalizeUrl(variant)).toBe(key);
		}
	});

	it('keeps parameters that name the page, sorted', () => {
		expect(normalizeUrl('https://www.youtube.com/watch?v=abc&t=10&si=xyz')).toBe('https://youtube.com/watch?t=10&v=abc');
		expect(normalizeUrl('https://youtu.be/abc?si=xyz')).toBe('https://youtube.com/watch?v=abc');
		expect(normalizeUrl('https://example.com/?p=1')).not.toBe(normalizeUrl('https://example.com/?p=2'));
	});
});

describe('sourceKeys (the links a recipe is known by)', () => {
	it('keys the shared link first, then where it redirected and the canonical, each once', () => {
		expect(sourceKeys('https://sr.example/x1?utm_source=ig', 'https://www.example.com/pie/', 'https://example.com/pie#top')).toEqual([
			'https://sr.example/x1',
			'https://example.com/pie'
		]);
	});

	it('leaves out a home page named as canonical or reached by a redirect, unless it was what was shared', () => {
		expect(sourceKeys('https://example.com/pie', 'https://example.com/pie', 'https://www.example.com/')).toEqual(['https://example.com/pie']);
		expect(sourceKeys('https://example.com/', 'https://example.com/')).toEqual(['https://example.com/']);
		// A home page with a query names one page (?p=12 on a blog).
		expect(sourceKeys('https://example.com/pie', 'https://example.com/?p=12')).toEqual(['https://example.com/pie', 'https://example.com/?p=12']);
	});

	it('skips what is not a URL, and missing links', () => {
		expect(sourceKeys('https://example.com/pie', null, undefined, 'not a url', '')).toEqual(['https://example.com/pie']);
	});
});

describe('sameOriginHref (where a notification tap goes)', () => {
	const origin = 'https://cookmark.test';
	it.each([
		['/?highlight=1', 'https://cookmark.test/?highlight=1'],
		['/items/abc', 'https://cookmark.test/items/abc'],
		[undefined, 'https://cookmark.test/']
	])('keeps %s on the app', (target, expected) => {
		expect(sameOriginHref(target, origin)).toBe(expected);
	});

	it.each(['https://evil.example/phish', '//evil.example/x', 'javascript:alert(1)', 'data:text/html,<script>alert(1)</script>', 'http://cookmark.test/'])(
		'sends %s home instead',
		(target) => {
			expect(sameOriginHref(target, origin)).toBe('https://cookmark.test/');
		}
	);
});

describe('findLink on long input', () => {
	// Found by tests/unit/fuzz-text.test.ts: an end-anchored regex per trailing character made a
	// 64 KiB body of ")" take minutes (cubic), blocking the server's event loop.
	it('reads a link followed by a long run of punctuation in linear time', () => {
		const start = performance.now();
		expect(findLink('https://a.example/x' + ')'.repeat(60_000))).toBe('https://a.example/x');
		expect(findLink('see https://a.example/' + '.'.repeat(60_000) + 'x.')).toBe('https://a.example/' + '.'.repeat(60_000) + 'x');
		expect(findLink('https://a.example/(' + '('.repeat(30_000) + ')'.repeat(60_000))).toBe('https://a.example/(' + '('.repeat(30_000) + ')'.repeat(30_001));
		expect(performance.now() - start).toBeLessThan(1_000);
	});
});
