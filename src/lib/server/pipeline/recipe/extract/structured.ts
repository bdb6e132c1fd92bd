import type { CheerioAPI } from 'cheerio';
import { cleanText, ingredientLines, splitLines, stepLines, tidyStep } from './lines';
import { STEP_NUMBER } from './headings';
import { linesOf } from './markup-lines';
import { absoluteUrl, isJsonObject, servingsText, type Json, type JsonObject } from './values';
import type { ExtractedRecipe } from './content';

export { cleanText };

export type { ExtractedRecipe } from './content';


const list = (v: Json | undefined): Json[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]);

const text = (v: Json | undefined): string | null => {
	if (typeof v === 'string') return cleanText(v) || null;
	if (typeof v === 'number') return String(v);
	if (isJsonObject(v)) return text(v.name ?? v.text ?? v['@value']);
	if (Array.isArray(v)) return text(v[0]);
	return null;
};

function hasType(node: JsonObject, type: string): boolean {
	return list(node['@type']).some((t) => typeof t === 'string' && (t === type || t.endsWith(`/${type}`) || t.endsWith(`:${type}`)));
}

/**
 * Raw line breaks and tabs inside JSON strings, as sites write them, escaped, so a list written
 * one ingredient per line keeps its lines; other control characters become spaces.
 */
function escapeControlsInStrings(json: string): string {
	let out = '';
	let inString = false;
	for (let i = 0; i < json.length; i++) {
		const ch = json[i]!;
		if (inString && ch === '\\') {
			out += ch + (json[++i] ?? '');
			continue;
		}
		if (ch === '"') inString = !inString;
		const code = ch.charCodeAt(0);
		if (inString && code < 0x20) out += ch === '\n' ? '\\n' : ch === '\r' ? '\\r' : ch === '\t' ? '\\t' : ' ';
		else out += ch;
	}
	return out;
}

/**
 * Parses a JSON-LD block leniently, as browsers' consumers do: sites put raw newlines in strings,
 * escape quotes JavaScript-style (\'), leave trailing commas or end the block with a semicolon.
 */
function parseJsonLd(raw: string): Json | undefined {
	const body = raw.trim().replace(/^<!--|-->$/g, '').replace(/^\/\/\s*<!\[CDATA\[|\/\/\s*\]\]>$/g, '').trim().replace(/;$/, '');
	const repairs = [
		(s: string) => s,
		escapeControlsInStrings,
		(s: string) => escapeControlsInStrings(s).replace(/\\(?!["\\/bfnrtu])/g, '').replace(/,(\s*[\]}])/g, '$1')
	];
	for (const repair of repairs) {
		try {
			return JSON.parse(repair(body)) as Json;
		} catch {
			// try the next repair
		}
	}
	return undefined;
}

/** Every node typed Recipe, however deep (arrays, @graph, mainEntity, nested WebPage…). */
function recipeNodes(value: Json | undefined, found: JsonObject[] = [], depth = 0): JsonObject[] {
	if (depth > 8 || value === undefined || value === null) return found;
	if (Array.isArray(value)) {
		for (const v of value) recipeNodes(v, found, depth + 1);
	} else if (isJsonObject(value)) {
		if (hasType(value, 'Recipe')) found.push(value);
		for (const [key, v] of Object.entries(value)) if (key !== '@context') recipeNodes(v, found, depth + 1);
	}
	return found;
}

/** Every node with an `@id`, so a reference (`"image": {"@id": "…#primaryimage"}`) can be followed. */
function nodesById(value: Json | undefined, found = new Map<string, JsonObject>(), depth = 0): Map<string, JsonObject> {
	if (depth > 8 || value === undefined || value === null) return found;
	if (Array.isArray(value)) {
		for (const v of value) nodesById(v, found, depth + 1);
	} else if (isJsonObject(value)) {
		const id = value['@id'];
		// The first full node wins over later bare references to it.
		if (typeof id === 'string' && Object.keys(value).length > 1 && !found.has(id)) found.set(id, value);
		for (const [key, v] of Object.entries(value)) if (key !== '@context') nodesById(v, found, depth + 1);
	}
	return found;
}

type NodeIndex = Map<string, JsonObject>;

/** ISO-8601 durations (PT1H30M, P0DT45M), bare minutes, or "1 hour 20 mins" → minutes. */
export function durationMinutes(value: Json | undefined): number | null {
	if (typeof value === 'number') return value > 0 ? Math.round(value) : null;
	if (typeof value !== 'string') return null;
	const v = value.trim();
	const iso = /^P(?:(\d+(?:[.,]\d+)?)Y)?(?:(\d+(?:[.,]\d+)?)M)?(?:(\d+(?:[.,]\d+)?)W)?(?:(\d+(?:[.,]\d+)?)D)?(?:T(?:(\d*(?:[.,]\d+)?)H)?(?:(\d+(?:[.,]\d+)?)M)?(?:(\d+(?:[.,]\d+)?)S)?)?$/i.exec(v);
	if (iso && v.length > 1) {
		const n = (i: number) => Number((iso[i] ?? '0').replace(',', '.'));
		const minutes = n(4) * 1440 + n(3) * 10080 + n(5) * 60 + n(6) + n(7) / 60;
		return minutes > 0 ? Math.round(minutes) : null;
	}
	if (/^\d+$/.test(v)) return Number(v) || null;
	const hours = /(\d+(?:[.,]\d+)?)\s*(?:h|hr|hrs|hour|hours|std|stunde|stunden|uur|heures?|horas?|ore|óra)\b/i.exec(v);
	const mins = /(\d+)\s*(?:m|min|mins|minute|minutes|minuten|minutos|minuti|perc)\b/i.exec(v);
	const total = (hours ? Number(hours[1]!.replace(',', '.')) * 60 : 0) + (mins ? Number(mins[1]) : 0);
	return total > 0 ? Math.round(total) : null;
}

const SIZED = /-(\d{2,4})x(\d{2,4})(?=\.\w+(?:$|\?))/;

/**
 * The recipe's picture. Pages often list several renditions, the smallest first; the full-size
 * original is wanted: one without a "-WxH" size suffix (WordPress' renditions), else the largest.
 */
function imageOf(value: Json | undefined, base: string, nodes: NodeIndex): string | null {
	const candidates: { url: string; area: number }[] = [];
	for (const ref of list(value)) {
		const v = isJsonObject(ref) && typeof ref['@id'] === 'string' ? (nodes.get(ref['@id']) ?? ref) : ref;
		// An @id names a node; it is the picture's address only when it is not a fragment of the page.
		const id = isJsonObject(v) && typeof v['@id'] === 'string' && !v['@id'].includes('#') ? v['@id'] : undefined;
		const raw = typeof v === 'string' ? v : isJsonObject(v) ? (v.url ?? v.contentUrl ?? id) : null;
		const url = typeof raw === 'string' ? absoluteUrl(raw, base) : null;
		if (!url) continue;
		const sized = SIZED.exec(url);
		const declared = isJsonObject(v) && typeof v.width === 'number' && typeof v.height === 'number' ? v.width * v.height : null;
		candidates.push({ url, area: declared ?? (sized ? Number(sized[1]) * Number(sized[2]) : Number.MAX_SAFE_INTEGER) });
	}
	if (!candidates.length) return null;
	return candidates.reduce((best, c) => (c.area > best.area ? c : best)).url;
}

/**
 * A step's own title ("Make the dough"), when it is one: many sites fill `name` with the
 * step's text cut short, or with "Step 3", which add nothing.
 */
function stepTitle(name: string, text: string): string | null {
	const title = cleanText(name);
	const fold = (s: string) => s.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
	const [t, body] = [fold(title), fold(cleanText(text))];
	if (!t || body.startsWith(t) || t.startsWith(body) || STEP_NUMBER.test(title)) return null;
	return title;
}

/** recipeInstructions in all its shapes: text, lists, HowToStep, HowToSection, ItemList. */
function instructionsOf(value: Json | undefined): { lines: string[]; headings: string[] } {
	const out: string[] = [];
	const headings: string[] = [];
	const heading = (h: string) => {
		if (!h) return;
		out.push(h);
		headings.push(h);
	};
	const walk = (v: Json | undefined, depth: number) => {
		if (depth > 6 || v === undefined || v === null) return;
		if (typeof v === 'string') out.push(...splitLines(v).map(tidyStep));
		else if (Array.isArray(v)) v.forEach((x) => walk(x, depth + 1));
		else if (isJsonObject(v)) {
			if (v.itemListElement !== undefined) {
				// A HowToSection's name heads its steps ("For the glaze").
				if (typeof v.name === 'string' && hasType(v, 'HowToSection')) heading(cleanText(v.name));
				walk(v.itemListElement, depth + 1);
			} else if (typeof v.text === 'string') {
				const title = typeof v.name === 'string' ? stepTitle(v.name, v.text) : null;
				if (title) heading(title);
				out.push(...stepLines(v.text).map(tidyStep));
			}
			else if (typeof v.name === 'string') out.push(cleanText(v.name));
			else if (v.item !== undefined) walk(v.item, depth + 1);
		}
	};
	walk(value, 0);
	return { lines: out.filter(Boolean), headings };
}

/** schema.org keywords: a comma-separated string or a list. */
function keywordsOf(value: Json | undefined): string[] {
	const words = list(value).flatMap((v) => (typeof v === 'string' ? v.split(',') : text(v) ? [text(v)!] : []));
	return [...new Set(words.map((w) => cleanText(w)).filter((w) => w && w.length <= 60))];
}

/** NutritionInformation as the page states it, by schema.org's names; the recipe model picks what it keeps. */
function nutritionOf(value: Json | undefined): Record<string, string> | null {
	const node = list(value).find(isJsonObject);
	if (!node) return null;
	const out: Record<string, string> = {};
	for (const [key, v] of Object.entries(node)) {
		const t = key.startsWith('@') ? null : text(v);
		if (t) out[key] = t;
	}
	return Object.keys(out).length ? out : null;
}

function yieldsOf(value: Json | undefined): string | null {
	const values = list(value);
	const withNumber = values.find((v) => (typeof v === 'string' && /\d/.test(v)) || typeof v === 'number');
	const chosen = withNumber ?? values[0];
	if (typeof chosen === 'number') return servingsText(chosen);
	if (typeof chosen !== 'string') return null;
	const t = cleanText(chosen);
	if (/^\d+(?:[.,]\d+)?$/.test(t)) return servingsText(t);
	// "Serves 4-6", "8 to 10": the upper end, as the page's own serving count.
	return t.replace(/^(\D*?)\d+\s*(?:-|–|to|bis|à)\s*(\d+)/i, '$1$2') || null;
}

function authorOf(value: Json | undefined): string | null {
	for (const v of list(value)) {
		const name = text(v);
		if (name) return name;
	}
	return null;
}

function fromJsonLd(node: JsonObject, base: string, nodes: NodeIndex): ExtractedRecipe {
	const total = durationMinutes(node.totalTime);
	const parts = [node.prepTime, node.cookTime, node.performTime].map(durationMinutes).filter((n): n is number => n !== null);
	const instructions = instructionsOf(node.recipeInstructions);
	return {
		title: text(node.name) ?? text(node.headline),
		ingredients: ingredientLines(
			list(node.recipeIngredient ?? node.ingredients).flatMap((v) => (typeof v === 'string' ? [v] : text(v) ? [text(v)!] : []))
		),
		instructions: instructions.lines,
		instructionHeadings: instructions.headings,
		yields: yieldsOf(node.recipeYield ?? node.yield),
		totalTime: total ?? (parts.length ? parts.reduce((a, b) => a + b, 0) : null),
		image: imageOf(node.image ?? node.thumbnailUrl, base, nodes),
		author: authorOf(node.author ?? node.creator),
		description: text(node.description),
		source: 'json-ld',
		prepTime: durationMinutes(node.prepTime),
		cookTime: durationMinutes(node.cookTime),
		keywords: keywordsOf(node.keywords),
		nutrition: nutritionOf(node.nutrition)
	};
}

/** schema.org Recipe in microdata (itemscope/itemprop), for pages without JSON-LD. */
function fromMicrodata($: CheerioAPI, base: string): ExtractedRecipe | null {
	const root = $('[itemtype*="schema.org/Recipe" i]').first();
	if (!root.length) return null;
	// A property of this recipe, not of a nested item (an author Person, a review…).
	const props = (name: string) =>
		root.find(`[itemprop~="${name}"]`).filter((_, el) => $(el).parents('[itemscope]').first().is(root));
	const value = (el: ReturnType<typeof props>) => {
		const node = el.first();
		return (node.attr('content') ?? node.attr('datetime') ?? node.text()).replace(/\s+/g, ' ').trim() || null;
	};
	const instructionEls = props('recipeInstructions');
	const instructions = instructionEls.toArray().flatMap((el) => {
		const items = $(el).find('li, p');
		const parts = items.length ? items.toArray().map((x) => $(x).text()) : [$(el).text()];
		return parts.map((s) => tidyStep(s.replace(/\s+/g, ' ').trim())).filter(Boolean);
	});
	const image = props('image').first();
	const author = props('author').first();
	return {
		title: value(props('name')),
		// One element, one line, as shown: cells and elements of their own spaced apart.
		ingredients: ingredientLines(
			[...props('recipeIngredient').toArray(), ...props('ingredients').toArray()].map((el) => $(el).attr('content') ?? linesOf($, $(el)).join(' '))
		),
		instructions,
		yields: yieldsOf(value(props('recipeYield'))),
		totalTime: durationMinutes(value(props('totalTime')) ?? undefined),
		prepTime: durationMinutes(value(props('prepTime')) ?? undefined),
		cookTime: durationMinutes(value(props('cookTime')) ?? undefined),
		image: absoluteUrl(image.attr('src') ?? image.attr('content') ?? image.attr('href') ?? null, base),
		author: author.length ? (author.find('[itemprop~="name"]').first().text().trim() || author.text().trim() || null) : null,
		description: value(props('description')),
		source: 'microdata'
	};
}

const completeness = (r: ExtractedRecipe) => (r.ingredients.length ? 2 : 0) + (r.instructions.length ? 2 : 0) + (r.title ? 1 : 0);

/** The page's structured recipe, the most complete of its JSON-LD and microdata; null when it has none. */
export function readStructuredRecipe($: CheerioAPI, base: string): ExtractedRecipe | null {
	const candidates: ExtractedRecipe[] = [];
	const blocks = $('script[type="application/ld+json" i]')
		.toArray()
		.map((el) => parseJsonLd($(el).text()));
	const nodes = nodesById(blocks as Json);
	for (const block of blocks) for (const node of recipeNodes(block)) candidates.push(fromJsonLd(node, base, nodes));
	const micro = fromMicrodata($, base);
	if (micro) candidates.push(micro);
	if (!candidates.length) return null;
	// Stable: JSON-LD wins ties, since it is listed first.
	return candidates.reduce((best, c) => (completeness(c) > completeness(best) ? c : best));
}
