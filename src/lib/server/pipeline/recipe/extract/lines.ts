import * as cheerio from 'cheerio';

/** Text of a value that may hold HTML and entities ("Mac &#039;n cheese", "<p>Stir.</p>"). */
export function cleanText(value: string): string {
	let text = value;
	// Twice: some sites escape their HTML before putting it in JSON ("&lt;p&gt;Stir.&lt;/p&gt;").
	for (let pass = 0; pass < 2 && (text.includes('<') || text.includes('&')); pass++) {
		text = cheerio.load(`<div>${text}</div>`, null, false)('div').text();
	}
	return text.replace(/\s+/g, ' ').trim();
}

/** One string that holds several lines: HTML paragraphs, list items, <br> or line breaks. */
export function splitLines(raw: string): string[] {
	// HTML escaped into the text ("&lt;p&gt;") is still the site's markup.
	const value = /&lt;\/?(?:p|li|br)\b/i.test(raw) ? cheerio.load(`<div>${raw}</div>`, null, false)('div').text() : raw;
	if (/<(?:li|p|br)\b/i.test(value)) {
		const $ = cheerio.load(`<div>${value.replace(/<br\s*\/?>/gi, '\n')}</div>`, null, false);
		const items = $('li, p').toArray().map((el) => $(el).text());
		const parts = items.length ? items.flatMap((s) => s.split(/\n+/)) : $('div').text().split(/\n+/);
		return parts.map((s) => s.replace(/\s+/g, ' ').trim()).filter(Boolean);
	}
	return value.split(/[\r\n]+/).map(cleanText).filter(Boolean);
}

/** Bullets and check boxes that sites put before each line. */
const BULLET = /^(?:[-–—•·*▪▫◦‣⁃▢□☐✓✔]|\u2022)\s*/;

/** Index of the bracket that closes the one opened at `open`, or -1. */
function closing(s: string, open: number): number {
	let depth = 0;
	for (let i = open; i < s.length; i++) {
		if (s[i] === '(') depth++;
		else if (s[i] === ')' && --depth === 0) return i;
	}
	return -1;
}

/**
 * Recipe-card plugins wrap an author's note in brackets of their own, so a note the author
 * bracketed already comes out doubled ("((softened))"); the plugin's pair is removed.
 */
function unwrapPluginBrackets(line: string): string {
	let out = line;
	for (let open = out.indexOf('(('); open !== -1; ) {
		const close = closing(out, open);
		if (close > 0 && closing(out, open + 1) === close - 1) out = out.slice(0, open) + out.slice(open + 1, close) + out.slice(close + 1);
		open = out.indexOf('((', open + 1);
	}
	return out;
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
