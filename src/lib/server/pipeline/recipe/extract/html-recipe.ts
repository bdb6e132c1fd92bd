import type { Cheerio, CheerioAPI } from 'cheerio';
import type { AnyNode, Element } from 'domhandler';
import { INGREDIENT_WORDS, METHOD_WORDS, STEP_NUMBER } from './headings';
import { tidyIngredient, tidyStep } from './lines';
import { BLOCK, INLINE, linesOf, squash, UNREADABLE } from './markup-lines';
import { isServingsLine } from './page-facts';

/**
 * The recipe as a page's markup shows it, for pages whose structured data is missing or poor:
 * the lists under an "Ingredients" heading or inside an element named for ingredients, and
 * likewise for the method. Word lists cover the languages recipe sites are most often in.
 */
export interface HtmlRecipe {
	title: string | null;
	ingredients: string[];
	instructions: string[];
}

const INGREDIENT_HEADING = new RegExp(`^(?:the\\s+)?(?:${INGREDIENT_WORDS})\\b`, 'i');
/** The list's own heading word as a line of it ("Ingredients", "Zutaten:"). */
export const LIST_LABEL = new RegExp(`^(?:${INGREDIENT_WORDS})\\s*[:：]?$`, 'i');
const METHOD_HEADING = new RegExp(`^(?:${METHOD_WORDS})\\b`, 'i');

const INGREDIENT_CLASS = /ingredient|zutat|ingrediente/i;
const METHOD_CLASS = /instruction|direction|method|preparation|step|zubereitung|preparacion/i;
/** Page furniture that holds lists which are not the recipe. The page's own frame (body, main, article) is never it, whatever its classes say ("avada-social-…"). */
export const FURNITURE = ['nav', 'header', 'footer', '[role="navigation"]', ...['comment', 'related', 'share', 'social', 'newsletter', 'subscribe'].map((name) => `[class*="${name}" i]:not(html, body, main, article)`)].join(', ');
/**
 * Lists the page keeps hidden until asked: the other unit system, the inactive tab. Not for
 * titles, which sites hide from sight for search engines and screen readers. A class that is
 * hidden only at some widths ("hidden md:block") is shown.
 */
const HIDDEN = '[hidden], .hide, .hidden:not([class*=":"]), .is-hidden, .visuallyhidden, .u-visuallyhidden, .tab-pane:not(.active)';
/** The nutrition table: its rows ("Fat 10g 15%") read like ingredient lines. */
const NUTRITION = '[class*="nutrition" i], [class*="nutrient" i]';
export const NOT_THE_LIST = `${FURNITURE}, ${HIDDEN}, ${NUTRITION}`;
const furnitureOf = new WeakMap<CheerioAPI, Set<AnyNode>>();

/**
 * Whether an element is page furniture (NOT_THE_LIST) or inside some. Found once per page:
 * `closest()` compiled the selector again for every element asked, seconds on a big page.
 */
function inFurniture($: CheerioAPI, el: AnyNode): boolean {
	let inside = furnitureOf.get($);
	if (!inside) furnitureOf.set($, (inside = new Set($(NOT_THE_LIST).find('*').addBack().toArray())));
	return inside.has(el);
}

const HEADING_TAGS = new Set(['h1', 'h2', 'h3', 'h4', 'h5', 'h6']);

/** A list item is one line however it is marked up inside; a paragraph may hold several (<br>). */
const lineOf = ($: CheerioAPI, el: Element) => linesOf($, $(el)).join(' ');

const rowOf = ($: CheerioAPI, el: Element) =>
	el.tagName === 'tr'
		? squash(
				$(el)
					.children('td, th')
					.toArray()
					.map((td) => lineOf($, td))
					.join(' ')
			)
		: lineOf($, el);

const ownText = ($: CheerioAPI, el: Element) => squash($(el).text()).replace(/[:：.]+$/, '');

/** What an element is named: class, id, and microdata property (recipeInstructions outside any Recipe scope). */
function classOf(el: Element): string {
	return `${el.attribs.class ?? ''} ${el.attribs.id ?? ''} ${el.attribs.itemprop ?? ''}`;
}

/** More rows than a recipe has ingredients are a catalogue. */
const ROWS_MAX = 60;

/** A row is a few short pieces (amount, unit, food, note), not a section with lines or a list of its own. */
const isRow = ($: CheerioAPI, el: Element) => {
	if ($(el).find('br, li, ul, ol, table, h1, h2, h3, h4, h5, h6').length) return false;
	const lines = linesOf($, $(el));
	return lines.length <= 4 && lines.join(' ').length <= 200;
};

/**
 * Lists built without <li>: the elements repeated alike (one tag and class, at least three, none
 * inside another) that together hold the most text, each one line ("<div class=row><div>2
 * tbsp</div><div>oil</div></div>"). Of equals, the larger units: rows, not the spans within them.
 * Rows hold most of the list's text; a few repeated labels (section names in <strong>) are not it.
 */
function repeatedRows($: CheerioAPI, root: Cheerio<Element>): string[] {
	const groups = new Map<string, Element[]>();
	if (root.closest(`${NOT_THE_LIST}, ${UNREADABLE}`).length) return [];
	// Found once for the whole subtree: asking each element for its ancestors compiled the
	// selectors again per element, which took seconds on a big page.
	const skipped = new Set(root.find(`${NOT_THE_LIST}, ${UNREADABLE}`).find('*').addBack().toArray());
	root.find('*').each((_, el) => {
		if (skipped.has(el)) return;
		const key = `${el.tagName}.${el.attribs.class ?? ''}`;
		const group = groups.get(key);
		if (group) group.push(el);
		else groups.set(key, [el]);
	});
	let best: string[] = [];
	let bestText = 0;
	for (const members of groups.values()) {
		if (members.length < 3 || members.length > ROWS_MAX || members.some((m) => !isRow($, m) || members.some((o) => o !== m && $(o).closest(m).length))) continue;
		const lines = members.map((m) => lineOf($, m)).filter(Boolean);
		if (lines.length < 3) continue;
		const text = lines.join('').length;
		if (text > bestText * 1.05 || (text >= bestText * 0.95 && lines.length < best.length)) [best, bestText] = [lines, Math.max(text, bestText)];
	}
	return bestText >= linesOf($, root).join('').length * 0.6 ? best : [];
}

/** Leaf list items (else rows built of other elements, else paragraphs) under `root` that are not page furniture, as text lines. */
function listItems($: CheerioAPI, root: Cheerio<Element>, { rows = false } = {}): string[] {
	const leaves = (selector: string) => {
		const found = root.find(selector);
		// An element is a leaf unless another match lies inside it: the parents of all matches, found at once.
		const holders = new Set(found.parents().toArray());
		return found.toArray().filter((el) => !holders.has(el) && !inFurniture($, el));
	};
	// A table row is one line too: amount, unit and food in cells of their own.
	const items = [...leaves('li'), ...leaves('tr').filter((tr) => $(tr).children('td').length > 0)].map((el) => rowOf($, el)).filter(Boolean);
	if (items.length) return items;
	const repeated = rows ? repeatedRows($, root) : [];
	return repeated.length ? repeated : leaves('p').flatMap((el) => linesOf($, $(el)));
}

/** An element's name: its class, else its microdata property. */
const nameOf = (el: Element) => el.attribs.class ?? el.attribs.itemprop;

/** The element and its siblings of the same tag and name. */
const namedAlike = ($: CheerioAPI, el: Element) =>
	$(el)
		.parent()
		.children()
		.filter((_, x) => (x as Element).tagName === el.tagName && nameOf(x as Element) === nameOf(el))
		.toArray();

/** The element and its siblings named alike; an item or row is one line, a paragraph may be several. */
function siblingsNamed($: CheerioAPI, el: Element, row = false): string[] {
	// List items named alike are one list, across the lists of its sections.
	const kin =
		el.tagName === 'li'
			? $(el)
					.closest('ul, ol')
					.parent()
					.find('li')
					.filter((_, x) => !inFurniture($, x) && nameOf(x as Element) === nameOf(el))
					.toArray()
			: namedAlike($, el);
	return kin.flatMap((x) => (el.tagName === 'li' || row ? [lineOf($, x)] : linesOf($, $(x)))).filter(Boolean);
}

/** A list in headed sections, each in an element named alike ("ingredients-wrap"): every section's heading and items. */
function sectionsNamed($: CheerioAPI, el: Element): string[] {
	return namedAlike($, el).flatMap((section) => {
		const heading = squash($(section).children('h2, h3, h4, h5, h6').first().text());
		return [...(heading ? [heading] : []), ...listItems($, $(section), { rows: true })];
	});
}

/** How many siblings are named alike: three or more are the rows of a list. */
const alike = ($: CheerioAPI, el: Element) => namedAlike($, el).length;

/**
 * The largest list inside elements whose class or id names the section (e.g. "recipe-ingredients").
 * With `rows`, lists built of repeated elements count, each one line (ingredients are short lines).
 */
function byClass($: CheerioAPI, named: RegExp, unlike: RegExp, { rows = false } = {}): string[] {
	let best: string[] = [];
	$('[class], [id], [itemprop]').each((_, el) => {
		const name = classOf(el as Element);
		if (!named.test(name) || unlike.test(name) || inFurniture($, el)) return;
		// A wrapper around both sections ("recipe-method-and-ingredients") is not the section.
		if ($(el).find('[class], [id]').toArray().some((inner) => unlike.test(classOf(inner as Element)))) return;
		// A named line (<p class="instructions">) is one of its named siblings, which together are the list.
		const row = rows && !$(el).is('p, li') && alike($, el as Element) >= 3 && isRow($, el as Element);
		const items =
			$(el).is('p, li') || row
				? siblingsNamed($, el as Element, row)
				: rows && alike($, el as Element) >= 2 && $(el).children('h2, h3, h4, h5, h6').length && $(el).find('li').length
					? sectionsNamed($, el as Element)
					: listItems($, $(el as Element), { rows });
		if (items.length > best.length) best = items;
	});
	return best;
}

/** Is this element a heading-like label ("Ingredients", "<strong>Method:</strong>")? */
function headingMatch($: CheerioAPI, el: Element, pattern: RegExp): boolean {
	const tag = el.tagName.toLowerCase();
	if (!HEADING_TAGS.has(tag) && !['strong', 'b', 'p', 'dt', 'span', 'div', 'th', 'summary'].includes(tag)) return false;
	const text = ownText($, el);
	return text.length > 0 && text.length <= 40 && pattern.test(text) && (HEADING_TAGS.has(tag) || $(el).children().length <= 1);
}

/** The lines that follow a heading, up to the next heading of another section. */
function afterHeading($: CheerioAPI, heading: Element, stop: RegExp, rows: boolean): string[] {
	// Climb while the heading is alone in its wrapper (<div><h3>Ingredients</h3></div><ul>…), or
	// with only inline decoration beside it (an "[edit]" link, an anchor, an icon).
	let start: Cheerio<Element> = $(heading);
	const decoration = (el: Cheerio<Element>) => el.nextAll().toArray().every((x) => $(x).is(INLINE) && !$(x).find(BLOCK).length);
	while (decoration(start) && start.parent().length && !start.parent().is('body')) start = start.parent();
	// "h2" < "h3": a label that is no heading tag (<strong>Method</strong>) is the lowest level.
	const level = HEADING_TAGS.has(heading.tagName.toLowerCase()) ? heading.tagName.toLowerCase() : 'h7';
	const lines: string[] = [];
	for (let el = start.next(); el.length; el = el.next()) {
		const node = el.get(0)!;
		const tag = node.tagName.toLowerCase();
		if (headingMatch($, node, stop) || el.find('h1, h2, h3, h4, h5, h6').toArray().some((h) => headingMatch($, h, stop))) break;
		// A step's number set as a heading ("STEP 2.") goes on with the method, and a lower heading
		// (an <h3> under the <h2>) names a part of it ("For the sauce:"); another heading ends it.
		if (HEADING_TAGS.has(tag) && STEP_NUMBER.test(squash(el.text()))) continue;
		if (HEADING_TAGS.has(tag) && tag > level && lines.length) {
			lines.push(squash(el.text()));
			continue;
		}
		if (HEADING_TAGS.has(tag) && lines.length) break;
		if (el.is('ul, ol, table') || el.find('li, td').length) lines.push(...listItems($, el));
		else if (!HEADING_TAGS.has(tag)) {
			const repeated = rows ? repeatedRows($, el) : [];
			lines.push(...(repeated.length ? repeated : linesOf($, el, NOT_THE_LIST)));
		}
		if (lines.length > 80) break;
	}
	return lines;
}

function byHeading($: CheerioAPI, heading: RegExp, stop: RegExp, { rows = false } = {}): string[] {
	for (const el of $('h1, h2, h3, h4, h5, h6, strong, b, p, dt, span, div, th, summary').toArray()) {
		if (inFurniture($, el) || !headingMatch($, el, heading)) continue;
		const lines = afterHeading($, el, stop, rows);
		if (lines.length) return lines;
	}
	return [];
}

/** A line that starts with an amount ("2 cups", "½ tl", "1-2", "200g"). */
export const AMOUNT_LED = /^(?:about |approx\.? |ca\.? )?(?:\d|[¼-¾⅐-⅞])/i;

/**
 * Lists whose items mostly start with an amount, for pages that neither name nor head their
 * ingredient list: <ul>/<ol>, or a paragraph of bulleted lines ("• 15 g Parmesan<br>• 1 egg").
 * A list repeated verbatim (mobile and desktop copies of a card) counts once.
 */
function amountLedLists($: CheerioAPI): string[] {
	const lines: string[] = [];
	const seen = new Set<string>();
	$('ul, ol, p').each((_, list) => {
		if ($(list).find('ul, ol').length || inFurniture($, list)) return;
		const items = $(list).is('p') ? linesOf($, $(list)) : listItems($, $(list));
		const key = items.join('\n');
		const led = items.filter((i) => AMOUNT_LED.test(tidyIngredient(i))).length;
		if (items.length < ($(list).is('p') ? 3 : 2) || seen.has(key) || led < items.length * 0.6) return;
		seen.add(key);
		lines.push(...items);
	});
	return lines;
}

/** A step as people write one: a sentence (or several), not a label or a link. */
const SENTENCE = /[.!?。！)]$/;

/**
 * For pages that neither name nor head their method: the numbered list of sentences (else a
 * bulleted one) holding the most text.
 */
function sentenceLists($: CheerioAPI): string[] {
	let best: string[] = [];
	let bestScore = 0;
	$('ol, ul').each((_, list) => {
		if ($(list).find('ul, ol').length || inFurniture($, list)) return;
		const items = listItems($, $(list));
		if (items.length < 2 || items.filter((i) => SENTENCE.test(i) && i.length >= 25).length < items.length * 0.75) return;
		const score = items.join('').length * ($(list).is('ol') ? 2 : 1);
		if (score > bestScore) [best, bestScore] = [items, score];
	});
	return best;
}

/**
 * For pages that write their method as plain paragraphs below the ingredient list, with no
 * heading or list of its own: the sentences that follow that list, up to the next heading.
 */
function paragraphsAfter($: CheerioAPI, ingredients: string[]): string[] {
	const last = ingredients.at(-1);
	const item = last ? $('li, tr, p').toArray().find((el) => $(el).find('li, tr, p').length === 0 && rowOf($, el) === last) : undefined;
	if (!item) return [];
	let start = $(item).closest('ul, ol, table');
	if (!start.length) start = $(item);
	while (!start.next().length && start.parent().length && !start.parent().is('body')) start = start.parent();
	const lines: string[] = [];
	for (let el = start.next(); el.length && lines.length <= 40; el = el.next()) {
		const node = el.get(0)!;
		const heading = HEADING_TAGS.has(node.tagName.toLowerCase()) || el.find('h1, h2, h3, h4, h5, h6').length > 0;
		// Another list or heading after the method is where the page moves on.
		if ((heading || el.is('ul, ol, table')) && lines.length) break;
		if (heading || inFurniture($, node)) continue;
		lines.push(...linesOf($, el).filter((line) => SENTENCE.test(line) && line.length >= 25));
	}
	return lines;
}

/**
 * A line that tells what to do rather than what to use: a sentence of ten words or more that
 * does not start with an amount. Pages without a method heading run their steps on below the list.
 */
const isStep = (line: string) => !AMOUNT_LED.test(line) && /[.!?。！]$/.test(line) && line.split(/\s+/).length >= 10;

/** The buttons of a card's unit switcher, which sit in the ingredient list's markup. */
const UNIT_SWITCH = /^(?:us|us customary|metric|imperial|cups|grams|1x|2x|3x)$/i;

const SEPARATOR = /\s+[|│·•–—-]\s+|\s*[|│]\s*/;

/**
 * The page's own name for the dish: the heading that its <title> also names (pages have
 * several h1s, logos among them), else the <title>'s first part, which is where sites put
 * the page's name before their own ("Pie - Site | Recipes").
 */
export function pageTitle($: CheerioAPI): string | null {
	const titles = [$('meta[property="og:title"]').attr('content'), $('title').first().text()]
		.map((t) => squash(t ?? ''))
		.filter(Boolean);
	const headings = $('h1, h2')
		.filter((_, el) => $(el).closest(FURNITURE).length === 0)
		.toArray()
		.map((el) => squash($(el).text()))
		.filter((h) => h.length >= 3 && h.length <= 200);
	// A heading in the title's first part is the dish; one further on is the site ("Pie | Best Bakes").
	// Among equals the longest, since a short one ("Recipes") may be a section's name.
	const lower = titles.map((t) => t.toLowerCase());
	const leads = titles.map((t) => t.split(SEPARATOR)[0]!.toLowerCase());
	const rank = (h: string) => (leads.some((t) => t.includes(h.toLowerCase())) ? 2 : lower.some((t) => t.includes(h.toLowerCase())) ? 1 : 0);
	const named = headings
		.filter((h) => rank(h) > 0)
		.reduce<string | null>((best, h) => (!best || rank(h) > rank(best) || (rank(h) === rank(best) && h.length > best.length) ? h : best), null);
	if (named) return named;
	const first = titles[0]?.split(SEPARATOR)[0]?.trim();
	return first || headings[0] || null;
}

/**
 * A method says what to do: some line of it is a sentence or a clause, not a label ("Prep 10
 * mins", "Easy", "Preparation time: about 30 min"). Scripts written without spaces count by characters.
 */
const hasStep = (lines: string[]) =>
	lines.some((line) => SENTENCE.test(line) || line.split(/\s+/).length >= 6 || /[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]{10}/u.test(line));

export function readHtmlRecipe($: CheerioAPI): HtmlRecipe {
	const first = (accept: (lines: string[]) => boolean, ...finders: (() => string[])[]) => {
		for (const find of finders) {
			const lines = find();
			if (lines.length && accept(lines)) return lines;
		}
		return [];
	};
	// The card's own labels are not ingredients: the unit switch, the servings, the list's heading.
	const label = (line: string) => UNIT_SWITCH.test(line) || isServingsLine(line) || LIST_LABEL.test(line);
	const clean = (lines: string[]) => lines.map(tidyIngredient).filter((line) => line && !label(line) && !isStep(line));
	// A list of tips or steps named like the ingredients is not them: the next finder is asked.
	const ingredients = first(
		(lines) => clean(lines).length > 0,
		() => byClass($, INGREDIENT_CLASS, METHOD_CLASS, { rows: true }),
		() => byHeading($, INGREDIENT_HEADING, METHOD_HEADING, { rows: true }),
		() => amountLedLists($)
	);
	return {
		title: pageTitle($),
		ingredients: clean(ingredients),
		instructions: first(
			hasStep,
			() => byClass($, METHOD_CLASS, INGREDIENT_CLASS),
			() => byHeading($, METHOD_HEADING, INGREDIENT_HEADING),
			// Steps that run on below the ingredient list, with no heading of their own.
			() => ingredients.map(tidyIngredient).filter(isStep),
			() => sentenceLists($),
			() => paragraphsAfter($, ingredients)
		).map(tidyStep)
	};
}
