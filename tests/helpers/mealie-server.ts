import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';

/**
 * A stand-in for a Mealie server (v2.0.0 to 3.x, by `version`) on 127.0.0.1, for the endpoints
 * Cookmark uses. It checks
 * every request the way FastAPI does with Mealie's pydantic models (mealie-recipes/mealie,
 * mealie/schema/recipe/*.py): a body the real server would refuse gets a 422 in FastAPI's shape
 * (`{"detail": [{"type", "loc", "msg", "input"}]}`), unknown fields are ignored. Past validation
 * it behaves like Mealie's services: a create from a name gets Mealie's placeholder ingredient and
 * step and a slug made from the name ("Name (1)", name-1 when taken); PATCH applies only the
 * fields sent and keeps the slug, PUT resets every field not sent and makes the slug from the
 * name; PATCH replaces `settings` whole, unsent settings taking RecipeSettings' defaults (the
 * repository's dict update); a unit, food or tag without an id fails the save with a 500, as
 * Mealie's auto_init does, and an unknown id links nothing; an ingredient's `display` is
 * formatted as RecipeIngredientBase._format_display does, from the linked unit and food and the
 * recipe's `disableAmount`; `queryFilter` compares strings case-insensitively. Units and foods
 * (mealie/routes/unit_and_foods/units.py, foods.py) are listed as a page and created from
 * CreateIngredientUnit / CreateIngredientFood with a 201 and the new object; a name taken in the
 * group is the 400 HttpRepo answers for the unique constraint; `refuseCreates` makes them refused. Mealie answers a missing or
 * wrong token with 401 "Could not validate credentials".
 *
 * What the real servers were seen to do, copied from their source (mealie-recipes/mealie, v2.0.0
 * and 3.5.0, later changes by PR, as `version` selects them):
 * - A PATCH/PUT whose ingredient has no `referenceId` stores it NULL, commits, and answers 500
 *   `{"detail":{"message":"Unknown Error",…,"exception":"ValidationError"}}` (schema/recipe/
 *   recipe_ingredient.py's default is not "set" under exclude_unset; repository_generic.py update
 *   validates after commit). From then on GET/PATCH/PUT/DELETE of that recipe answer the same,
 *   bulk-delete answers 200 null without deleting, the list still shows it. From v3.12 (PR #7139)
 *   a NULL reads as a fresh random id instead. A step without `ingredientReferences` is a 500
 *   TypeError, nothing stored, until v3.21 (PR #7732).
 * - POST …/image {url}: a fetch that fails, answers non-200 or reaches a private address (every
 *   test site is on 127.0.0.1) answers `200 null` and sets an image key with no file behind it
 *   (services/recipe/recipe_data_service.py scrape_image); v3.26 refuses private addresses with a
 *   400 instead (PR #7914). PUT …/image (multipart image + extension) stores the bytes (a 500 for
 *   bytes Pillow cannot open) and answers `{"image": "0".."255"}`; the pictures are served without
 *   a token at /api/media/recipes/{id}/images/{original,min-original,tiny-original}.webp.
 * - recipeServings and recipeYieldQuantity exist from v2.3 (PR #4489); before, unknown fields are
 *   ignored. v3.1 dropped disableAmount/isFood (every ingredient shows its food) and the default
 *   quantity became 0 in v3.3.1.
 * - A unit or food name the group has (case-sensitive) is 400 "An unexpected error occurred" with
 *   the database's message, 409 from v3.20 (PR #7712), "This item already exists." from v3.23 (PR
 *   #8050); a taken tag slug is an unhandled 500. From v3.19 (PR #7651) creating foods and tags
 *   needs `canOrganize` (403 {"detail":"Forbidden"}).
 * - Any path no API route serves (Tandoor's included) is the web app's page: 200 text/html, 404
 *   from v3.0 until PR #7656 (v3.20); methods other than GET/HEAD get 405 text/plain.
 * - `queryFilter` `=` compares exactly (schema/response/query_filter.py).
 */

export type FailKind =
	/** The next request gets this status (401 as Mealie sends it, 5xx as a proxy does). */
	| { status: number; retryAfter?: string; body?: unknown }
	/** The next create is stored, then never answered: the lost answer a retry must not duplicate. */
	| 'timeout-after-create';

export interface MealieServerOptions {
	/** The only Bearer token the server accepts. */
	token: string;
	/** What /api/app/about reports, and which version's behaviour the server copies (v3.5.0 by default). */
	version?: string;
	/** The account's `canOrganize` (v3.19+ refuses it creating foods and tags). */
	canOrganize?: boolean;
	/** Every answer waits this long first, as a real server's work takes time. */
	latencyMs?: number;
	/** The account's group slug; null for a v1 beta, whose /api/users/self has none. */
	groupSlug?: string | null;
	user?: { username: string; fullName: string };
	/** The group's units; by default teaspoon (tsp), tablespoon (tbsp) and cup, as Mealie's seed spells them. */
	units?: SeedUnit[];
	/** The group's foods; none by default. */
	foods?: SeedFood[];
}

export type SeedUnit = { name: string } & Partial<Omit<MealieUnit, 'id' | 'name'>>;
export type SeedFood = { name: string } & Partial<Omit<MealieFood, 'id' | 'name'>>;

/** mealie/schema/recipe/recipe_ingredient.py IngredientUnit as the API answers it. */
export interface MealieUnit {
	id: string;
	name: string;
	pluralName: string | null;
	description: string;
	extras: Json | null;
	fraction: boolean;
	abbreviation: string;
	pluralAbbreviation: string | null;
	useAbbreviation: boolean;
	aliases: { name: string }[];
	createdAt: string | null;
	updateAt: string | null;
}

/** IngredientFood as the API answers it. */
export interface MealieFood {
	id: string;
	name: string;
	pluralName: string | null;
	description: string;
	extras: Json | null;
	labelId: string | null;
	aliases: { name: string }[];
	label: null;
	createdAt: string | null;
	updateAt: string | null;
}

export const DEFAULT_UNITS: SeedUnit[] = [
	{ name: 'teaspoon', pluralName: 'teaspoons', abbreviation: 'tsp' },
	{ name: 'tablespoon', pluralName: 'tablespoons', abbreviation: 'tbsp' },
	{ name: 'cup', pluralName: 'cups' }
];

export interface RecordedRequest {
	method: string;
	path: string;
	query: Record<string, string>;
	/** Parsed JSON, or a multipart form's fields (files as { filename, type, size }). */
	body: unknown;
	/** The status the server answered with (unset while it holds the answer back). */
	status?: number;
}

type Json = Record<string, unknown>;

/** A recipe as Mealie stores and returns it (GET /api/recipes/{slug}). */
export type MealieRecipe = Json & {
	id: string;
	slug: string;
	name: string;
	userId: string;
	orgURL: string | null;
	recipeIngredient: Json[];
	recipeInstructions: Json[];
	tags: Json[];
	extras: Json;
	settings: Json;
};

export interface MealieTag {
	id: string;
	name: string;
	slug: string;
	groupId: string;
}

const PLACEHOLDER_INGREDIENT = '1 Cup Flour';
const PLACEHOLDER_STEP = 'Recipe steps as well as other fields in the recipe page support markdown syntax.\n\n**Add a link**\n\n[My Link](https://demo.mealie.io)\n';

// ---- pydantic's rules, as zod ------------------------------------------------------------------

const uuid = z.string().regex(/^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i, 'uuid');
/** float in lax mode: numbers and numeric strings. */
const float = z.union([z.number(), z.string().trim().regex(/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i).transform(Number)]);
/** The recipe's time and yield strings: Mealie's `clean_strings` turns numbers into text first. */
const looseText = z.union([z.string(), z.number().transform(String)]).nullable();
const text = z.string().nullable();

const Aliases = z.array(z.looseObject({ name: z.string() })).optional();
/** UnitFoodBase's fields, which a unit or food object in an ingredient is validated against. */
const unitFoodBase = { name: z.string(), pluralName: text.optional(), description: z.string().optional(), extras: z.record(z.string(), z.unknown()).nullish(), aliases: Aliases };
/** CreateIngredientUnit (the body of POST /api/units, and an ingredient's unit without an id). */
const CreateUnit = z.looseObject({
	...unitFoodBase,
	fraction: z.boolean().optional(),
	abbreviation: z.string().optional(),
	pluralAbbreviation: text.optional(),
	useAbbreviation: z.boolean().optional()
});
/** CreateIngredientFood. */
const CreateFood = z.looseObject({ ...unitFoodBase, labelId: uuid.nullish() });
/** IngredientUnit | CreateIngredientUnit | None; a string is taken as a name, as Mealie's validator does. */
const unitOrFood = <T extends z.ZodType>(create: T) => z.union([z.string().transform((name) => ({ name })), z.intersection(create, z.looseObject({ id: uuid.nullish() }))]).nullish();

const IngredientIn = z.looseObject({
	quantity: float.nullable().optional(),
	unit: unitOrFood(CreateUnit),
	food: unitOrFood(CreateFood),
	note: text.optional(),
	isFood: z.boolean().nullish(),
	disableAmount: z.boolean().nullish(),
	display: z.string().optional(),
	title: text.optional(),
	originalText: text.optional(),
	referenceId: uuid.nullish()
});

const StepIn = z.looseObject({
	id: uuid.nullish(),
	title: text.optional(),
	summary: text.optional(),
	text: z.string(),
	ingredientReferences: z.array(z.looseObject({ referenceId: uuid.nullish() })).nullish()
});

const Organizer = z.looseObject({ id: uuid.nullish(), name: z.string(), slug: z.string() });
/** A list of plain strings is taken as names (ingredients: notes), as Mealie's validators do. */
const listOf = <T extends z.ZodType>(item: T, fromString: (s: string) => unknown) =>
	z.preprocess((v) => (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string') ? v.map(fromString) : v), z.array(item));

const NutritionIn = z.looseObject(
	Object.fromEntries(
		[
			'calories',
			'carbohydrateContent',
			'cholesterolContent',
			'fatContent',
			'fiberContent',
			'proteinContent',
			'saturatedFatContent',
			'sodiumContent',
			'sugarContent',
			'transFatContent',
			'unsaturatedFatContent'
		].map((k) => [k, looseText.optional()])
	)
);

/** mealie/schema/recipe/recipe.py Recipe: every field has a default, so every field is optional. */
const RecipeIn = z.looseObject({
	id: uuid.nullish(),
	userId: uuid.optional(),
	householdId: uuid.optional(),
	groupId: uuid.optional(),
	name: text.optional(),
	slug: z.string().optional(),
	image: z.unknown().optional(),
	recipeServings: float.optional(),
	recipeYieldQuantity: float.optional(),
	recipeYield: looseText.optional(),
	totalTime: looseText.optional(),
	prepTime: looseText.optional(),
	cookTime: looseText.optional(),
	performTime: looseText.optional(),
	description: text.optional(),
	recipeCategory: listOf(Organizer, (name) => ({ name, slug: slugify(name) })).nullish(),
	tags: listOf(Organizer, (name) => ({ name, slug: slugify(name) })).nullish(),
	tools: z.array(z.looseObject({ id: uuid, name: z.string(), slug: z.string() })).optional(),
	rating: float.nullish(),
	orgURL: text.optional(),
	recipeIngredient: listOf(IngredientIn, (note) => ({ note })).optional(),
	recipeInstructions: z.array(StepIn).nullish(),
	nutrition: NutritionIn.nullish(),
	settings: z
		.looseObject(Object.fromEntries(['public', 'showNutrition', 'showAssets', 'landscapeView', 'disableComments', 'disableAmount', 'locked'].map((k) => [k, z.boolean().optional()])))
		.nullish(),
	notes: z.array(z.looseObject({ title: z.string(), text: z.string() })).nullish(),
	extras: z.record(z.string(), z.unknown()).nullish()
});
type RecipeIn = z.infer<typeof RecipeIn>;

const CreateRecipe = z.looseObject({ name: z.string() });
const ScrapeRecipe = z.looseObject({ url: z.string(), includeTags: z.boolean().optional() });
const TagIn = z.looseObject({ name: z.string() });

/** RecipeSettings' defaults: what a setting not sent in a PATCH's `settings` becomes. */
const SETTINGS_DEFAULTS = { public: false, showNutrition: false, showAssets: false, landscapeView: false, disableComments: true, disableAmount: true, locked: false };

const SUPERSCRIPT = '⁰¹²³⁴⁵⁶⁷⁸⁹';
const SUBSCRIPT = '₀₁₂₃₄₅₆₇₈₉';

/** _format_quantity_for_display: decimals, or (a unit with `fraction`) ¹/₂-style fractions with denominators up to 32. */
function quantityText(quantity: number, fraction: boolean): string {
	if (!fraction) {
		const q = Math.round(quantity * 1000) / 1000;
		return String(q);
	}
	let best = { n: Math.round(quantity), d: 1 };
	for (let d = 1; d <= 32; d++) {
		const n = Math.round(quantity * d);
		if (Math.abs(n / d - quantity) < Math.abs(best.n / best.d - quantity) - 1e-12) best = { n, d };
	}
	if (best.d === 1) return String(best.n);
	const whole = Math.floor(best.n / best.d);
	const rest = best.n - whole * best.d;
	const digits = (x: number, table: string) => [...String(x)].map((c) => table[Number(c)]).join('');
	const part = `${digits(rest, SUPERSCRIPT)}/${digits(best.d, SUBSCRIPT)}`;
	return whole > 0 ? `${whole} ${part}` : part;
}

interface FastApiIssue {
	type: string;
	loc: (string | number)[];
	msg: string;
	input?: unknown;
}

const TYPE_MESSAGES: Record<string, [string, string]> = {
	string: ['string_type', 'Input should be a valid string'],
	number: ['float_type', 'Input should be a valid number'],
	boolean: ['bool_type', 'Input should be a valid boolean'],
	array: ['list_type', 'Input should be a valid list'],
	object: ['model_attributes_type', 'Input should be a valid dictionary or object to extract fields from'],
	record: ['dict_type', 'Input should be a valid dictionary']
};

/** A zod issue in pydantic's words. A union reports its most specific branch, as pydantic's smart mode mostly does. */
function fastApiIssue(issue: z.core.$ZodIssue, where: 'body' | 'query', prefix: PropertyKey[] = []): FastApiIssue {
	const path = [...prefix, ...issue.path];
	const loc = [where, ...path.map((p) => (typeof p === 'number' ? p : String(p)))];
	if (issue.code === 'invalid_union' && issue.errors.length > 0) {
		const branches = issue.errors.filter((b) => b.length > 0);
		const deepest = branches.map((b) => b[0]!).sort((a, b) => b.path.length - a.path.length)[0];
		if (deepest) return fastApiIssue(deepest, where, path);
	}
	if (issue.code === 'invalid_type' && issue.input === undefined) return { type: 'missing', loc, msg: 'Field required', input: null };
	if (issue.code === 'invalid_type') {
		const [type, msg] = TYPE_MESSAGES[issue.expected] ?? ['value_error', issue.message];
		return { type, loc, msg, input: issue.input };
	}
	if (issue.code === 'invalid_format' && issue.message === 'uuid') {
		return { type: 'uuid_parsing', loc, msg: 'Input should be a valid UUID, invalid character: expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-]', input: issue.input };
	}
	if (issue.code === 'invalid_format') return { type: 'float_parsing', loc, msg: 'Input should be a valid number, unable to parse string as a number', input: issue.input };
	return { type: 'value_error', loc, msg: issue.message, input: issue.input };
}

class HttpError extends Error {
	constructor(
		readonly status: number,
		readonly body: unknown
	) {
		super(`HTTP ${status}`);
	}
}

/** Mealie's ErrorResponse.respond(message). */
const mealieError = (status: number, message: string) => new HttpError(status, { detail: { message, error: true, exception: null } });
/** An exception Mealie does not handle: uvicorn's plain 500. */
class Crash extends Error {}
/** An exception a recipe route catches (RecipeController.handle_exceptions): a 500 naming its class. */
/** A path no API route serves: the web app's own page (mealie/routes/spa). */
class SpaPage extends Error {}

const MEDIA_FILES = ['original.webp', 'min-original.webp', 'tiny-original.webp'] as const;

/** What Pillow would open, told by the first bytes (JPEG, PNG, GIF, WebP). */
function imageType(bytes: Buffer | undefined): string | null {
	if (!bytes || bytes.length < 12) return null;
	if (bytes[0] === 0xff && bytes[1] === 0xd8) return 'image/jpeg';
	if (bytes.subarray(1, 4).toString('latin1') === 'PNG') return 'image/png';
	if (bytes.subarray(0, 3).toString('latin1') === 'GIF') return 'image/gif';
	if (bytes.subarray(8, 12).toString('latin1') === 'WEBP') return 'image/webp';
	return null;
}

const unknownError = (exception: string) => new HttpError(500, { detail: { message: 'Unknown Error', error: true, exception } });

/** Which of the behaviours above a version has. */
export function mealieTraits(version: string) {
	const [major = 0, minor = 0, patch = 0] = (/(\d+)\.(\d+)\.?(\d*)/.exec(version) ?? []).slice(1).map((n) => Number(n || 0));
	const atLeast = (a: number, b: number, c = 0) => major !== a ? major > a : minor !== b ? minor > b : patch >= c;
	return {
		structuredYields: atLeast(2, 3),
		everythingIsFood: atLeast(3, 1),
		quantityDefault: atLeast(3, 3, 1) ? 0 : 1,
		nullReferenceRead: atLeast(3, 12),
		stepReferencesOptional: atLeast(3, 21),
		conflictStatus: atLeast(3, 20) ? 409 : 400,
		conflictMessage: atLeast(3, 23) ? 'This item already exists.' : atLeast(3, 20) ? 'Database integrity error' : 'An unexpected error occurred',
		organizeGate: atLeast(3, 19),
		privateImageRefused: atLeast(3, 26),
		spaStatus: atLeast(3, 0) && !atLeast(3, 20) ? 404 : 200
	};
}

function validate<T>(schema: z.ZodType<T>, body: unknown, where: 'body' | 'query' = 'body'): T {
	if (body === undefined) throw new HttpError(422, { detail: [{ type: 'missing', loc: [where], msg: 'Field required', input: null }] });
	const parsed = schema.safeParse(body, { reportInput: true });
	if (!parsed.success) throw new HttpError(422, { detail: parsed.error.issues.map((issue) => fastApiIssue(issue, where)) });
	return parsed.data;
}

/**
 * python-slugify's result for the names tests use (Latin letters): written apart from the
 * client's own, so the client is checked against an independent reading of the same rules.
 */
export function slugify(name: string): string {
	return name
		.replace(/'/g, '-')
		.normalize('NFKD')
		.replace(/\p{M}/gu, '')
		.replace(/ß/g, 'ss')
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-+|-+$/g, '');
}

/** humps.decamelize, for filter attribute names ("orgURL" → "org_url"). */
const decamelize = (name: string) =>
	name
		.replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
		.replace(/([a-z\d])([A-Z])/g, '$1_$2')
		.toLowerCase();

const FILTER_FIELDS: Record<string, string> = { org_url: 'orgURL', slug: 'slug', name: 'name', description: 'description', user_id: 'userId', id: 'id' };

/**
 * The part of Mealie's query filter language Cookmark could use: `attr = "v"`, `<>`, `IS [NOT]
 * NULL`, joined by AND/OR (AND binding tighter). `=` is SQL's `==`: an exact comparison.
 */
function parseFilter(filter: string): (recipe: MealieRecipe) => boolean {
	const tokens = [...filter.matchAll(/\s*("([^"]*)"|<>|=|[^\s"=<>]+)/g)].map((m) => ({ raw: m[1]!, quoted: m[2] }));
	const groups: ((r: MealieRecipe) => boolean)[][] = [[]];
	let i = 0;
	const invalid = (why: string) => new HttpError(400, { detail: `invalid query string: ${why}` });
	while (i < tokens.length) {
		const attr = tokens[i++]!.raw;
		const field = FILTER_FIELDS[decamelize(attr)];
		if (!field) throw new HttpError(400, { detail: `invalid attribute string: '${attr}' does not exist on this schema` });
		const op = tokens[i++]?.raw.toUpperCase();
		let test: (value: unknown) => boolean;
		if (op === 'IS') {
			const negate = tokens[i]?.raw.toUpperCase() === 'NOT' ? (i++, true) : false;
			if (tokens[i++]?.raw.toUpperCase() !== 'NULL') throw invalid('"IS" can only be used with "NULL"');
			test = (value) => (value === null || value === undefined) !== negate;
		} else if (op === '=' || op === '<>') {
			const token = tokens[i++];
			if (!token) throw invalid('a value is missing');
			const wanted = token.quoted ?? token.raw;
			test = (value) => (typeof value === 'string' && value === wanted) === (op === '=');
		} else throw invalid(`unsupported by the test server: ${op}`);
		groups.at(-1)!.push((r) => test(r[field]));
		const joiner = tokens[i]?.raw.toUpperCase();
		if (joiner === undefined) break;
		if (joiner === 'OR') groups.push([]);
		else if (joiner !== 'AND') throw invalid(`unexpected ${tokens[i]!.raw}`);
		i++;
	}
	return (recipe) => groups.some((group) => group.length > 0 && group.every((test) => test(recipe)));
}

function intParam(query: URLSearchParams, name: string, fallback: number): number {
	const raw = query.get(name);
	if (raw === null) return fallback;
	if (!/^-?\d+$/.test(raw)) {
		throw new HttpError(422, { detail: [{ type: 'int_parsing', loc: ['query', name], msg: 'Input should be a valid integer, unable to parse string as an integer', input: raw }] });
	}
	return Number(raw);
}

function paginate<T>(items: T[], query: URLSearchParams) {
	const perPage = intParam(query, 'perPage', 50);
	const page = Math.max(1, intParam(query, 'page', 1));
	const size = perPage === -1 ? Math.max(items.length, 1) : Math.max(perPage, 1);
	return {
		page,
		perPage: perPage === -1 ? items.length : perPage,
		total: items.length,
		totalPages: Math.ceil(items.length / size),
		items: items.slice((page - 1) * size, page * size),
		next: null,
		previous: null
	};
}

/** Splits multipart/form-data into its fields; files as { filename, type, size, bytes }. */
function parseMultipart(raw: Buffer, contentType: string): Json | undefined {
	const boundary = /boundary="?([^";]+)"?/i.exec(contentType)?.[1];
	if (!boundary) return undefined;
	const fields: Json = {};
	for (const part of raw.toString('latin1').split(`--${boundary}`).slice(1, -1)) {
		const [head = '', ...rest] = part.replace(/^\r\n/, '').split('\r\n\r\n');
		const content = rest.join('\r\n\r\n').replace(/\r\n$/, '');
		const name = /name="([^"]*)"/i.exec(head)?.[1];
		const filename = /filename="([^"]*)"/i.exec(head)?.[1];
		const type = /content-type:\s*([^\r\n]+)/i.exec(head)?.[1];
		if (!name) continue;
		const bytes = Buffer.from(content, 'latin1');
		fields[name] = filename === undefined ? bytes.toString('utf8') : { filename, type: type ?? null, size: bytes.length, bytes };
	}
	return fields;
}

/** The routes this stand-in serves; anything else is the web app's page, as in Mealie. */
function isApiRoute(path: string): boolean {
	return (
		['/api/app/about', '/api/users/self', '/api/recipes', '/api/recipes/bulk-actions/delete', '/api/organizers/tags', '/api/units', '/api/foods'].includes(path) ||
		/^\/api\/recipes\/[^/]+(\/image)?$/.test(path) ||
		/^\/api\/media\/recipes\/[^/]+\/images\/[^/]+$/.test(path)
	);
}

export async function startMealieServer(options: MealieServerOptions) {
	const version = options.version ?? 'v3.5.0';
	const traits = mealieTraits(version);
	const canOrganize = options.canOrganize ?? true;
	/** Recipes whose stored ingredients fail Mealie's validation (a NULL reference id): every read of them is a 500. */
	const broken = new Set<string>();
	/** Picture files by recipe id and name (original.webp…), as the media route serves them. */
	const media = new Map<string, Buffer>();
	/** Run once before the next request that matches, before it is routed (a concurrent upload's create, say). */
	const hooks: { method: string; path: string; run: () => void }[] = [];
	const hangWaiters: ((entry: RecordedRequest) => void)[] = [];
	const user = options.user ?? { username: 'cook', fullName: 'Casey Cook' };
	const groupSlug = options.groupSlug === undefined ? 'home' : options.groupSlug;
	const ids = { user: randomUUID(), group: randomUUID(), household: randomUUID() };
	const recipes = new Map<string, MealieRecipe>();
	const tags: MealieTag[] = [];
	const units: MealieUnit[] = [];
	const foods: MealieFood[] = [];
	/** Statuses that POST /api/units or /api/foods answer instead of creating (all names, or those listed). */
	const refusals: { kind: 'units' | 'foods'; status: number; names: string[] | null }[] = [];
	const images = new Map<string, { type: string; size: number }>();
	const requests: RecordedRequest[] = [];
	const failures: FailKind[] = [];

	const now = () => new Date().toISOString();

	/** The ingredient as stored: a reference id not sent is NULL (exclude_unset drops the schema's default). */
	function ingredientOut(input: z.infer<typeof IngredientIn>, disableAmount: boolean): Json {
		const quantity = 'quantity' in input ? (input.quantity ?? null) : traits.quantityDefault;
		const note = input.note ?? '';
		const unit = reference(units, 'unit', input.unit);
		const food = reference(foods, 'food', input.food);
		const amounts = traits.everythingIsFood ? {} : { isFood: !disableAmount, disableAmount };
		return {
			quantity,
			unit,
			food,
			note,
			...amounts,
			display: display(quantity, unit, food, note, disableAmount && !traits.everythingIsFood),
			title: input.title ?? null,
			originalText: input.originalText ?? null,
			referenceId: input.referenceId ?? null
		};
	}

	/** A recipe as GET answers it: NULL reference ids fail validation (a 500), or from v3.12 read as fresh ones. */
	function answered(recipe: MealieRecipe): MealieRecipe {
		if (broken.has(recipe.id)) throw unknownError('ValidationError');
		return { ...recipe, recipeIngredient: recipe.recipeIngredient.map((i) => ({ ...i, referenceId: i.referenceId ?? randomUUID() })) };
	}

	/** After a write has been committed: the answer, or the 500 a NULL reference id gives from then on. */
	function committed(recipe: MealieRecipe): MealieRecipe {
		if (!traits.nullReferenceRead && recipe.recipeIngredient.some((i) => i.referenceId === null)) broken.add(recipe.id);
		return answered(recipe);
	}

	/** RecipeIngredientBase._format_display, with the recipe's disableAmount as Recipe's validator sets it. */
	function display(quantity: number | null, unit: MealieUnit | null, food: MealieFood | null, note: string, disableAmount: boolean): string {
		const parts: string[] = [];
		if (quantity && (!disableAmount || quantity !== 1)) parts.push(quantityText(quantity, unit?.fraction ?? false));
		if (disableAmount) parts.push(note);
		else {
			const plural = !!quantity && quantity > 1;
			if (quantity && unit) {
				const abbreviation = unit.useAbbreviation ? (plural ? unit.pluralAbbreviation || unit.abbreviation : unit.abbreviation) : '';
				parts.push(abbreviation || (plural ? unit.pluralName || unit.name : unit.name));
			}
			if (food) parts.push(!quantity || quantity > 1 ? food.pluralName || food.name : food.name);
			if (note) parts.push(note);
		}
		return parts.join(' ').trim();
	}

	/** auto_init's many-to-one rule: an object needs an id, and an unknown id links nothing. */
	function reference<T extends { id: string }>(known: T[], key: 'unit' | 'food', value: { id?: string | null; name: string } | null | undefined): T | null {
		if (!value) return null;
		if (!value.id) throw new Crash(`Expected 'id' to be provided for ${key}`);
		const id = value.id.replaceAll('-', '').toLowerCase();
		return known.find((item) => item.id.replaceAll('-', '') === id) ?? null;
	}

	function unitOf(data: z.infer<typeof CreateUnit>): MealieUnit {
		const at = now();
		return {
			id: randomUUID(),
			name: data.name,
			pluralName: data.pluralName ?? null,
			description: data.description ?? '',
			extras: (data.extras as Json | null | undefined) ?? {},
			fraction: data.fraction ?? true,
			abbreviation: data.abbreviation ?? '',
			pluralAbbreviation: data.pluralAbbreviation === undefined ? '' : data.pluralAbbreviation,
			useAbbreviation: data.useAbbreviation ?? false,
			aliases: (data.aliases ?? []).map((a) => ({ name: a.name })),
			createdAt: at,
			updateAt: at
		};
	}

	function foodOf(data: z.infer<typeof CreateFood>): MealieFood {
		const at = now();
		return {
			id: randomUUID(),
			name: data.name,
			pluralName: data.pluralName ?? null,
			description: data.description ?? '',
			extras: (data.extras as Json | null | undefined) ?? {},
			labelId: data.labelId ?? null,
			aliases: (data.aliases ?? []).map((a) => ({ name: a.name })),
			label: null,
			createdAt: at,
			updateAt: at
		};
	}

	/** HttpRepo.create_one for a unit or food: refused when told to, 400 for a name the group already has. */
	function createNamed<T extends { name: string }>(kind: 'units' | 'foods', list: T[], item: T): [number, T] {
		const refusal = refusals.find((r) => r.kind === kind && (!r.names || r.names.some((n) => n.toLowerCase() === item.name.toLowerCase())));
		if (refusal?.status === 422) throw new HttpError(422, { detail: [{ type: 'value_error', loc: ['body', 'name'], msg: 'test server: refused', input: item.name }] });
		if (refusal) throw mealieError(refusal.status, 'test server: refused');
		if (kind === 'foods' && traits.organizeGate && !canOrganize) throw new HttpError(403, { detail: 'Forbidden' });
		// The unique constraint (name, group_id) compares exactly: "Flour" and "flour" may both exist.
		if (list.some((known) => known.name === item.name)) {
			const table = kind === 'units' ? 'ingredient_units' : 'ingredient_foods';
			throw new HttpError(traits.conflictStatus, {
				detail: { message: traits.conflictMessage, error: true, exception: `(sqlite3.IntegrityError) UNIQUE constraint failed: ${table}.name, ${table}.group_id` }
			});
		}
		list.push(item);
		return [201, item];
	}

	function stepOut(input: z.infer<typeof StepIn>): Json {
		if (!input.ingredientReferences && !traits.stepReferencesOptional) throw unknownError('TypeError');
		return { id: input.id ?? randomUUID(), title: input.title ?? '', summary: input.summary ?? '', text: input.text, ingredientReferences: input.ingredientReferences ?? [] };
	}

	/** Tags link by id; one without a known id makes Mealie build a Tag without a group, and fail. */
	function tagsOut(input: z.infer<typeof Organizer>[]): Json[] {
		return input.map((t) => {
			const tag = tags.find((known) => known.id === t.id);
			if (!tag) throw new Crash('Tag.__init__() missing 1 required positional argument: group_id');
			return { id: tag.id, name: tag.name, slug: tag.slug };
		});
	}

	function freeSlug(slug: string, except?: MealieRecipe): boolean {
		const holder = recipes.get(slug);
		return !holder || holder.id === except?.id;
	}

	function defaults(name: string, slug: string): MealieRecipe {
		const at = now();
		return {
			id: randomUUID(),
			userId: ids.user,
			householdId: ids.household,
			groupId: ids.group,
			name,
			slug,
			image: null,
			...(traits.structuredYields ? { recipeServings: 0, recipeYieldQuantity: 0 } : {}),
			recipeYield: null,
			totalTime: null,
			prepTime: null,
			cookTime: null,
			performTime: null,
			description: '',
			recipeCategory: [],
			tags: [],
			tools: [],
			rating: null,
			orgURL: null,
			dateAdded: at.slice(0, 10),
			dateUpdated: at,
			createdAt: at,
			updatedAt: at,
			lastMade: null,
			recipeIngredient: [],
			recipeInstructions: [],
			nutrition: Object.fromEntries(Object.keys(NutritionIn.shape).map((k) => [k, null])),
			settings: settingsOf({ public: true, showNutrition: false, showAssets: false, landscapeView: false, disableComments: false, disableAmount: true, locked: false }),
			assets: [],
			notes: [],
			extras: {},
			comments: []
		};
	}

	/** RecipeService.create_one: placeholders, and "Name (n)" when the slug is taken. */
	function create(name: string): MealieRecipe {
		for (let n = 0; n <= 10; n++) {
			const candidate = n === 0 ? name : `${name} (${n})`;
			const slug = slugify(candidate);
			if (!freeSlug(slug)) continue;
			const recipe = defaults(candidate, slug);
			recipe.recipeIngredient = [ingredientOut({ note: PLACEHOLDER_INGREDIENT, referenceId: randomUUID() }, true)];
			recipe.recipeInstructions = [stepOut({ text: PLACEHOLDER_STEP, ingredientReferences: [] })];
			recipes.set(slug, recipe);
			return recipe;
		}
		throw mealieError(400, 'Recipe already exists');
	}

	/** Writes validated fields over a recipe; everything is checked before anything changes. */
	function apply(recipe: MealieRecipe, data: RecipeIn, newSlug: string): MealieRecipe {
		if (!freeSlug(newSlug, recipe)) throw mealieError(400, 'Recipe already exists');
		const disableAmount = ('settings' in data ? (data.settings?.disableAmount ?? SETTINGS_DEFAULTS.disableAmount) : recipe.settings.disableAmount) !== false;
		if (data.name === null || data.name === '') throw mealieError(400, 'Recipe already exists'); // NOT NULL, assert name != ""
		const next: MealieRecipe = { ...recipe, slug: newSlug, updatedAt: now(), dateUpdated: now() };
		const plain = ['name', 'recipeServings', 'recipeYieldQuantity', 'recipeYield', 'totalTime', 'prepTime', 'cookTime', 'performTime', 'orgURL', 'rating', 'image'] as const;
		for (const key of plain) if (key in data && key in next) (next as Json)[key] = data[key] ?? null;
		if ('description' in data) next.description = data.description ?? '';
		if ('tags' in data) next.tags = tagsOut(data.tags ?? []);
		if ('recipeIngredient' in data) next.recipeIngredient = (data.recipeIngredient ?? []).map((i) => ingredientOut(i, disableAmount));
		if ('recipeInstructions' in data) next.recipeInstructions = (data.recipeInstructions ?? []).map(stepOut);
		if ('nutrition' in data) next.nutrition = { ...defaults('', '').nutrition as Json, ...(data.nutrition ?? {}) };
		if ('settings' in data) next.settings = settingsOf({ ...SETTINGS_DEFAULTS, ...(data.settings ?? {}) });
		if ('notes' in data) next.notes = data.notes ?? [];
		if ('extras' in data) next.extras = Object.fromEntries(Object.entries(data.extras ?? {}).map(([k, v]) => [k, String(v)]));
		recipes.delete(recipe.slug);
		recipes.set(newSlug, next);
		return next;
	}

	function existing(slug: string): MealieRecipe {
		const recipe = recipes.get(slug) ?? [...recipes.values()].find((r) => r.id === slug);
		if (!recipe) throw mealieError(404, 'No Entry Found');
		return recipe;
	}

	/** RecipeSettings: v3.1 dropped disableAmount. */
	function settingsOf(settings: Json): Json {
		if (!traits.everythingIsFood) return settings;
		const { disableAmount: _dropped, ...rest } = settings;
		return rest;
	}

	const summary = (r: MealieRecipe) => {
		const { recipeIngredient: _i, recipeInstructions: _s, nutrition: _n, settings: _e, assets: _a, notes: _o, extras: _x, comments: _c, ...rest } = r;
		return rest;
	};

	function listRecipes(query: URLSearchParams) {
		let items = [...recipes.values()].reverse(); // newest first, Mealie's default order
		const filter = query.get('queryFilter');
		if (filter) items = items.filter(parseFilter(filter));
		const search = query.get('search')?.toLowerCase().split(/\s+/).filter(Boolean);
		if (search?.length) {
			const haystack = (r: MealieRecipe) => [r.name, r.description, ...r.recipeIngredient.map((i) => `${i.note} ${i.originalText ?? ''}`)].join(' ').toLowerCase();
			items = items.filter((r) => search.some((word) => haystack(r).includes(word)));
		}
		return paginate(items.map(summary), query);
	}

	/**
	 * scrape_image: Mealie fetches the URL itself through its safe transport, which refuses private
	 * addresses; a failed, refused or non-200 fetch is swallowed, yet the route still sets a new
	 * image key (4 characters) with no file behind it and answers 200 null.
	 */
	async function scrapeImage(recipe: MealieRecipe, url: string) {
		let fetched: { type: string; bytes: Buffer } | null = null;
		const host = (() => {
			try {
				return new URL(url).hostname.replace(/^\[|\]$/g, '');
			} catch {
				return '';
			}
		})();
		const privateHost = host === 'localhost' || /^(127\.|10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.|::1$)/.test(host);
		if (privateHost && traits.privateImageRefused) throw mealieError(400, 'Url is not from an allowed domain');
		if (!privateHost) {
			try {
				const res = await fetch(url, { signal: AbortSignal.timeout(5_000) });
				const type = res.headers.get('content-type') ?? '';
				if (res.status === 200 && !type.includes('image')) throw mealieError(400, 'Url is not an image');
				if (res.status === 200) fetched = { type, bytes: Buffer.from(await res.arrayBuffer()) };
			} catch (err) {
				if (err instanceof HttpError) throw err;
			}
		}
		if (fetched) storePicture(recipe, fetched.bytes);
		recipe.image = Math.random().toString(36).slice(2, 6);
	}

	/** write_image and the minifier: the three WebP files Mealie serves; bytes Pillow cannot open are a 500. */
	function storePicture(recipe: MealieRecipe, bytes: Buffer) {
		const type = imageType(bytes);
		if (!type) throw traits.everythingIsFood ? unknownError('UnidentifiedImageError') : new Crash('cannot identify image file');
		for (const name of MEDIA_FILES) media.set(`${recipe.id}/${name}`, bytes);
		images.set(recipe.id, { type, size: bytes.length });
	}

	/** One request, by route; returns [status, body], or 'hang' to hold the answer back. */
	async function route(method: string, path: string, query: URLSearchParams, body: unknown): Promise<[number, unknown] | 'hang'> {
		if (path === '/api/app/about' && method === 'GET') {
			return [200, { production: true, version, demoStatus: false, allowSignup: false, defaultGroupSlug: groupSlug, defaultHouseholdSlug: 'family', enableOidc: false, oidcRedirect: false, oidcProviderName: 'OAuth', allowPasswordLogin: true, tokenTime: 48 }];
		}
		if (path === '/api/users/self' && method === 'GET') {
			return [
				200,
				{
					id: ids.user,
					username: user.username,
					fullName: user.fullName,
					email: 'cook@example.com',
					authMethod: 'Mealie',
					admin: false,
					group: 'Home',
					household: 'Family',
					advanced: false,
					canInvite: false,
					canManage: false,
					canManageHousehold: false,
					canOrganize,
					groupId: ids.group,
					...(groupSlug === null ? {} : { groupSlug }),
					householdId: ids.household,
					householdSlug: 'family',
					tokens: null,
					cacheKey: '1234'
				}
			];
		}
		if (path === '/api/recipes') {
			if (method === 'GET') return [200, listRecipes(query)];
			if (method === 'POST') {
				const data = validate(CreateRecipe, body);
				const recipe = create(data.name);
				const hang = failures[0] === 'timeout-after-create';
				if (hang) failures.shift();
				return hang ? 'hang' : [201, recipe.slug];
			}
			throw new HttpError(405, { detail: 'Method Not Allowed' });
		}
		const image = /^\/api\/recipes\/([^/]+)\/image$/.exec(path);
		if (image) {
			const recipe = existing(decodeURIComponent(image[1]!));
			// These routes load the whole recipe outside the recipe routes' error handling.
			if (broken.has(recipe.id)) throw new Crash('ValidationError');
			if (method === 'POST') {
				await scrapeImage(recipe, validate(ScrapeRecipe, body).url);
				return [200, null];
			}
			if (method === 'PUT') {
				const form = (body ?? {}) as Json;
				const missing = ['image', 'extension'].filter((k) => form[k] === undefined);
				if (missing.length) throw new HttpError(422, { detail: missing.map((k) => ({ type: 'missing', loc: ['body', k], msg: 'Field required', input: null })) });
				storePicture(recipe, (form.image as { bytes: Buffer }).bytes);
				recipe.image = String(Math.floor(Math.random() * 256));
				return [200, { image: recipe.image }];
			}
			throw new HttpError(405, { detail: 'Method Not Allowed' });
		}
		const picture = /^\/api\/media\/recipes\/([^/]+)\/images\/([^/]+)$/.exec(path);
		if (picture && method === 'GET') {
			if (!(MEDIA_FILES as readonly string[]).includes(picture[2]!)) {
				throw new HttpError(422, { detail: [{ type: 'enum', loc: ['path', 'file_name'], msg: `Input should be ${MEDIA_FILES.map((f) => `'${f}'`).join(', ')}`, input: picture[2] }] });
			}
			const file = media.get(`${decodeURIComponent(picture[1]!)}/${picture[2]}`);
			if (!file) throw new HttpError(404, { detail: 'Not Found' });
			return [200, file];
		}
		if (path === '/api/recipes/bulk-actions/delete' && method === 'POST') {
			// Each delete's error is logged and swallowed: 200 null whether or not it deleted.
			for (const slug of (body as { recipes?: string[] } | undefined)?.recipes ?? []) {
				const recipe = recipes.get(slug);
				if (recipe && !broken.has(recipe.id)) recipes.delete(slug);
			}
			return [200, null];
		}
		const one = /^\/api\/recipes\/([^/]+)$/.exec(path);
		if (one) {
			const slug = decodeURIComponent(one[1]!);
			if (method === 'GET') return [200, answered(existing(slug))];
			if (method === 'DELETE') {
				const recipe = answered(existing(slug));
				recipes.delete(recipe.slug);
				return [200, recipe];
			}
			if (method === 'PATCH') {
				const data = validate(RecipeIn, body);
				const recipe = answered(existing(slug));
				// The slug changes only when sent; Mealie then derives it from the name sent with it.
				const newSlug = 'slug' in data ? (data.name ? slugify(data.name) : (data.slug ?? recipe.slug)) : recipe.slug;
				return [200, committed(apply(existing(slug), data, newSlug))];
			}
			if (method === 'PUT') {
				const data = validate(RecipeIn, body);
				const recipe = answered(existing(slug));
				if (!data.name) throw mealieError(400, 'Recipe already exists');
				const fresh = { ...defaults(data.name, recipe.slug), id: recipe.id, createdAt: recipe.createdAt, dateAdded: recipe.dateAdded };
				return [200, committed(apply(fresh, { recipeIngredient: [], recipeInstructions: [], ...data }, slugify(data.name)))];
			}
			throw new HttpError(405, { detail: 'Method Not Allowed' });
		}
		if (path === '/api/organizers/tags') {
			if (method === 'GET') return [200, paginate(tags, query)];
			if (method === 'POST') {
				const data = validate(TagIn, body);
				if (traits.organizeGate && !canOrganize) throw new HttpError(403, { detail: 'Forbidden' });
				const slug = slugify(data.name);
				if (tags.some((t) => t.slug === slug)) throw new Crash('UNIQUE constraint failed: tags.slug, tags.group_id');
				const tag = { id: randomUUID(), name: data.name.trim(), slug, groupId: ids.group };
				tags.push(tag);
				return [201, tag];
			}
			throw new HttpError(405, { detail: 'Method Not Allowed' });
		}
		if (path === '/api/units') {
			if (method === 'GET') return [200, paginate(units, query)];
			if (method === 'POST') return createNamed('units', units, unitOf(validate(CreateUnit, body)));
			throw new HttpError(405, { detail: 'Method Not Allowed' });
		}
		if (path === '/api/foods') {
			if (method === 'GET') return [200, paginate(foods, query)];
			if (method === 'POST') return createNamed('foods', foods, foodOf(validate(CreateFood, body)));
			throw new HttpError(405, { detail: 'Method Not Allowed' });
		}
		throw new SpaPage();
	}

	for (const seed of options.units ?? DEFAULT_UNITS) units.push({ ...unitOf({ name: seed.name }), ...seed });
	for (const seed of options.foods ?? []) foods.push({ ...foodOf({ name: seed.name }), ...seed });

	const server = http.createServer(async (req, res) => {
		const url = new URL(req.url ?? '/', 'http://x');
		const chunks: Buffer[] = [];
		for await (const chunk of req) chunks.push(chunk as Buffer);
		const raw = Buffer.concat(chunks);
		const type = req.headers['content-type'] ?? '';
		let body: unknown;
		let badJson = false;
		if (raw.length > 0 && type.includes('multipart/form-data')) body = parseMultipart(raw, type);
		else if (raw.length > 0) {
			try {
				body = JSON.parse(raw.toString('utf8'));
			} catch {
				badJson = true;
			}
		}
		const entry: RecordedRequest = { method: req.method ?? '', path: url.pathname, query: Object.fromEntries(url.searchParams), body };
		requests.push(entry);
		if (options.latencyMs) await new Promise((resolve) => setTimeout(resolve, options.latencyMs));
		const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
			entry.status = status;
			if (Buffer.isBuffer(payload)) res.writeHead(status, { 'content-type': 'image/webp', ...headers }).end(payload);
			else if (typeof payload === 'string' && headers['content-type']?.startsWith('text/')) res.writeHead(status, headers).end(payload);
			else res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(payload));
		};
		const hook = hooks.findIndex((h) => h.method === entry.method && h.path === entry.path);
		if (hook >= 0) hooks.splice(hook, 1)[0]!.run();

		const scripted = failures[0];
		if (scripted && scripted !== 'timeout-after-create') {
			failures.shift();
			const headers: Record<string, string> = scripted.retryAfter ? { 'retry-after': scripted.retryAfter } : {};
			if (scripted.status === 401) return send(401, { detail: 'Could not validate credentials' }, { 'www-authenticate': 'Bearer', ...headers });
			if (scripted.status >= 500) return send(scripted.status, scripted.status === 503 ? 'Service Unavailable' : 'Internal Server Error', { 'content-type': 'text/plain', ...headers });
			return send(scripted.status, scripted.body ?? { detail: { message: `test server: scripted ${scripted.status}`, error: true, exception: null } }, headers);
		}
		if (!isApiRoute(url.pathname)) {
			// The web app's page, for any path; StaticFiles takes only GET and HEAD.
			if (entry.method !== 'GET' && entry.method !== 'HEAD') return send(405, 'Method Not Allowed', { 'content-type': 'text/plain; charset=utf-8' });
			return send(traits.spaStatus, '<!doctype html><html><head><title>Mealie</title></head><body><div id="__nuxt"></div></body></html>', { 'content-type': 'text/html; charset=utf-8' });
		}
		const open = url.pathname === '/api/app/about' || url.pathname.startsWith('/api/media/');
		if (!open && req.headers.authorization !== `Bearer ${options.token}`) {
			return send(401, { detail: 'Could not validate credentials' }, { 'www-authenticate': 'Bearer' });
		}
		if (badJson) return send(422, { detail: [{ type: 'json_invalid', loc: ['body', 0], msg: 'JSON decode error', input: {}, ctx: { error: 'Expecting value' } }] });
		try {
			const answer = await route(entry.method, url.pathname, url.searchParams, body);
			if (answer === 'hang') {
				// close() ends the connection; tests wait on the hold as an event.
				for (const notify of hangWaiters.splice(0)) notify(entry);
				return;
			}
			send(...answer);
		} catch (err) {
			if (err instanceof HttpError) return send(err.status, err.body);
			// A known path with a method it does not take falls through to the web app's mount.
			if (err instanceof SpaPage) return send(405, 'Method Not Allowed', { 'content-type': 'text/plain; charset=utf-8' });
			send(500, 'Internal Server Error', { 'content-type': 'text/plain' });
		}
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	const origin = `http://127.0.0.1:${port}`;

	return {
		origin,
		/** Stored recipes by slug, oldest first. */
		recipes,
		tags,
		/** The group's units and foods, in the order created. */
		units,
		foods,
		/** Pictures set on recipes, by recipe id. */
		images,
		requests,
		userId: ids.user,
		failNext(kind: FailKind) {
			failures.push(kind);
		},
		/** A recipe made the way Mealie's UI or importer would, with `fields` PATCHed over it. */
		seedRecipe(name: string, fields: Json = {}): MealieRecipe {
			const recipe = create(name);
			return apply(recipe, validate(RecipeIn, fields), recipe.slug);
		},
		/** POST /api/units or /api/foods answers `status` (403 by default) instead of creating: for every name, or those given. */
		refuseCreates(kind: 'units' | 'foods', status = 403, names: string[] | null = null) {
			refusals.push({ kind, status, names });
		},
		seedUnit(seed: SeedUnit): MealieUnit {
			const unit = { ...unitOf({ name: seed.name }), ...seed };
			units.push(unit);
			return unit;
		},
		seedFood(name: string, fields: Omit<SeedFood, 'name'> = {}): MealieFood {
			const food = { ...foodOf({ name }), ...fields };
			foods.push(food);
			return food;
		},
		/** Resolves with the next request the server holds back ('timeout-after-create'). */
		nextHang: () => new Promise<RecordedRequest>((resolve) => hangWaiters.push(resolve)),
		/** Runs `run` just before the next `method path` request is handled. */
		before(method: string, path: string, run: () => void) {
			hooks.push({ method, path, run });
		},
		/** Picture files the media route serves, by `${recipeId}/${name}`. */
		media,
		/** Ids of recipes an earlier write left unreadable. */
		broken,
		traits,
		seedTag(name: string): MealieTag {
			const tag = { id: randomUUID(), name, slug: slugify(name), groupId: ids.group };
			tags.push(tag);
			return tag;
		},
		close: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			})
	};
}

export type MealieServer = Awaited<ReturnType<typeof startMealieServer>>;
