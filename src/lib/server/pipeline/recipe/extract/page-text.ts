import type { CheerioAPI } from 'cheerio';

/** Enough for any recipe written out in prose; a language model is never sent more than its own limit. */
const MAX_CHARS = 30_000;

/**
 * The page's main text, one block a line, without page furniture: what is left to read when a
 * page has no recipe in its data or lists (a recipe told in paragraphs), for the parser to try.
 */
export function mainText($: CheerioAPI): string | null {
	const root = $('article').first().length ? $('article').first() : $('main, [role="main"]').first().length ? $('main, [role="main"]').first() : $('body');
	const clone = root.clone();
	clone.find('script, style, noscript, template, svg, iframe, form, nav, header, footer, aside, [role="navigation"], [class*="comment" i], [class*="related" i], [class*="share" i]').remove();
	clone.find('br').replaceWith('\n');
	clone.find('p, div, li, h1, h2, h3, h4, h5, h6, tr, dt, dd, blockquote, section').each((_, el) => {
		$(el).prepend('\n').append('\n');
	});
	const text = clone
		.text()
		.split('\n')
		.map((line) => line.replace(/\s+/g, ' ').trim())
		.filter(Boolean)
		.join('\n');
	return text ? text.slice(0, MAX_CHARS) : null;
}
