import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isHttpUrl } from '../../../src/lib/links';
import { ImportFormatError, kindOf, linksIn, type ImportKind } from '../../../src/lib/server/imports/links-in-file';
import { MAX_IMPORT_LINKS } from '../../../src/lib/contract/imports';
import { anyText, fuzzRuns, pathological } from '../../helpers/fuzz';

const found = (content: string, kind: ImportKind) => linksIn(content, kind).links;
const urls = (content: string, kind: ImportKind) => found(content, kind).map((link) => link.url);

function formatError(content: string, kind: ImportKind): ImportFormatError {
	try {
		linksIn(content, kind);
	} catch (err) {
		expect(err).toBeInstanceOf(ImportFormatError);
		return err as ImportFormatError;
	}
	throw new Error('expected an ImportFormatError');
}

describe('notes (text)', () => {
	const notes = [
		'Recipes to try this winter',
		'',
		'Soup: https://example.com/soup, and the bread (https://bake.example/loaf).',
		'Both! https://a.example/1 https://a.example/2?x=1#top',
		'example.com/pie',
		'notes.md',
		'Mr.Smith said so.',
		'See https://en.wikipedia.org/wiki/Pie_(food) for history.',
		'not these: javascript:alert(1) ftp://files.example/x mailto:cook@example.com'
	].join('\n');

	it('finds every link on every line, at its line, without sentence punctuation', () => {
		expect(found(notes, 'text')).toEqual([
			{ url: 'https://example.com/soup', line: 3 },
			{ url: 'https://bake.example/loaf', line: 3 },
			{ url: 'https://a.example/1', line: 4 },
			{ url: 'https://a.example/2?x=1#top', line: 4 },
			{ url: 'https://example.com/pie', line: 5 },
			{ url: 'https://en.wikipedia.org/wiki/Pie_(food)', line: 8 }
		]);
	});

	it('keeps repeats for the caller to count, and counts CRLF and CR line ends once', () => {
		expect(found('https://a.example/x\r\n\r\nhttps://a.example/x\rhttps://b.example/', 'text')).toEqual([
			{ url: 'https://a.example/x', line: 1 },
			{ url: 'https://a.example/x', line: 3 },
			{ url: 'https://b.example/', line: 4 }
		]);
	});

	it('takes a bare domain only when it is the whole line and has a path', () => {
		expect(urls('  example.com/pie  \nexample.com\nsee example.com/pie\nxn--a.com/x', 'text')).toEqual(['https://example.com/pie']);
	});

	it('reads all of a file past the import limit; the caller enforces it', () => {
		const lines = Array.from({ length: MAX_IMPORT_LINKS + 1 }, (_, i) => `https://example.com/r/${i}`);
		const { links, truncated } = linksIn(lines.join('\n'), 'text');
		expect(links).toHaveLength(10_001);
		expect(links.at(-1)).toEqual({ url: 'https://example.com/r/10000', line: 10_001 });
		expect(truncated).toBe(false);
	});

	it('stops collecting at 100,000 links and says so', () => {
		const text = Array.from({ length: 100_001 }, (_, i) => `https://e.example/${i}`).join(' ');
		const { links, truncated } = linksIn(text, 'text');
		expect(links).toHaveLength(100_000);
		expect(truncated).toBe(true);
	});
});

describe('spreadsheets (csv)', () => {
	it('finds links in any column, in cells that are links or hold them, at the line the record starts', () => {
		const csv = [
			'Title,Link,Notes',
			'"Pie, apple",https://example.com/pie,',
			'Soup,,"from https://example.com/soup, ""the"" best"',
			'"Bread',
			'with a long, long name",https://example.com/bread,"line one',
			'line two https://example.com/bread-video"',
			'Cake,example.com/cake,9" pan'
		].join('\r\n');
		expect(found(csv, 'csv')).toEqual([
			{ url: 'https://example.com/pie', line: 2 },
			{ url: 'https://example.com/soup', line: 3 },
			{ url: 'https://example.com/bread', line: 4 },
			{ url: 'https://example.com/bread-video', line: 4 },
			{ url: 'https://example.com/cake', line: 7 }
		]);
	});

	it('reads tab-separated files, with a comma inside a field', () => {
		expect(found('title\turl\nPie, apple\thttps://example.com/pie\n', 'csv')).toEqual([{ url: 'https://example.com/pie', line: 2 }]);
	});

	it('reads semicolon-separated files (a spreadsheet in a comma-decimal locale)', () => {
		expect(found('Titel;Link;Preis\nKuchen;https://example.de/kuchen?a=1,2;3,50\n', 'csv')).toEqual([
			{ url: 'https://example.de/kuchen?a=1,2', line: 2 }
		]);
	});

	it('ignores a byte order mark, blank lines and ragged rows', () => {
		expect(found('\ufeffurl\nhttps://example.com/a\n\n\nhttps://example.com/b,extra,cells\n', 'csv')).toEqual([
			{ url: 'https://example.com/a', line: 2 },
			{ url: 'https://example.com/b', line: 5 }
		]);
	});

	it('names the line of the record whose quote is never closed', () => {
		const csv = ['title,url', 'Pie,https://example.com/pie', '', 'Soup,https://example.com/soup', 'Bread,"https://example.com/bread', 'Cake,https://example.com/cake'].join('\n');
		const err = formatError(csv, 'csv');
		expect(err.line).toBe(5);
		expect(err.message).toBe('line 5: a quoted field is never closed');
	});

	it('counts quoted CRLF line breaks once when naming the line', () => {
		expect(formatError('a,"b\r\nc"\r\nd,"e', 'csv').line).toBe(3);
	});
});

describe('app exports (json)', () => {
	it("reads Instagram's saved posts", () => {
		const saved = JSON.stringify(
			{
				saved_saved_media: [
					{ title: 'someone', string_list_data: [{ href: 'https://www.instagram.com/p/Cabc123/', timestamp: 1700000000 }] },
					{ title: 'another', string_list_data: [{ href: 'https://www.instagram.com/reel/Cdef456/', value: 'a reel', timestamp: 1700000001 }] }
				]
			},
			null,
			2
		);
		expect(found(saved, 'json')).toEqual([
			{ url: 'https://www.instagram.com/p/Cabc123/', line: 7 },
			{ url: 'https://www.instagram.com/reel/Cdef456/', line: 16 }
		]);
	});

	it('reads a plain array of links, on one line or several', () => {
		expect(found('["https://a.example/1","https://a.example/2"]', 'json')).toEqual([
			{ url: 'https://a.example/1', line: 1 },
			{ url: 'https://a.example/2', line: 1 }
		]);
		expect(found('[\n  "https://a.example/1",\n  "https://a.example/1"\n]', 'json')).toEqual([
			{ url: 'https://a.example/1', line: 2 },
			{ url: 'https://a.example/1', line: 3 }
		]);
	});

	it('reads escaped strings and links inside text, but not keys or non-links', () => {
		const json = '\ufeff{"https://key.example/": {"note": "try https:\\/\\/a.example\\/x and https://b.example/y.", "n": 1, "ok": true, "u": "ftp://c.example"}}';
		expect(urls(json, 'json')).toEqual(['https://a.example/x', 'https://b.example/y']);
	});

	it.each([
		['a trailing comma', '[\n  "https://a.example/1",\n  "https://a.example/2",\n]', 4],
		['a missing colon', '{\n  "links": [],\n  "more" 2\n}', 3],
		['a bare word', '{\n  "a": 1,\n  "b": tru\n}', 3],
		['text after the value', '{"a": 1}\n\nmore', 3],
		['an unfinished file', '[\n  "https://a.example/1",\n  "https://a.ex', 3],
		['a raw line break in a string', '[\n  "https://a.example/1\n"]', 2]
	])('names the line of %s, with the reason but not V8\'s excerpt or offset', (_, json, line) => {
		const err = formatError(json, 'json');
		expect(err.line).toBe(line);
		expect(err.message).toMatch(new RegExp(`^line ${line}: the JSON is not valid here \\([^\\n]+\\)$`));
		expect(err.message).not.toMatch(/position|is not valid JSON/);
	});

	it('says which token broke the JSON', () => {
		expect(formatError('["https://a.example/1",]', 'json').message).toBe("line 1: the JSON is not valid here (Unexpected token ']')");
	});
});

describe("browsers' bookmarks and pages (html)", () => {
	const bookmarks = `<!DOCTYPE NETSCAPE-Bookmark-file-1>
<!-- This is an automatically generated file. -->
<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=UTF-8">
<TITLE>Bookmarks</TITLE>
<H1>Bookmarks</H1>
<DL><p>
    <DT><H3 ADD_DATE="1700000000" LAST_MODIFIED="1700000001">Recipes</H3>
    <DL><p>
        <DT><A HREF="https://example.com/pie?a=1&amp;b=2" ADD_DATE="1700000002" ICON="data:image/png;base64,iVBORw0KGgo=">Apple pie</A>
        <DT><H3 ADD_DATE="1700000003">Soups</H3>
        <DL><p>
            <DT><A HREF="https://example.com/soup" ADD_DATE="1700000004">Soup</A>
            <DT><A HREF="javascript:void(0)">A bookmarklet</A>
        </DL><p>
    </DL><p>
    <DT><a href='http://old.example/bread'
        add_date="1700000005">Bread</a>
    <DT><A HREF="place:sort=8">Recent</A>
</DL><p>
`;

	it('finds each http(s) bookmark at the line of its tag', () => {
		expect(found(bookmarks, 'html')).toEqual([
			{ url: 'https://example.com/pie?a=1&b=2', line: 9 },
			{ url: 'https://example.com/soup', line: 12 },
			{ url: 'http://old.example/bread', line: 16 }
		]);
	});

	it('reads only links, not what a page says or loads', () => {
		const page = '<html><head><script src="https://cdn.example/x.js">var u = "<a href=\'https://no.example/\'>";</script></head>' +
			'<body><p>Read https://no.example/text</p><a href="/relative">r</a><a href="mailto:a@b.example">m</a><a href="https://yes.example/">y</a></body></html>';
		expect(urls(page, 'html')).toEqual(['https://yes.example/']);
	});

	it('reads a mislabelled notes file, which has no tags, as text', () => {
		expect(found('my links\nhttps://example.com/a and https://example.com/b\nexample.com/pie', 'html')).toEqual([
			{ url: 'https://example.com/a', line: 2 },
			{ url: 'https://example.com/b', line: 2 },
			{ url: 'https://example.com/pie', line: 3 }
		]);
	});

	it('stays quick however deep a file nests', () => {
		const deep = '<div>'.repeat(100_000) + '<a href="https://example.com/deep">x</a>' + '</span>'.repeat(100_000);
		expect(found(deep, 'html')).toEqual([{ url: 'https://example.com/deep', line: 1 }]);
	});
});

describe('content without links', () => {
	it.each(['text', 'csv', 'json', 'html'] as const)('finds none in empty or blank %s', (kind) => {
		expect(linksIn('', kind)).toEqual({ links: [], truncated: false });
		expect(linksIn(' \n\r\n\t', kind)).toEqual({ links: [], truncated: false });
	});

	it.each([
		['text', 'Grandma says: more butter.\nwww dot example'],
		['csv', 'title,notes\nPie,"more butter"\n'],
		['json', '{"a": ["b", 1, null, {"c": "mailto:x@example.com"}]}'],
		['html', '<p>No <a href="#top">links</a> here</p>']
	] as const)('finds none in %s that has none', (kind, content) => {
		expect(found(content, kind)).toEqual([]);
	});
});

describe('ImportFormatError', () => {
	it('puts the line in front of the message, when there is one', () => {
		const err = new ImportFormatError(7, 'a quoted field is never closed');
		expect(err).toBeInstanceOf(Error);
		expect(err.name).toBe('ImportFormatError');
		expect(err.line).toBe(7);
		expect(err.message).toBe('line 7: a quoted field is never closed');
		expect(new ImportFormatError(null, 'unreadable').message).toBe('unreadable');
	});
});

describe('kindOf', () => {
	it.each([
		['notes.txt', 'text'],
		['notes.TEXT', 'text'],
		['README.md', 'text'],
		['export.csv', 'csv'],
		['export.tsv', 'csv'],
		['saved_posts.json', 'json'],
		['bookmarks.html', 'html'],
		['Bookmarks.HTM', 'html']
	] as const)('goes by the extension of %s', (name, kind) => {
		expect(kindOf(name, 'application/octet-stream', '{}')).toBe(kind);
	});

	it.each([
		['text/csv', 'csv'],
		['text/tab-separated-values', 'csv'],
		['application/json; charset=utf-8', 'json'],
		['TEXT/HTML', 'html']
	] as const)('else by the content type %s', (type, kind) => {
		expect(kindOf('export', type, 'https://example.com/a')).toBe(kind);
		expect(kindOf(null, type, 'https://example.com/a')).toBe(kind);
	});

	it.each([
		['{"saved_saved_media": []}', 'json'],
		['\ufeff\n  ["https://example.com/a"]\n', 'json'],
		['<!DOCTYPE NETSCAPE-Bookmark-file-1>\n<DL><p>', 'html'],
		['<!doctype html><title>x</title>', 'html'],
		['\n<html lang="en">', 'html'],
		['<a href="https://example.com/a">a</a>', 'html'],
		['[1] https://example.com/a', 'text'],
		['{ my notes }\nhttps://example.com/a', 'text'],
		['https://example.com/a', 'text'],
		['', 'text']
	] as const)('else by a look at the content: %j', (content, kind) => {
		expect(kindOf(null, null, content)).toBe(kind);
		expect(kindOf('upload', 'text/plain', content)).toBe(kind);
	});
});

describe('linksIn on hostile input', () => {
	const textish = fc.oneof(anyText(400), pathological(20_000), fc.array(fc.oneof(anyText(60), fc.webUrl()), { maxLength: 20 }).map((parts) => parts.join(' ')));
	const markup = fc.array(fc.oneof(anyText(40), fc.webUrl(), fc.constantFrom('<a href="', '<A HREF=', "'", '">', '>', '</a>', '<!--', '-->', '<script>', '</script>', '&amp;', '<DT>', '\n')), { maxLength: 40 }).map((parts) => parts.join(''));

	it.each(['text', 'html'] as const)('never throws for %s, and gives http(s) links at real lines', (kind) => {
		fc.assert(
			fc.property(fc.oneof(textish, markup), (content) => {
				const lines = content.split(/\r\n?|\n/).length;
				for (const { url, line } of linksIn(content, kind).links) {
					expect(isHttpUrl(url)).toBe(true);
					expect(line).toBeGreaterThanOrEqual(1);
					expect(line).toBeLessThanOrEqual(lines);
				}
			}),
			fuzzRuns(150)
		);
	});

	it('names the line V8 names, where it names one', () => {
		const broken = fc
			.tuple(fc.json({ maxDepth: 3 }).map((json) => JSON.stringify(JSON.parse(json), null, 1)), fc.nat(), fc.constantFrom(',', ']', '}', ':', '"', 'x', '0', '\\', '\n'))
			.map(([json, at, c]) => json.slice(0, at % (json.length + 1)) + c + json.slice(at % (json.length + 1)));
		fc.assert(
			fc.property(broken, (json) => {
				let position: number;
				try {
					JSON.parse(json);
					return;
				} catch (err) {
					const named = /at position (\d+)/.exec((err as Error).message);
					if (!named) return;
					position = Number(named[1]);
				}
				expect(formatError(json, 'json').line).toBe(json.slice(0, position).split('\n').length);
			}),
			fuzzRuns(300)
		);
	});

	it.each(['csv', 'json'] as const)('fails only with ImportFormatError for %s', (kind) => {
		const structured = kind === 'json' ? fc.json() : fc.array(fc.array(fc.oneof(anyText(20), fc.webUrl()), { maxLength: 5 }), { maxLength: 10 }).map((rows) => rows.map((row) => row.join(',')).join('\n'));
		fc.assert(
			fc.property(fc.oneof(textish, structured), (content) => {
				try {
					for (const { url } of linksIn(content, kind).links) expect(isHttpUrl(url)).toBe(true);
				} catch (err) {
					expect(err).toBeInstanceOf(ImportFormatError);
					expect((err as ImportFormatError).line).toBeGreaterThanOrEqual(1);
				}
			}),
			fuzzRuns(150)
		);
	});
});
