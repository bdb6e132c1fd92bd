import type { CheerioAPI } from 'cheerio';
import { isTag, type Element } from 'domhandler';
import { AMOUNT_LED, LIST_LABEL, NOT_THE_LIST } from './html-recipe';
import { bare } from './list-choice';
import { linesOf, squash, UNREADABLE } from './markup-lines';

/**
 * The groups a page prints its ingredient list in ("For the dough", "Glaze"), over the lines of
 * its structured data, which schema.org gives as one flat list. A recipe card (WP Recipe Maker,
 * Tasty, Mediavine, a theme's own) shows the same lines as list items, with a heading between
 * the groups; the data's lines are kept as they are, and only the headings are taken from the page.
 */

/** What the page prints between the list items: one element's lines, and how it is marked up. */
interface Between {
	lines: string[];
	markup: string;
}

type Token = { item: number } | Between;

const SKIPPED = `${UNREADABLE}, ${NOT_THE_LIST}`;

/** Longer than a heading: a note between the lists. */
const HEADING_MAX = 80;

/** The page's list items, each as the letters and digits it shows (the data brackets notes, spaces and checks off differently). */
function shownItems($: CheerioAPI): { el: Element; text: string }[] {
	// Found once: asking every item for its closest skipped ancestor took most of the time on long pages.
	const skipped = new Set($(SKIPPED).toArray());
	return $('li')
		.toArray()
		.filter((el) => !$(el).find('li').length && !skipped.has(el) && !$(el).parents().toArray().some((p) => skipped.has(p)))
		.map((el) => ({ el, text: bare(linesOf($, $(el)).join(' ')) }));
}

/** The items, from `start` on in page order, that show the wanted lines one by one; null if some line is not shown. */
function itemsShowing(items: { el: Element; text: string }[], wanted: string[], start: number): Element[] | null {
	const found: Element[] = [];
	for (let i = start; i < items.length && found.length < wanted.length; i++) if (items[i]!.text === wanted[found.length]) found.push(items[i]!.el);
	return found.length === wanted.length ? found : null;
}

/** The page in order, from the smallest element holding all the items: each item, and each other element with text. */
function tokens($: CheerioAPI, items: Element[]): Token[] {
	const root = $(items[0]!).parents().toArray().find((p) => items.every((el) => $.contains(p, el)));
	if (!root) return [];
	const index = new Map(items.map((el, i) => [el, i]));
	const holders = new Set(items.flatMap((el) => $(el).parentsUntil(root).toArray()));
	const out: Token[] = [];
	const walk = (node: Element) => {
		for (const child of node.children) {
			if (child.type === 'text') {
				const text = squash($(child).text());
				if (text) out.push({ lines: [text], markup: '#text' });
			} else if (isTag(child) && index.has(child)) out.push({ item: index.get(child)! });
			else if (isTag(child) && holders.has(child)) walk(child);
			else if (isTag(child) && !$(child).is(SKIPPED)) {
				const lines = linesOf($, $(child), NOT_THE_LIST);
				if (lines.length) out.push({ lines, markup: `${child.tagName}.${child.attribs.class ?? ''}` });
			}
		}
	};
	walk(root);
	return out;
}

/** One short line that is neither an ingredient (an amount first) nor a sentence (a full stop last). */
const isHeading = ({ lines: [line, ...more] }: Between) => !more.length && line!.length <= HEADING_MAX && !AMOUNT_LED.test(line!) && !/[.。]$/.test(line!);

/**
 * Where each group starts (an index into the items) and its name. Between two items there is
 * nothing, or one heading; all the headings are marked up alike, and the first group is named
 * only by a heading marked up as they are (not the card's "Ingredients" or servings above the list).
 */
function headedGroups(tokens: Token[], count: number): { start: number; name: string | null }[] | null {
	let before: Between[] = [];
	let lead: Between | undefined;
	const starts: { start: number; heading: Between }[] = [];
	for (const token of tokens) {
		if (!('item' in token)) {
			before.push(token);
			continue;
		}
		if (token.item === 0) lead = before.at(-1);
		else if (before.length > 1 || (before.length === 1 && !isHeading(before[0]!))) return null;
		else if (before.length === 1) starts.push({ start: token.item, heading: before[0]! });
		before = [];
		if (token.item === count - 1) break;
	}
	const markup = starts[0]?.heading.markup;
	if (!markup || starts.some((s) => s.heading.markup !== markup)) return null;
	const first = lead?.markup === markup && isHeading(lead) && !LIST_LABEL.test(lead.lines[0]!) ? lead.lines[0]! : null;
	return [{ start: 0, name: first }, ...starts.map((s) => ({ start: s.start, name: s.heading.lines[0]! }))];
}

/**
 * The data's ingredient lines with the page's group headings among them, and which lines those
 * are (as `instructionHeadings` marks a HowToSection's name). Null when the page shows the lines
 * in no groups, or shows other lines than the data's.
 */
export function pageIngredientGroups($: CheerioAPI, lines: string[]): { ingredients: string[]; ingredientHeadings: string[] } | null {
	if (lines.length < 2) return null;
	const items = shownItems($);
	const wanted = lines.map(bare);
	// The list may be shown more than once (the post's own list, then the card): each copy is tried.
	for (let start = 0; start < items.length; start++) {
		if (items[start]!.text !== wanted[0]) continue;
		const shown = itemsShowing(items, wanted, start);
		const groups = shown && headedGroups(tokens($, shown), shown.length);
		if (groups) return linesWithHeadings(lines, groups);
	}
	return null;
}

function linesWithHeadings(lines: string[], groups: { start: number; name: string | null }[]) {
	const ingredients: string[] = [];
	const ingredientHeadings: string[] = [];
	groups.forEach((group, i) => {
		if (group.name) {
			ingredients.push(group.name);
			ingredientHeadings.push(group.name);
		}
		ingredients.push(...lines.slice(group.start, groups[i + 1]?.start));
	});
	return { ingredients, ingredientHeadings };
}
