import { describe, expect, it } from 'vitest';
import { decodeHtml, sniffEncoding } from '../../src/lib/server/net/charset';

const ascii = (s: string) => Buffer.from(s, 'latin1');

describe('sniffEncoding: BOM, then header, then <meta> prescan, else UTF-8', () => {
	it.each([
		['a UTF-8 BOM over the header', [0xef, 0xbb, 0xbf, 0x3c], 'text/html; charset=windows-1252', 'utf-8'],
		['a UTF-16LE BOM', [0xff, 0xfe, 0x3c, 0x00], 'text/html', 'utf-16le'],
		['a UTF-16BE BOM', [0xfe, 0xff, 0x00, 0x3c], 'text/html', 'utf-16be']
	])('%s', (_, bom, contentType, expected) => {
		expect(sniffEncoding(Uint8Array.from(bom), contentType)).toBe(expected);
	});

	it.each([
		['text/html; charset=iso-8859-1', 'windows-1252'],
		['text/html; charset=latin1', 'windows-1252'],
		['text/html; charset="Windows-1252"', 'windows-1252'],
		['text/html;charset=shift_jis', 'shift_jis'],
		['text/html; charset=x-sjis', 'shift_jis'],
		['text/html; charset=gb2312', 'gbk'],
		['text/html; charset=EUC-KR', 'euc-kr'],
		['text/html; charset=utf8', 'utf-8']
	])('reads the header %s as %s', (contentType, expected) => {
		expect(sniffEncoding(ascii('<meta charset="koi8-r">'), contentType)).toBe(expected);
	});

	it.each([
		['<meta charset="windows-1252">', 'windows-1252'],
		["<meta charset='shift_jis'>", 'shift_jis'],
		['<META CHARSET=latin1>', 'windows-1252'],
		['<meta/charset=euc-jp>', 'euc-jp'],
		['<meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS">', 'shift_jis'],
		["<meta content='text/html;charset = \"iso-8859-1\"' http-equiv=content-type>", 'windows-1252'],
		['<meta charset="shift_jis" charset="koi8-r">', 'shift_jis'],
		['<meta charset="bogus"><meta charset="koi8-r">', 'koi8-r'],
		['<meta charset="utf-16le">', 'utf-8']
	])('finds %s', (head, expected) => {
		expect(sniffEncoding(ascii(`<!doctype html><html><head>${head}<title>x</title>`), 'text/html')).toBe(expected);
	});

	it.each([
		['no hint at all', '<p>plain</p>'],
		['a meta tag past the first 1024 bytes', `<!-- ${'x'.repeat(1024)} --><meta charset="shift_jis">`],
		['a meta tag in a comment', '<!-- <meta charset="shift_jis"> --><p>'],
		['a meta tag after an unclosed comment', '<!-- oops <meta charset="shift_jis">'],
		['a meta tag inside another tag\'s attribute', '<div title="<meta charset=shift_jis>"></div>'],
		['http-equiv that is not content-type', '<meta http-equiv="refresh" content="0; charset=shift_jis">'],
		['content without http-equiv', '<meta name="x" content="text/html; charset=shift_jis">'],
		['a label no decoder knows', '<meta charset="no-such-thing">'],
		['a meta tag cut off at the limit', `${' '.repeat(1000)}<meta charset="shift_jis"`]
	])('falls back to UTF-8 for %s', (_, head) => {
		expect(sniffEncoding(ascii(head), 'text/html')).toBe('utf-8');
	});

	it('prefers a known header charset and skips an unknown one', () => {
		expect(sniffEncoding(ascii('<meta charset="shift_jis">'), 'text/html; charset=euc-kr')).toBe('euc-kr');
		expect(sniffEncoding(ascii('<meta charset="shift_jis">'), 'text/html; charset=nonsense')).toBe('shift_jis');
	});
});

describe('decodeHtml', () => {
	it('decodes all of windows-1252, including the 0x80-0x9F block Node gets wrong', () => {
		const bytes = Uint8Array.from([0x80, 0x20, 0x93, 0x71, 0x94, 0x20, 0x96, 0x20, 0x97, 0x20, 0x99, 0x20, 0x9f, 0x20, 0xe8, 0xbd, 0x81]);
		expect(decodeHtml(bytes, 'text/html; charset=iso-8859-1')).toBe('€ “q” – — ™ Ÿ è½\u0081');
	});

	it('decodes Shift_JIS and UTF-16 and drops the BOM', () => {
		expect(decodeHtml(Uint8Array.from([0x93, 0xfa, 0x96, 0x7b]), 'text/html; charset=shift_jis')).toBe('日本');
		expect(decodeHtml(Uint8Array.from([0xff, 0xfe, 0x68, 0x00, 0xe9, 0x00]), 'text/html')).toBe('hé');
		expect(decodeHtml(Uint8Array.from([0xef, 0xbb, 0xbf, 0x68, 0xc3, 0xa9]), 'text/html')).toBe('hé');
	});
});
