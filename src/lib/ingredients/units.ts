/**
 * Units of measure: how recipes spell them (abbreviations, plurals, US and metric, a few common
 * non-English ones) and the one canonical English name each becomes (see
 * shared/corpus/ingredients/README.md).
 */
import type { Token } from './tokens';

/** A measure says how much (cup, gram); a count unit says how many of what (clove, can, bunch). */
export type UnitKind = 'measure' | 'count' | 'length';

interface UnitInfo {
	name: string;
	kind: UnitKind;
}

const MEASURES: Record<string, string[]> = {
	teaspoon: ['tsp', 'tsps', 'tspn', 'teaspoons', 'teaspoonful', 'teaspoonfuls', 'tl', 'cc', 'cdta', 'cdtas', 'cuillère à café'],
	tablespoon: [
		'tbsp', 'tbsps', 'tbs', 'tbl', 'tbls', 'tblsp', 'tb', 'tbspn', 'tablespoons', 'tablespoonful', 'tablespoonfuls', 'el', 'cs',
		'cda', 'cdas', 'cuillère à soupe'
	],
	cup: ['cups', 'cupful', 'cupfuls', 'tasse', 'tassen', 'taza', 'tazas'],
	'fluid ounce': ['fl oz', 'floz', 'fluid ounces', 'fl ounce', 'fl ounces', 'fluid oz'],
	ounce: ['oz', 'ozs', 'ounces'],
	pound: ['lb', 'lbs', 'pounds'],
	gram: ['g', 'gr', 'grs', 'gm', 'gms', 'grams', 'gramme', 'grammes', 'gramm', 'gramos'],
	kilogram: ['kg', 'kgs', 'kilo', 'kilos', 'kilograms', 'kilogramme', 'kilogrammes'],
	milligram: ['mg', 'milligrams', 'milligramme', 'milligrammes'],
	milliliter: ['ml', 'mls', 'milliliters', 'millilitre', 'millilitres'],
	centiliter: ['cl', 'centiliters', 'centilitre', 'centilitres'],
	deciliter: ['dl', 'deciliters', 'decilitre', 'decilitres'],
	liter: ['l', 'lt', 'ltr', 'ltrs', 'liters', 'litre', 'litres', 'liter'],
	pint: ['pt', 'pts', 'pints'],
	quart: ['qt', 'qts', 'quarts'],
	gallon: ['gal', 'gals', 'gallons']
};

const LENGTHS: Record<string, string[]> = {
	centimeter: ['cm', 'cms', 'centimeters', 'centimetre', 'centimetres'],
	millimeter: ['mm', 'millimeters', 'millimetre', 'millimetres'],
	inch: ['in', 'inches', 'inch']
};

/** Counted things; their plurals are made below. */
const COUNTS = [
	'clove', 'sprig', 'slice', 'bunch', 'pinch', 'dash', 'drop', 'handful', 'head', 'stick', 'stalk', 'rib', 'can', 'package',
	'piece', 'sheet', 'leaf', 'bulb', 'rasher', 'splash', 'jar', 'bottle', 'box', 'bag', 'ear', 'fillet', 'knob', 'sachet',
	'punnet', 'glass', 'loaf', 'stem', 'strip', 'envelope', 'container', 'carton', 'pod', 'cube', 'square', 'link', 'scoop',
	'tube', 'bar', 'block', 'wedge', 'spear', 'shot', 'tub'
];
const COUNT_SYNONYMS: Record<string, string[]> = {
	can: ['tin', 'tins'],
	package: ['packet', 'packets', 'pack', 'packs', 'pkg', 'pkgs', 'pkt', 'pkts', 'pk', 'packages', 'paquet', 'packung', 'päckchen'],
	leaf: ['leaves'],
	loaf: ['loaves'],
	pinch: ['prise', 'prisen', 'pincée', 'pincées', 'msp'],
	bunch: ['bund', 'bouquet'],
	clove: ['zehe', 'zehen', 'gousse', 'gousses'],
	piece: ['pc', 'pcs', 'stück', 'stk']
};

const TABLE = new Map<string, UnitInfo>();
for (const [name, spellings] of Object.entries(MEASURES)) for (const s of [name, ...spellings]) TABLE.set(s, { name, kind: 'measure' });
for (const [name, spellings] of Object.entries(LENGTHS)) for (const s of [name, ...spellings]) TABLE.set(s, { name, kind: 'length' });
for (const name of COUNTS) {
	const plural = /(s|x|ch|sh)$/.test(name) ? `${name}es` : `${name}s`;
	for (const s of [name, plural, ...(COUNT_SYNONYMS[name] ?? [])]) TABLE.set(s, { name, kind: 'count' });
}

/**
 * Spellings whose case matters or that are words too: `c` is a cup in US lines ("⅓ c sugar") but
 * `C` may be a temperature; `T` is a tablespoon and `t` a teaspoon only in old US books.
 */
function lookup(token: Token): UnitInfo | undefined {
	if (token.kind !== 'word') return undefined;
	const raw = token.text.replace(/\.+$/, '');
	if (raw === 'c' || raw === 'C') return { name: 'cup', kind: 'measure' };
	if (raw === 'T' || raw === 'Tb' || raw === 'TB') return { name: 'tablespoon', kind: 'measure' };
	if (raw === 't') return { name: 'teaspoon', kind: 'measure' };
	return TABLE.get(token.lower);
}

export interface UnitMatch extends UnitInfo {
	/** Index just past the unit (and a dot written after it). */
	end: number;
}

/** The unit starting at `tokens[i]` ("fl oz", "fl. oz.", "fluid ounces", "tbsp", "Tins"), if any. */
export function readUnit(tokens: readonly Token[], i: number): UnitMatch | null {
	const t = tokens[i];
	if (!t || t.kind !== 'word') return null;
	let j = i + 1;
	const skipDot = (k: number) => (tokens[k]?.text === '.' ? k + 1 : k);
	// Two-word spellings: "fl oz", "fl. oz.", "fluid ounce(s)", "cuillère à soupe".
	const next = tokens[skipDot(j)];
	if (next && next.kind === 'word') {
		const two = `${t.lower} ${next.lower}`;
		const info = TABLE.get(two);
		if (info) return { ...info, end: skipDot(skipDot(j) + 1) };
		const after = tokens[skipDot(j) + 1];
		if (after && after.kind === 'word') {
			const three = TABLE.get(`${two} ${after.lower}`);
			if (three) return { ...three, end: skipDot(skipDot(j) + 2) };
		}
	}
	const info = lookup(t);
	if (!info) return null;
	j = skipDot(j);
	return { ...info, end: j };
}

/** The canonical name for a spelling ("Tbsp." → tablespoon), or null when it is no unit. */
export function canonicalUnit(spelling: string): string | null {
	const s = spelling.trim().replace(/\.+$/, '');
	if (s === 'c' || s === 'C') return 'cup';
	if (s === 'T') return 'tablespoon';
	if (s === 't') return 'teaspoon';
	const info = TABLE.get(s.toLowerCase().replace(/\.\s*/g, ' ').replace(/\s+/g, ' ').trim());
	return info && info.kind !== 'length' ? info.name : null;
}
