/**
 * A page's character encoding, decided as browsers do (WHATWG HTML, "determining the character
 * encoding") minus the guessing step: byte order mark, then the Content-Type charset, then a
 * `<meta>` in the first 1024 bytes, else UTF-8. Returns a name TextDecoder accepts.
 */
export function sniffEncoding(bytes: Uint8Array, contentType: string): string {
	return bomEncoding(bytes) ?? supported(headerCharset(contentType)) ?? metaEncoding(bytes) ?? 'utf-8';
}

export function decodeHtml(bytes: Uint8Array, contentType: string): string {
	const encoding = sniffEncoding(bytes, contentType);
	if (encoding === 'windows-1252') return decodeWindows1252(bytes);
	// TextDecoder drops a BOM that matches its encoding.
	return new TextDecoder(encoding).decode(bytes);
}

// Node ≥ 20.18.3 decodes windows-1252 (and with it the latin1 and iso-8859-1 labels, which the
// web maps to it) as ISO-8859-1, turning € “ ” – — ™ into control characters (nodejs/node#60888).
// The two differ only in 0x80–0x9F, so that block is mapped here (WHATWG index-windows-1252).
const WINDOWS_1252_80_9F = [
	0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d, 0x17d, 0x8f,
	0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178
];

function decodeWindows1252(bytes: Uint8Array): string {
	return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
		.toString('latin1')
		.replace(/[\x80-\x9f]/g, (c) => String.fromCharCode(WINDOWS_1252_80_9F[c.charCodeAt(0) - 0x80]!));
}

function bomEncoding(b: Uint8Array): string | undefined {
	if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return 'utf-8';
	if (b[0] === 0xfe && b[1] === 0xff) return 'utf-16be';
	if (b[0] === 0xff && b[1] === 0xfe) return 'utf-16le';
	return undefined;
}

/** The canonical name of an encoding label, or undefined when unknown here (e.g. the "replacement" labels). */
function supported(label: string | undefined): string | undefined {
	if (!label) return undefined;
	try {
		return new TextDecoder(label.trim()).encoding;
	} catch {
		return undefined;
	}
}

function headerCharset(contentType: string): string | undefined {
	const m = /;\s*charset\s*=\s*(?:"([^"]*)"|([^;\s]*))/i.exec(contentType);
	return m?.[1] ?? m?.[2];
}

// The prescan's tokens in order: comments (an unclosed one hides the rest), meta tags, any other
// tag with its attributes (so a "<meta" inside an attribute value is not one), and <! <? </ forms.
const ATTRS = `(?:[^>"']|"[^"]*"|'[^']*')*`;
const TOKEN = new RegExp(`<!--[\\s\\S]*?(?:-->|$)|<meta(?=[\\s/])(${ATTRS})>|<\\/?[a-z]${ATTRS}>|<[!/?][^>]*>`, 'gi');
const ATTR = /([^\s/>="']+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]*)))?/g;
const CONTENT_CHARSET = /charset\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s;"']+))/i;

function metaEncoding(bytes: Uint8Array): string | undefined {
	// Labels and markup are ASCII; latin1 maps each byte to one character whatever the encoding.
	const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 1024)).toString('latin1');
	for (const token of head.matchAll(TOKEN)) {
		if (token[1] === undefined) continue;
		const found = supported(metaCharset(token[1]));
		// A page cannot really be UTF-16 if ASCII markup was readable in it.
		if (found === 'utf-16le' || found === 'utf-16be') return 'utf-8';
		if (found) return found;
	}
	return undefined;
}

/** `<meta charset>`, or `<meta http-equiv="content-type" content="...; charset=...">`. The first of a repeated attribute counts. */
function metaCharset(attributes: string): string | undefined {
	const attrs = new Map<string, string>();
	for (const [, name = '', ...values] of attributes.matchAll(ATTR)) {
		const key = name.toLowerCase();
		if (!attrs.has(key)) attrs.set(key, values.find((v) => v !== undefined) ?? '');
	}
	const charset = attrs.get('charset');
	if (charset !== undefined) return charset;
	if (attrs.get('http-equiv')?.trim().toLowerCase() !== 'content-type') return undefined;
	const m = CONTENT_CHARSET.exec(attrs.get('content') ?? '');
	return m?.[1] ?? m?.[2] ?? m?.[3];
}
