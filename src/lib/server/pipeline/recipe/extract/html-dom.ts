import * as cheerio from 'cheerio';
import type { CheerioAPI } from 'cheerio';
import { hasChildren, type ChildNode, type ParentNode } from 'domhandler';
import { Parser } from 'htmlparser2';
import { PermanentError } from '../../../failures/errors';

/**
 * HTML parsed for reading, with its nesting bounded. Real pages nest 18 elements deep, 44 at
 * most (the 637 pages of the extraction corpus), but every step of reading deep markup costs the
 * depth again: parse5 scans its stack of open elements for each tag (20,000 nested <li>s take a
 * minute), cheerio's `.text()` recurses once per level (10,000 overflow the stack) and the markup
 * readers look at each element's ancestors and descendants.
 *
 * So a page nested deeper than MAX_PARSED_DEPTH (Blink's own parser limit) is refused before it
 * is parsed, and below MAX_READ_DEPTH an element keeps its text and its empty elements (<br>,
 * <img>) but no further structure.
 */
export const MAX_PARSED_DEPTH = 512;
export const MAX_READ_DEPTH = 64;

export function loadHtml(raw: string, options: { fragment?: boolean } = {}): CheerioAPI {
	// Two lone low surrogates ("\udfff\udfff", which JSON-LD may escape into a string) make parse5
	// throw a RangeError; a decoded page never holds them, so U+FFFD in their place loses nothing.
	const html = raw.toWellFormed();
	if (nestsDeeperThan(html, MAX_PARSED_DEPTH)) {
		throw new PermanentError('unreadable_page', `the page nests its elements more than ${MAX_PARSED_DEPTH} deep`);
	}
	const $ = options.fragment ? cheerio.load(html, null, false) : cheerio.load(html);
	boundDepth($.root()[0]!, MAX_READ_DEPTH);
	return $;
}

/**
 * htmlparser2 streams the markup without building a tree, closing what HTML closes implicitly (a
 * <li> the next one); it stops at the limit, so its own stack (searched for each closing tag) stays short.
 */
function nestsDeeperThan(html: string, limit: number): boolean {
	let depth = 0;
	const tooDeep = new Error('too deep');
	const parser = new Parser({
		onopentag() {
			if (++depth > limit) throw tooDeep;
		},
		onclosetag() {
			depth--;
		}
	});
	try {
		parser.end(html);
		return false;
	} catch (err) {
		if (err === tooDeep) return true;
		throw err;
	}
}

/** An element that holds other elements (rather than only text, as <script> and <li>1 egg</li> do). */
const nests = (node: ChildNode) => hasChildren(node) && node.children.some(hasChildren);

/** Flattens what lies below `maxDepth` into the element at that depth. Iterative: the input is what overflows a recursion. */
export function boundDepth(root: ParentNode, maxDepth: number): void {
	const stack: [ParentNode, number][] = [[root, 0]];
	while (stack.length) {
		const [node, depth] = stack.pop()!;
		for (const child of node.children) {
			if (!nests(child)) continue;
			if (depth + 1 >= maxDepth) flatten(child as ParentNode);
			else stack.push([child as ParentNode, depth + 1]);
		}
	}
}

/** The element's descendants in document order, with each one that nests others dissolved into its children. */
function flatten(el: ParentNode): void {
	const kept: ChildNode[] = [];
	const pending = [...el.children].reverse();
	while (pending.length) {
		const node = pending.pop()!;
		if (nests(node)) for (let i = (node as ParentNode).children.length - 1; i >= 0; i--) pending.push((node as ParentNode).children[i]!);
		else kept.push(node);
	}
	kept.forEach((node, i) => {
		node.parent = el;
		node.prev = kept[i - 1] ?? null;
		node.next = kept[i + 1] ?? null;
	});
	el.children = kept;
}
