import type { CheerioAPI } from 'cheerio';
import { durationMinutes } from './structured';
import { servingsText } from './values';

/**
 * Servings and times as a page prints them ("Serves 4", "Prep: 10 mins", "Total time 1 hr 5 min"),
 * for pages whose structured data does not carry them. Only labelled values count: a bare
 * number in running text is not a serving size.
 */
export interface PageFacts {
	yields: string | null;
	totalMinutes: number | null;
}

const YIELD_LABEL =
	/\b(?:serves|servings?|yields?|makes|portions?|portionen|personen|personnes|porciones|porções|porzioni|porcií|porcji|adag|personas|pessoas|persone|pers\.?)\b\s*:?\s*(?:about\s+)?(\d+(?:\s*(?:-|–|to|à|bis|a)\s*\d+)?)(\s+[^\d\s.,;:|]+)?/i;
const YIELD_AFTER = /\b(\d+(?:\s*(?:-|–|to)\s*\d+)?)\s+(servings?|portions?|people|personnes|personen|personer|portionen|portioner|porsjoner|porties|porciones|personas|persone|porzioni|pessoas|porcií|porcje|porcji|adag)\b/i;

const SERVINGS_ONLY = new RegExp(String.raw`^(?:for|pour|für|para|per|voor|na)?\s*(?:${YIELD_AFTER.source}|${YIELD_LABEL.source})\s*$`, 'i');

/** A line that only states the servings ("4 personnes", "for 3 to 4 servings", "2 portion(s)"), as cards print above their list. */
export const isServingsLine = (line: string) => SERVINGS_ONLY.test(line.replace(/\((\w+)\)/g, '$1').trim());

const DURATION = String.raw`((?:\d+(?:[.,]\d+)?\s*(?:h|hrs?|hours?|std\.?|stunden?|heures?|horas?|ore|uur|óra|m|mins?|minutes?|minuten|minutos|minuti|perc)\b\.?\s*(?:and\s+)?)+)`;
const TOTAL = new RegExp(String.raw`\b(?:total(?:\s+time)?|ready\s+in|pronto\s+in|listo\s+en|prêt\s+en|fertig\s+in|klaar\s+in|gesamtzeit|temps\s+total|tiempo\s+total|totaltid|tempo\s+total|tempo\s+totale|totale\s+tijd|total\s+tid|celkový\s+čas|összesen)\b\s*:?\s*` + DURATION, 'i');
const PREP = new RegExp(String.raw`\b(?:prep(?:aration)?(?:\s+time)?|zubereitung(?:szeit)?|vorbereitung|temps\s+de\s+préparation|préparation|preparación|bereidingstijd|voorbereiding)\b\s*:?\s*` + DURATION, 'i');
const COOK = new RegExp(String.raw`\b(?:cook(?:ing)?(?:\s+time)?|bak(?:e|ing)(?:\s+time)?|kochzeit|backzeit|garzeit|temps\s+de\s+cuisson|cuisson|cocción|kooktijd|baktijd|tillagningstid)\b\s*:?\s*` + DURATION, 'i');

/** Upper end of a range: a recipe that "serves 4–6" is scaled for six. */
export function yieldText(count: string, unit?: string): string {
	const numbers = count.match(/\d+/g) ?? [];
	const n = numbers[numbers.length - 1];
	const word = unit?.trim().toLowerCase();
	const servingWords = /^(?:servings?|people|persons?|personnes|personen|portions?|portionen|porciones|personas|persone|porzioni|pessoas|adag)$/;
	return word && !servingWords.test(word) && /^\p{L}+$/u.test(word) ? `${n} ${word}` : servingsText(n!);
}

const TIME_WORD = /^(?:h|hrs?|hours?|m|mins?|minutes?|minuten|minutos|minuti|perc|std|stunden?|uur|de|of|and)$/i;

function yieldsIn(text: string): string | null {
	// "4 personen" is unambiguous; "Serves: 4" next, as long as the 4 is not "15 min" further on.
	const after = YIELD_AFTER.exec(text);
	if (after) return yieldText(after[1]!);
	const labelled = YIELD_LABEL.exec(text);
	if (!labelled) return null;
	const unit = labelled[2]?.trim();
	if (unit && TIME_WORD.test(unit)) return null;
	return yieldText(labelled[1]!, unit);
}

function minutesIn(text: string): number | null {
	const total = TOTAL.exec(text);
	if (total) return durationMinutes(total[1]!);
	const parts = [PREP.exec(text), COOK.exec(text)].map((m) => (m ? durationMinutes(m[1]!) : null));
	const known = parts.filter((n): n is number => n !== null);
	return known.length ? known.reduce((a, b) => a + b, 0) : null;
}

export function readPageFacts($: CheerioAPI): PageFacts {
	const body = $('body').clone();
	body.find('script, style, noscript, nav, footer, [class*="comment" i]').remove();
	// Element boundaries become separators, so "Serves" and "4" in neighbouring cells still meet.
	body.find('*').each((_, el) => {
		$(el).append(' ');
	});
	return textFacts(body.text());
}

/** The labelled servings and time in a text: a page's, or a post's caption ("Serves 4 · 20 min total"). */
export function textFacts(text: string): PageFacts {
	const flat = text.replace(/\s+/g, ' ');
	return { yields: yieldsIn(flat), totalMinutes: minutesIn(flat) };
}
