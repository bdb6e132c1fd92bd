import type { Cheerio, CheerioAPI } from 'cheerio';
import type { AnyNode, Element } from 'domhandler';

/**
 * A page element's text as a reader sees it: line breaks where blocks and <br> break lines, and
 * spaces where separately styled elements meet between words.
 */

export const squash = (s: string) => s.replace(/\s+/g, ' ').trim();

/** Marks where one element meets the next, so "<span>2</span><span>eggs</span>" reads "2 eggs" (a private-use character, which no page text holds). */
const SEAM = '\ue000';
const UNSPACED_SCRIPT = /[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}]/u;

/**
 * Where elements meet between words, or a word and a bracket, a space. Not in scripts written
 * without spaces (Chinese, Japanese), nor between a number and a unit symbol, which print joins ("250g").
 */
function spacedSeam(before: string, next: string): boolean {
	if (!/[\p{L}\p{N})]/u.test(before) || !/^[\p{L}\p{N}(]/u.test(next)) return false;
	if (UNSPACED_SCRIPT.test(before) || UNSPACED_SCRIPT.test(next[0]!)) return false;
	return !(/\d/.test(before) && /^[a-zµ][a-zA-Z]?(?!\p{L})/u.test(next));
}

function closeSeams(text: string): string {
	const out: string[] = [];
	// The last character is kept aside: reading it off the joined text would flatten that text
	// once per seam, quadratic on a big page (a 1 MB shop page took 40 s).
	let last = '';
	for (const part of text.split(SEAM)) {
		if (!part) continue;
		if (spacedSeam(last, part)) out.push(' ');
		out.push(part);
		last = part.at(-1)!;
	}
	return out.join('');
}

export const BLOCK = 'p, div, li, ul, ol, table, h1, h2, h3, h4, h5, h6, tr, td, th, dt, dd, blockquote, section';
export const INLINE = 'span, a, small, i, em, b, strong, sup, button, svg, img';
export const UNREADABLE = 'script, style, noscript, template, button, input, select, svg';

const BLOCK_TAGS = new Set(BLOCK.split(', '));

/**
 * An element's text with <br> and block boundaries kept as line breaks, without what `drop`
 * selects. Where two elements meet between letters or digits, a space: sites set amount, unit
 * and food in elements of their own and space them with CSS.
 */
export function linesOf($: CheerioAPI, el: Cheerio<AnyNode>, drop = ''): string[] {
	if (el.is(UNREADABLE)) return [];
	const dropped = new Set(el.find(`${UNREADABLE}${drop ? `, ${drop}` : ''}`).toArray());
	// Walked with a stack of its own, not by editing a copy of the tree: inserting a marker beside
	// each element re-sorted the parent's children every time, quadratic on a big page; and a
	// deeply nested page must not exhaust the call stack.
	const parts: string[] = [];
	const stack: Array<AnyNode | string> = el.toArray().flatMap((root) => [...childrenOf(root)].reverse());
	while (stack.length) {
		const node = stack.pop()!;
		if (typeof node === 'string') parts.push(node);
		else if (node.type === 'text') parts.push(node.data);
		else if (isElement(node) && !dropped.has(node)) {
			if (node.name === 'br') {
				parts.push('\n');
				continue;
			}
			const block = BLOCK_TAGS.has(node.name);
			parts.push(block ? SEAM + '\n' : SEAM);
			stack.push(block ? '\n' + SEAM : SEAM, ...[...node.children].reverse());
		}
	}
	return closeSeams(parts.join(''))
		.split('\n')
		.map(squash)
		.filter(Boolean);
}

const isElement = (node: AnyNode): node is Element => node.type === 'tag' || node.type === 'script' || node.type === 'style';
const childrenOf = (node: AnyNode): AnyNode[] => ('children' in node ? node.children : []);
