import { loadHtml } from './html-dom';
import { STEP_WORDS } from './headings';

/** What Windows-1252 shows for the bytes 0x80–0x9F, so text decoded as it can be encoded back. */
const CP1252_HIGH = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';
const byteOf = (ch: string) => {
	const code = ch.charCodeAt(0);
	const high = CP1252_HIGH.indexOf(ch);
	return code <= 0xff && !(code >= 0x80 && code < 0xa0 && high < 0) ? code : high >= 0 ? 0x80 + high : -1;
};
/** A UTF-8 lead byte and its continuation bytes, as Latin-1 or Windows-1252 shows them. */
const LEAD = '[\\u00c2-\\u00f4]';
const CONTINUATION = '[\\u0080-\\u00bf€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ]';
const MOJIBAKE = new RegExp(`${LEAD}${CONTINUATION}{1,3}`, 'g');
const HAS_MOJIBAKE = new RegExp(`${LEAD}${CONTINUATION}`);
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Text a site stored as UTF-8 bytes read as Latin-1 ("1Â¼ cups", "crÃ¨me", "itâ€™s"): each
 * such sequence read again as the UTF-8 it was. Sequences that are not valid UTF-8 stay.
 */
export function repairMojibake(text: string): string {
	if (!HAS_MOJIBAKE.test(text)) return text;
	return text.replace(MOJIBAKE, (seq) => {
		const lead = byteOf(seq[0]!);
		const length = lead < 0xe0 ? 2 : lead < 0xf0 ? 3 : 4;
		if (seq.length < length) return seq;
		const bytes = [...seq.slice(0, length)].map(byteOf);
		if (bytes.some((b) => b < 0)) return seq;
		try {
			return strictUtf8.decode(Uint8Array.from(bytes)) + seq.slice(length);
		} catch {
			return seq;
		}
	});
}

/** Text of a value that may hold HTML and entities ("Mac &#039;n cheese", "<p>Stir.</p>"). */
export function cleanText(value: string): string {
	let text = repairMojibake(value);
	// Twice: some sites escape their HTML before putting it in JSON ("&lt;p&gt;Stir.&lt;/p&gt;").
	for (let pass = 0; pass < 2 && (text.includes('<') || text.includes('&')); pass++) {
		text = loadHtml(`<div>${text}</div>`, { fragment: true })('div').text();
	}
	return text.replace(/\s+/g, ' ').trim();
}

/** One string that holds several lines: HTML paragraphs, list items, <br> or line breaks. */
export function splitLines(raw: string): string[] {
	// HTML escaped into the text ("&lt;p&gt;") is still the site's markup.
	const value = /&lt;\/?(?:p|li|br)\b/i.test(raw) ? loadHtml(`<div>${raw}</div>`, { fragment: true })('div').text() : raw;
	if (/<(?:li|p|br)\b/i.test(value)) {
		const $ = loadHtml(`<div>${value.replace(/<br\s*\/?>/gi, '\n')}</div>`, { fragment: true });
		const items = $('li, p').toArray().map((el) => $(el).text());
		const parts = items.length ? items.flatMap((s) => s.split(/\n+/)) : $('div').text().split(/\n+/);
		return parts.map((s) => s.replace(/\s+/g, ' ').trim()).filter(Boolean);
	}
	return value.split(/[\r\n]+/).map(cleanText).filter(Boolean);
}

/**
 * One step's text. Its paragraphs (HTML, blank lines) are lines, and so are its line breaks,
 * unless the text is hard-wrapped at a fixed width: some break falls mid-sentence ("Put the
 * flour,\r\nbrown sugar…"), and then every single break is a wrap.
 */
export function stepLines(raw: string): string[] {
	if (/<(?:li|p|br)\b|&lt;\/?(?:p|li|br)\b/i.test(raw)) return splitLines(raw);
	const paragraphs = raw.split(/\r?\n\s*\n/);
	const wrapped = paragraphs.some((p) => /[^.!?:;。！)\s]\s*\r?\n\s*\p{Ll}/u.test(p));
	return paragraphs.flatMap((p) => (wrapped ? [p] : p.split(/\r?\n/))).map(cleanText).filter(Boolean);
}

/** A step's own label before its sentence ("Step 1 Install…", "STEP 2 | Mix…", "Étape 3 : Cuire…"). */
const STEP_LABEL = new RegExp(String.raw`^(?:${STEP_WORDS})\s*\d{1,2}\s*[.):|-]?\s+(?=\S)`, 'i');

/**
 * A step without the label sites print before it: the app numbers steps itself. A label before
 * a section's title ("Étape 1 : Cuisson") stays, as it is the heading.
 */
export function tidyStep(line: string): string {
	const rest = line.replace(STEP_LABEL, '');
	return rest !== line && /[.!?。！)]$/.test(rest) ? rest : line;
}

/** Bullets and check boxes that sites put before each line. */
const BULLET = /^(?:[-–—•·*▪▫◦‣⁃▢□☐✓✔]|\u2022)\s*/;

/**
 * Recipe-card plugins wrap an author's note in brackets of their own, so a note the author
 * bracketed already comes out doubled ("((softened))"); the plugin's pair is removed. One pass
 * pairs the brackets and one drops each pair that directly wraps another: linear in the line, so
 * a hostile page of a million brackets costs no more than reading it.
 */
function unwrapPluginBrackets(line: string): string {
	if (!line.includes('((')) return line;
	const match = new Int32Array(line.length).fill(-1);
	const open: number[] = [];
	for (let i = 0; i < line.length; i++) {
		if (line[i] === '(') open.push(i);
		else if (line[i] === ')' && open.length > 0) match[open.pop()!] = i;
	}
	const drop = new Uint8Array(line.length);
	let dropped = false;
	for (let i = 0; i + 1 < line.length; i++) {
		const close = match[i]!;
		if (close > 0 && match[i + 1] === close - 1) drop[i] = drop[close] = 1;
		dropped ||= drop[i] === 1;
	}
	if (!dropped) return line;
	const kept: string[] = [];
	for (let i = 0; i < line.length; i++) if (!drop[i]) kept.push(line[i]!);
	return kept.join('');
}

/** An ingredient line as a person would write it: no bullet, no doubled brackets, no space before a comma. */
export function tidyIngredient(line: string): string {
	return unwrapPluginBrackets(line.replace(BULLET, ''))
		.replace(/\s+,/g, ',')
		.trim();
}

/** Ingredient values as sites give them: one per entry, sometimes all in one HTML string. */
export function ingredientLines(values: string[]): string[] {
	return values
		.flatMap(splitLines)
		.map(tidyIngredient)
		.filter(Boolean);
}
