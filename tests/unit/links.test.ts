import { describe, expect, it } from 'vitest';
import { findLink, linkFromShare, normalizeUrl, sameOriginHref } from '../../src/lib/links';

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
