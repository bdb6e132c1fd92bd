import type { CheerioAPI } from 'cheerio';
import { FURNITURE } from './html-recipe';
import { linesOf } from './markup-lines';

/** Enough for any recipe written out in prose; a language model is never sent more than its own limit. */
const MAX_CHARS = 30_000;

/**
 * The page's main text, one block a line, without page furniture: what is left to read when a
 * page has no recipe in its data or lists (a recipe told in paragraphs), for the parser to try.
 */
export function mainText($: CheerioAPI): string | null {
	const article = $('article').first();
	const main = $('main, [role="main"]').first();
	const root = article.length ? article : main.length ? main : $('body');
	const text = linesOf($, root, `template, iframe, form, aside, ${FURNITURE}`).join('\n');
	return text ? text.slice(0, MAX_CHARS) : null;
}
