import { CsvError, parse as parseCsv } from 'csv-parse/sync';
import { Tokenizer } from 'htmlparser2';
import { bareDomainLink, findLinks, isHttpUrl } from '../../links';

/**
 * The links in what someone imports at once: pasted notes, a spreadsheet, an app's JSON export
 * or a browser's bookmarks file. Pure: no I/O; the caller normalises, dedupes and limits.
 */

export type ImportKind = 'text' | 'csv' | 'json' | 'html';

export interface FoundLink {
	url: string;
	/** 1-based; in a CSV the line its record starts on. */
	line: number;
}

/** Past this many, collecting stops: memory stays bounded however large the file. */
const MAX_COLLECTED = 100_000;

export class ImportFormatError extends Error {
	constructor(
		readonly line: number | null,
		message: string
	) {
		super(line === null ? message : `line ${line}: ${message}`);
		this.name = 'ImportFormatError';
	}
}

const BY_EXTENSION: Record<string, ImportKind> = {
	txt: 'text', text: 'text', md: 'text', csv: 'csv', tsv: 'csv', json: 'json', html: 'html', htm: 'html'
};
const BY_CONTENT_TYPE: Record<string, ImportKind> = {
	'text/csv': 'csv', 'text/tab-separated-values': 'csv', 'application/json': 'json', 'text/html': 'html'
};
const HTML_START = /<!doctype\s+(?:html|netscape-bookmark-file-1)|<html[\s>]|<a\s/i;
/** How far into the content an HTML start is looked for. */
const SNIFF_CHARS = 1024;

/** The file's kind: from its extension, else its content type, else a look at its start. */
export function kindOf(fileName: string | null, contentType: string | null, content: string): ImportKind {
	const extension = fileName?.match(/\.([^./\\]+)$/)?.[1]?.toLowerCase();
	const byName = extension ? BY_EXTENSION[extension] : undefined;
	if (byName) return byName;
	const byType = contentType ? BY_CONTENT_TYPE[contentType.split(';')[0]!.trim().toLowerCase()] : undefined;
	if (byType) return byType;
	const trimmed = content.trim();
	// Both ends, so pasted notes that open with "[1] https://…" stay notes.
	if ((trimmed.startsWith('{') && trimmed.endsWith('}')) || (trimmed.startsWith('[') && trimmed.endsWith(']'))) return 'json';
	if (HTML_START.test(trimmed.slice(0, SNIFF_CHARS))) return 'html';
	return 'text';
}

/**
 * Every link in the content, in order and with repeats, and whether collecting stopped at
 * MAX_COLLECTED. Throws ImportFormatError for a CSV or JSON file that cannot be read.
 */
export function linksIn(content: string, kind: ImportKind): { links: FoundLink[]; truncated: boolean } {
	if (content.trim() === '') return { links: [], truncated: false };
	const found = new Found();
	if (kind === 'csv') csvLinks(content, found);
	else if (kind === 'json') jsonLinks(content, found);
	// A mislabelled notes file has no tags: its links are read as text.
	else if (kind === 'text' || !anchorLinks(content, found)) textLinks(content, found);
	return { links: found.links, truncated: found.truncated };
}

class Found {
	links: FoundLink[] = [];
	truncated = false;

	add(url: string, line: number): void {
		if (this.links.length < MAX_COLLECTED) this.links.push({ url, line });
		else this.truncated = true;
	}
}

const LINE_BREAK = /\r\n?|\n/;

/** Line breaks in text[from, to), a CRLF counted once (at its LF) even when `to` splits it. */
function breaksIn(text: string, from = 0, to = text.length): number {
	let breaks = 0;
	for (let i = from; i < to; i++) {
		const c = text.charCodeAt(i);
		if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) breaks++;
	}
	return breaks;
}

/** Line numbers of offsets asked for in increasing order: one pass over the text in all. */
function lineCounter(text: string): (offset: number) => number {
	let counted = 0;
	let line = 1;
	return (offset) => {
		if (offset > counted) {
			line += breaksIn(text, counted, offset);
			counted = offset;
		}
		return line;
	};
}

// A piece that is only a domain with a path; "notes.md" or "Mr.Smith" alone is no link.
const HAS_PATH = /[/?#]/;

/** The links in a line of notes or a spreadsheet cell: each http(s) link, else a bare "example.com/pie". */
function linksInPiece(piece: string): string[] {
	const links = findLinks(piece);
	if (links.length > 0) return links;
	const bare = piece.trim();
	const link = HAS_PATH.test(bare) ? bareDomainLink(bare) : null;
	return link ? [link] : [];
}

function textLinks(content: string, found: Found): void {
	content.split(LINE_BREAK).forEach((line, i) => {
		for (const url of linksInPiece(line)) found.add(url, i + 1);
	});
}

/**
 * csv-parse rather than splitting by hand: quoted fields hold delimiters, doubled quotes and
 * line breaks. Lines are counted from each record's raw text, not csv-parse's `info.lines`:
 * that gives a record's last line and counts a CRLF inside quotes twice. (The raw text of a
 * CRLF file's record ends in its CR alone, which breaksIn counts as the break it is.)
 */
function csvLinks(content: string, found: Found): void {
	let line = 1;
	try {
		parseCsv(content, {
			bom: true,
			delimiter: delimiterOf(content),
			raw: true,
			relax_column_count: true,
			// A stray quote inside an unquoted field (9" pan) is only a character.
			relax_quotes: true,
			on_record: ({ record, raw }: { record: string[]; raw: string }) => {
				for (const cell of record) for (const url of linksInPiece(cell)) found.add(url, line);
				line += breaksIn(raw);
				return null;
			}
		});
	} catch (err) {
		if (!(err instanceof CsvError)) throw err;
		const problem = err.code === 'CSV_QUOTE_NOT_CLOSED' ? 'a quoted field is never closed' : `the CSV cannot be read here (${err.message})`;
		throw new ImportFormatError(line, problem);
	}
}

/** The first line's most frequent separator outside quotes: a comma unless tabs or semicolons outnumber it. */
function delimiterOf(content: string): string {
	const counts = new Map([[',', 0], ['\t', 0], [';', 0]]);
	let quoted = false;
	for (const c of content.split(LINE_BREAK, 1)[0]!) {
		if (c === '"') quoted = !quoted;
		else if (!quoted && counts.has(c)) counts.set(c, counts.get(c)! + 1);
	}
	let best = ',';
	for (const [c, n] of counts) if (n > counts.get(best)!) best = c;
	return best;
}

/**
 * Every string value (not key) that holds links, at the line where it stands. The text is valid
 * JSON once JSON.parse accepts it, so each quote outside a string opens the next one.
 */
function jsonLinks(content: string, found: Found): void {
	// JSON.parse refuses a byte order mark; removing it moves no line.
	const json = content.replace(/^\ufeff/, '');
	try {
		JSON.parse(json);
	} catch (err) {
		if (!(err instanceof SyntaxError)) throw err;
		// Without V8's excerpt of the text or its offset: the line says where.
		const reason = err.message
			.replace(/, (?:\.\.\.)?".*$|(?: in JSON)? at position .*$/s, '')
			.replace(/[\u0000-\u001f]/g, (c) => JSON.stringify(c).slice(1, -1));
		const at = firstInvalidOffset(json);
		throw new ImportFormatError(breaksIn(json, 0, at) + 1, `the JSON is not valid here (${reason})`);
	}
	const lineOf = lineCounter(json);
	for (let start = json.indexOf('"'); start >= 0; ) {
		const end = stringEnd(json, start);
		if (json[spaceEnd(json, end)] !== ':') {
			const literal = json.slice(start, end);
			const value = literal.includes('\\') ? (JSON.parse(literal) as string) : literal.slice(1, -1);
			const links = findLinks(value);
			if (links.length > 0) {
				const line = lineOf(start);
				for (const url of links) found.add(url, line);
			}
		}
		start = json.indexOf('"', end);
	}
}

const SCALAR = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null/y;
const ESCAPE = /\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})/y;

const JSON_SPACE = new Set([0x20, 0x0a, 0x0d, 0x09]);

/** The offset of the first character at or after `from` that is not JSON whitespace. */
function spaceEnd(json: string, from: number): number {
	let i = from;
	while (JSON_SPACE.has(json.charCodeAt(i))) i++;
	return i;
}

/** The offset just past the JSON string opening at `start`, or -1 where the string breaks the rules. */
function stringEnd(json: string, start: number): number {
	for (let i = start + 1; i < json.length; i++) {
		const c = json.charCodeAt(i);
		if (c === 0x22) return i + 1;
		if (c < 0x20) return -1;
		if (c === 0x5c) {
			ESCAPE.lastIndex = i;
			if (!ESCAPE.test(json)) return -1;
			i = ESCAPE.lastIndex - 1;
		}
	}
	return -1;
}

/**
 * Where JSON.parse gave up: the first offset that cannot continue valid JSON. Node 20 names the
 * position for some errors only (not for "Unexpected token", which a trailing comma gives), so
 * the text is walked again, without recursion: the nesting may be as deep as the file is long.
 */
function firstInvalidOffset(json: string): number {
	const closers: string[] = [];
	let expect: 'value' | 'key' | 'next' = 'value';
	// Just after "{" or "[", where the closer may come at once.
	let opened = false;
	let i = 0;
	for (;;) {
		i = spaceEnd(json, i);
		if (i === json.length) return i;
		const c = json[i]!;
		const closer = closers.at(-1);
		if (c === closer && (expect === 'next' || opened)) {
			closers.pop();
			expect = 'next';
			i++;
		} else if (expect === 'next') {
			if (c !== ',' || !closer) return i;
			expect = closer === '}' ? 'key' : 'value';
			i++;
		} else if (expect === 'key') {
			const end = c === '"' ? stringEnd(json, i) : -1;
			if (end < 0) return i;
			i = spaceEnd(json, end);
			if (json[i] !== ':') return i;
			expect = 'value';
			i++;
		} else if (c === '{' || c === '[') {
			closers.push(c === '{' ? '}' : ']');
			expect = c === '{' ? 'key' : 'value';
			i++;
			opened = true;
			continue;
		} else {
			SCALAR.lastIndex = i;
			const end = c === '"' ? stringEnd(json, i) : SCALAR.test(json) ? SCALAR.lastIndex : -1;
			if (end < 0) return i;
			i = end;
			expect = 'next';
		}
		opened = false;
	}
}

/**
 * The http(s) links of <a href>, at the line of their tag; false when the content has no tags.
 * htmlparser2's tokenizer (the parser under cheerio) rather than a DOM: no tree and no stack of
 * open elements, which parse5 and htmlparser2's Parser both search per tag, so time stays
 * linear however deep a hostile file nests; and its offsets give exact lines.
 */
function anchorLinks(html: string, found: Found): boolean {
	const lineOf = lineCounter(html);
	let sawTag = false;
	let tag = '';
	let tagLine = 0;
	let attribute = '';
	let value = '';
	let href: string | null = null;
	const endTag = () => {
		const url = href?.trim();
		if (tag === 'a' && url && isHttpUrl(url)) found.add(url, tagLine);
	};
	const reading = () => tag === 'a' && attribute === 'href' && href === null;
	const ignore = () => {};
	const tokenizer = new Tokenizer(
		{ decodeEntities: true },
		{
			onopentagname(start, end) {
				sawTag = true;
				tag = html.slice(start, end).toLowerCase();
				tagLine = lineOf(start);
				href = null;
			},
			onattribname(start, end) {
				attribute = html.slice(start, end).toLowerCase();
				value = '';
			},
			onattribdata(start, end) {
				if (reading()) value += html.slice(start, end);
			},
			onattribentity(codepoint) {
				if (reading()) value += String.fromCodePoint(codepoint);
			},
			onattribend() {
				// The first href counts, as in a browser.
				if (reading()) href = value;
			},
			onopentagend: endTag,
			onselfclosingtag: endTag,
			oncdata: ignore,
			onclosetag: ignore,
			oncomment: ignore,
			ondeclaration: ignore,
			onend: ignore,
			onprocessinginstruction: ignore,
			ontext: ignore,
			ontextentity: ignore
		}
	);
	tokenizer.write(html);
	tokenizer.end();
	return sawTag;
}
