import { INGREDIENT_WORDS, METHOD_WORDS, SHOUTED, STEP_WORDS } from './headings';
import { textFacts } from './page-facts';

/**
 * A caption's recipe: its title, ingredient lines and steps, as the author wrote them, without
 * the decoration captions carry (emoji bullets, keycap numbers, hashtags, calls to follow).
 * Nothing is invented: a caption without a recognisable recipe has none.
 */
export interface CaptionRecipe {
	title: string | null;
	ingredients: string[];
	instructions: string[];
	/** The author's words around the recipe (an intro), when there are some. */
	description: string | null;
}

interface Line {
	text: string;
	/** The step number that leads it: "1.", "2)", "Step 3:", "4️⃣". */
	step: number | null;
	/** Led by a number or a bullet ("-", "•", an emoji). */
	marked: boolean;
}

const EMOJI = String.raw`(?:(?![©®™])\p{Extended_Pictographic}|[\u{1F3FB}-\u{1F3FF}\u{1F1E6}-\u{1F1FF}\uFE0F\u200D\u20E3])`;
const BULLET = new RegExp(String.raw`^(?:${EMOJI}|[•‣⁃∙·○●■□◆◇▪▫►▸▹→⇒➜➤✓✗☐*~>+=\-–—])+\s*`, 'u');
const STEP_PREFIX = [
	/^(?:[0-9]\uFE0F?\u20E3)+\s*/u, // keycaps: 1️⃣, 1️⃣0️⃣
	/^\u{1F51F}\s*/u, // 🔟
	new RegExp(String.raw`^(?:${STEP_WORDS})\s*\d+\s*[:.)\-–—]?\s*`, 'iu'),
	/^\(?\d{1,2}\s*(?:[.)\]:](?!\d)|\/\s|[-–—]\s+(?=\p{L}))\s*/u // "1." "1)" "(1)" "1/" "1 - Preheat", not "1.5 cups", "1 - 3 pounds", "10-minute"
];
// Patterns anchored at the end start only where a run of what they strip starts (the lookbehind):
// else the engine tries them at every character of a long run and backtracks over the rest of it,
// which is quadratic. For the emoji that changes nothing (the leftmost match never starts inside a
// run); hashtags now follow a space or punctuation, not a word ("C#", "no#1" are no hashtags).
const TRAILING_EMOJI = new RegExp(String.raw`(?<!\s|${EMOJI})(?:\s*${EMOJI})+$`, 'u');
const TRAILING_HASHTAGS = /(?:(?<!\s)(?=\s)|(?<![\s\p{L}\p{N}_])(?=#))(?:\s*#[\p{L}\p{N}_]+)+\s*$/u;
/** Lines that talk to the reader rather than cook: links, follows, saves, comment prompts. */
const CALL_TO_ACTION =
	/\b(?:link in (?:my |the )?bio|(?:full|printable|detailed) recipe (?:is )?(?:on|at|in|linked|below)|recipe (?:is )?(?:on|at) (?:my|the|our) (?:blog|website|site)|follow (?:@|me\b|us\b|for more)|save (?:this|it)(?: post| recipe)? for later|tag (?:a|your|someone)|share (?:this )?with (?:a|your|someone)|comment ["“']?\p{L}+["”']? (?:below|and|for)|(?:recipe|ingredients|instructions|details) (?:below|down below|in (?:the )?comments)|subscribe|turn on (?:post )?notifications)/iu;

/** Captions also head their lists with looser words than recipe pages do. */
const INGREDIENT_HEADING = `${INGREDIENT_WORDS}|ingredient list|shopping list`;
const METHOD_HEADING = `${METHOD_WORDS}|how to make (?:it|them|this|these)|how to|here(?:'|’)?s how|so geht(?:'|’)?s|preparo|werkwijze|fremgangsmåde|fremgangsmåte|tilberedning`;
/** Sections after the recipe that are not steps. */
const OTHER_HEADING = 'notes?|tips?|storage|nutrition(?: facts)?|equipment|tools|substitutions?|variations?|serving suggestions?|timestamps|chapters|music|links';
const heading = (words: string) => new RegExp(String.raw`^(?:the\s+)?(?:${words})(?:\s*\([^)]*\)|\s+(?:for|für|para|pour|per|voor)\b.{0,30})?$`, 'iu');
const HEADINGS = [
	[heading(INGREDIENT_HEADING), 'ingredients'],
	[heading(METHOD_HEADING), 'instructions'],
	[heading(OTHER_HEADING), 'other']
] as const;
type Section = 'preamble' | (typeof HEADINGS)[number][1];

/** "Serves 4", "Prep time: 10 min": facts about the recipe, not its title. */
const FACT = /^(?:serves|servings?|yields?|makes|prep|cook|total|time|portions?|porciones|personen|portionen)\b/i;
/** A short line that only says how many it serves or how long it takes ("Per 2 persone, pronto in 15 minuti"). */
const isFactLine = (t: string) => {
	if (t.length > 60) return false;
	const facts = textFacts(t);
	return facts.yields !== null || facts.totalMinutes !== null;
};
const AMOUNT = String.raw`(?:\d|[¼-¾⅐-⅞])`;
const LEADING_AMOUNT = new RegExp(`^${AMOUNT}`);
const HAS_AMOUNT = new RegExp(AMOUNT);
/** Where the next item of an inline list starts: "2 eggs, 1 cup flour" → "2 eggs", "1 cup flour". */
const NEXT_ITEM = new RegExp(String.raw`,\s*(?=${AMOUNT})`);

function toLine(raw: string): Line | null {
	// Links are for clicking, not cooking: "Get the cookbook: https://…" keeps its words only.
	let text = raw.replace(/https?:\/\/\S+/g, '').replace(TRAILING_HASHTAGS, '').trim();
	let step: number | null = null;
	let marked = false;
	// Bullets may come in runs ("👉 1."), but only one step number: "6. 6- Add", "Step 6: 6- Add" and
	// "6️⃣ 6- Add" keep the author's "6-". Past a step number, the next pass looks for bullets only.
	for (let changed = true; changed; ) {
		changed = false;
		for (const pattern of step !== null ? [BULLET] : [...STEP_PREFIX, BULLET]) {
			const m = pattern.exec(text);
			if (!m?.[0]) continue;
			marked = changed = true;
			text = text.slice(m[0].length);
			if (pattern === BULLET) continue;
			step = m[0].includes('\u{1F51F}') ? 10 : Number(m[0].replace(/\D/g, '')) || null;
			break;
		}
	}
	text = text.replace(TRAILING_EMOJI, '').replace(/\s+/g, ' ').trim();
	if (!/[\p{L}\p{N}]/u.test(text)) return null;
	if (text.length < 100 && CALL_TO_ACTION.test(text)) return null;
	return { text, step, marked };
}

/** The section named by a heading's words; a label ("Sauce ingredients:", "CAKE INGREDIENTS") may qualify the name. */
function sectionNamed(words: string, label: boolean): Section | null {
	const names = label ? [words, words.replace(/^\S+\s+/, ''), words.replace(/^\S+\s+\S+\s+/, '')] : [words];
	for (const name of names) for (const [pattern, section] of HEADINGS) if (pattern.test(name)) return section;
	return null;
}

/**
 * The section a heading line opens, with what follows the heading on the same line
 * ("Ingredients: 2 eggs, 1 cup milk"): an inline list is split where a new amount starts.
 */
function headingOf(line: Line): { section: Section; inline: string[] } | null {
	if (line.step !== null) return null;
	const words = line.text.replace(/^[^\p{L}]+|(?<![^\p{L})])[^\p{L})]+$/gu, '');
	const whole = words.length <= 50 ? sectionNamed(words, /:$/.test(line.text) || SHOUTED.test(words)) : null;
	if (whole) return { section: whole, inline: [] };
	const m = /^([^:：]{1,40}?)\s*[:：]\s*(\S.*)$/u.exec(line.text);
	const section = m?.[1] && m[2] ? sectionNamed(m[1].replace(/^[^\p{L}]+/u, ''), false) : null;
	// "Note: use fresh basil" is a remark, not a section of notes.
	if (!section || section === 'other' || !m?.[2]) return null;
	return { section, inline: section === 'ingredients' ? m[2].split(NEXT_ITEM) : [m[2]] };
}

/** A group name inside a list ("For the sauce:"), not a line of it. */
const isSubheading = (line: Line) => /:$/.test(line.text) && line.text.length <= 60 && !/\d/.test(line.text);
const isListItem = (line: Line) => line.step === null && (line.marked || LEADING_AMOUNT.test(line.text));
const mostlyMarked = (lines: Line[]) => lines.length > 0 && lines.filter((l) => l.marked).length > lines.length / 2;

/** The caption's lines sorted into sections by its headings; list-shaped lines where it has none. */
function sections(caption: string) {
	const found: Record<Exclude<Section, 'other'>, Line[]> = { preamble: [], ingredients: [], instructions: [] };
	let section: Section = 'preamble';
	let gap = false;
	let headed = false;
	for (const raw of caption.split(/\r\n|\r|\n/)) {
		const line = toLine(raw);
		if (!line) {
			gap = true;
			continue;
		}
		const named = headingOf(line);
		if (named) {
			section = named.section;
			headed ||= section !== 'other';
			if (section !== 'other') found[section].push(...named.inline.map((text) => ({ text, step: null, marked: false })));
			gap = false;
			continue;
		}
		if (section === 'ingredients' || section === 'instructions') {
			const lines = found[section];
			// A list ends where unmarked prose starts after a blank line ("Enjoy!", a sign-off).
			if (gap && mostlyMarked(lines) && !line.marked && !isSubheading(line)) section = 'other';
			// Steps with no heading of their own: numbers after an unnumbered list, or numbering that starts again.
			else if (gap && section === 'ingredients' && lines.length && (line.step === 1 || (line.step !== null && !lines.some((l) => l.step !== null))))
				section = 'instructions';
		}
		if (section !== 'other') found[section].push(line);
		gap = false;
	}
	if (!found.ingredients.length) {
		// No ingredient heading: the list-shaped lines after the title are the ingredients.
		// The first line is the title even when it starts with a number ("10-minute broccoli").
		const start = found.preamble.findIndex((l, i) => isListItem(l) && (l.marked || i > 0));
		if (start >= 0) {
			const rest = found.preamble.splice(start);
			found.ingredients = rest.filter(isListItem);
			if (!found.instructions.length) found.instructions = rest.filter((l) => !isListItem(l) && !isSubheading(l));
		}
	}
	return { ...found, headed };
}

const titleCase = (s: string) => s.toLowerCase().replace(/(^|[\s(\-–/"“])(\p{L})/gu, (_, before: string, letter: string) => before + letter.toUpperCase());

export function cleanTitle(text: string): string {
	const t = text
		.replace(new RegExp(EMOJI, 'gu'), '')
		.replace(/#[\p{L}\p{N}_]+/gu, '')
		.replace(/^(?:recipe|rezept|receta|recette|ricetta|recept)\s*:\s*/iu, '')
		.replace(/^[*_"“'‘\s]+|(?<![*_"”'’:.\s])[*_"”'’:.\s]+$/gu, '')
		.replace(/\s+/g, ' ')
		.trim();
	return SHOUTED.test(t) ? titleCase(t) : t;
}

const TALK = /\b(?:i|i'm|i’m|i've|i’ve|my|me|you|your|you'll|you’ll|we|our|us|it's|it’s|this|these)\b/iu;
const isTitleCased = (t: string) => {
	const words = t.split(/\s+/).filter((w) => /^\p{L}{4,}/u.test(w));
	return words.length > 0 && words.filter((w) => /^\p{Lu}/u.test(w)).length >= words.length * 0.6;
};

/** How much a line looks like a title: 0 for sentences, facts and labels; more for names of dishes than for remarks. */
function titleStrength(line: Line): number {
	const t = line.text.replace(TRAILING_EMOJI, '');
	if (!cleanTitle(t) || t.length > 90 || FACT.test(t) || isFactLine(t) || /[?…:]$/.test(t) || /[.!?]\s+\p{L}/u.test(t)) return 0;
	// "So good!" and "You will love this" are more often remarks; "Garlic Butter Shrimp" names a dish.
	return 2 - (/[.!]$/.test(t) ? 1 : 0) - (TALK.test(t) ? 1 : 0) + (isTitleCased(t) ? 1 : 0);
}

/** The title: the most title-like line before the recipe starts, the last one on a tie (it follows any intro). */
function pickTitle(preamble: Line[]): Line | null {
	let best: { line: Line; strength: number } | null = null;
	for (const line of preamble) {
		const strength = titleStrength(line);
		if (strength > 0 && strength >= (best?.strength ?? 0)) best = { line, strength };
	}
	return best?.line ?? null;
}

const amountShare = (lines: Line[]) => lines.filter((l) => HAS_AMOUNT.test(l.text)).length / Math.max(lines.length, 1);

/** "All you need is 4 tbsp flour, 1 egg and 3 tbsp milk.": a recipe told in a sentence or two. */
const NEED = /\b(?:all (?:you|u) need is|you(?:'|’)?ll need|you will need|you need|what you need is)\b\s*:?\s*/iu;
const LIST_SEPARATOR = /\s*[,;]\s*|\s+(?:and|&|plus|und|et|e|y|en|og|och)\s+/iu;
const SENTENCE_END = /(?<=[.!?])\s+|\n+/u;

function inlineRecipe(caption: string): CaptionRecipe | null {
	const text = caption.replace(/#[\p{L}\p{N}_]+/gu, ' ');
	const need = NEED.exec(text);
	if (!need) return null;
	const after = text.slice(need.index + need[0].length);
	const end = after.search(/[.!](?:\s|$)|\n/);
	const ingredients = (end >= 0 ? after.slice(0, end) : after)
		.split(LIST_SEPARATOR)
		.map((item) => item.trim())
		.filter(Boolean);
	if (ingredients.length < 2 || ingredients.filter((i) => HAS_AMOUNT.test(i)).length < ingredients.length / 2) return null;
	const lines = (raw: string) => raw.split(SENTENCE_END).map(toLine).filter((l): l is Line => l !== null);
	// The sentences after the list are the steps, but not its facts ("Serves 1!"), which are read elsewhere.
	const instructions = lines(end >= 0 ? after.slice(end + 1) : '').filter((l) => !FACT.test(l.text) && !isFactLine(l.text)).map((l) => l.text);
	const preamble = lines(text.slice(0, need.index).replace(/(?<!\s)\s*(?:so\s+)?$/i, ''));
	const title = pickTitle(preamble);
	const intro = preamble.filter((l) => l !== title).map((l) => l.text);
	return { title: title ? cleanTitle(title.text) : null, ingredients, instructions, description: intro.join(' ') || null };
}

/** The recipe a caption holds, or null when it holds none. */
export function readCaption(caption: string): CaptionRecipe | null {
	return listedRecipe(caption) ?? inlineRecipe(caption);
}

function listedRecipe(caption: string): CaptionRecipe | null {
	const found = sections(caption);
	const ingredients = found.ingredients.filter((l) => !isSubheading(l)).map((l) => l.text);
	const instructions = found.instructions.filter((l) => l.step !== null || !isSubheading(l)).map((l) => l.text);
	if (!ingredients.length && !instructions.length) return null;
	// Without headings, a few bulleted words are not a recipe: the list must give amounts, or be followed by numbered steps.
	const steps = found.instructions.filter((l) => l.step !== null).length;
	if (!found.headed && (ingredients.length < 2 || (amountShare(found.ingredients) < 0.5 && steps < 2))) return null;
	const title = pickTitle(found.preamble);
	const intro = found.preamble.filter((l) => l !== title).map((l) => l.text);
	return { title: title ? cleanTitle(title.text) : null, ingredients, instructions, description: intro.join(' ') || null };
}
