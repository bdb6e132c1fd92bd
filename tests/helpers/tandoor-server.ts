import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';

/**
 * A stand-in for a Tandoor Recipes 2.x server (2.6.12) on 127.0.0.1, for the endpoints Cookmark
 * uses. It checks every request the way Django REST framework would with Tandoor's serializers
 * (TandoorRecipes/recipes cookbook/serializer.py, lengths from cookbook/migrations): a body the
 * real server would refuse gets a 400 in DRF's shape ({"field": ["message"]}, nested lists with {}
 * for the valid items), unknown fields are ignored. Like Tandoor it answers a missing or wrong
 * token with 403 (SessionAuthentication comes first, so DRF sends no 401), sends anything outside
 * its API routes to the login page (the 2.x front end's catch-all, Mealie's paths included), and
 * matches foods, units (name or plural, case-insensitively; a new unit's plural is its name),
 * keywords and property types by name or creates them.
 *
 * What the real server was seen to do, from its source:
 * - Steps, ingredients and properties are many-to-many rows (cookbook/models.py). A write that
 *   sends a nested row with its id updates that row in place (an ingredient's original_text
 *   excepted), one without an id creates a row, and the rows left out are only unlinked
 *   (drf-writable-nested's perform_nested_delete_or_update): they stay in the tables, out of
 *   reach of /api/step/ and /api/ingredient/, which see only linked rows. `orphans()` counts them.
 * - The image action (cookbook/views/api.py RecipeViewSet.image) fetches `image_url` through an
 *   SSRF filter (helper/HelperFunctions.py safe_request): loopback and LAN addresses (every test
 *   site), a failed fetch, or neither field: the picture is set to none, wiping one the person
 *   chose, 200 `{"image": null}`. Fetched bytes that are no picture are a 500. A file `image`
 *   must be a real picture (400) named .jpg/.jpeg/.png/.gif/.webp (anything else a 500).
 * - Tokens have scopes (helper/permission_helper.py CustomTokenHasReadWriteScope): a "read"
 *   token, or a guest user, gets 403 "You do not have permission to perform this action." for
 *   any write, and everything for reading.
 */

export type FailKind =
	/** The next request gets this status (401 in DRF's shape, 5xx as Django or a proxy sends it). */
	| { status: 401 | 500 | 503; retryAfter?: string }
	/** The next create is stored, then never answered: the lost answer a retry must not duplicate. */
	| 'timeout-after-create'
	/** The next image upload is never answered (the recipe exists and its id was answered). */
	| 'hold-image'
	/** The next update of a recipe (PUT) is neither applied nor answered: a Tandoor that hangs. */
	| 'hold-update';

export interface TandoorServerOptions {
	/** The only Bearer token the server accepts. */
	token: string;
	/** The token's scope ("read write" as Tandoor's UI makes them; "read" may not write). */
	scope?: string;
	/** The user's group in the space: a guest may read but not write. */
	group?: 'admin' | 'user' | 'guest';
	/** The space's units, as the person made them (none in a fresh space). */
	units?: { name: string; plural_name?: string | null; base_unit?: string | null }[];
	/** The space's property types (none in a fresh space; Open Data's import adds Calories, Fats…). */
	propertyTypes?: { name: string; unit?: string | null; open_data_slug?: string | null }[];
	/** What /api/server-settings/current/ reports. */
	version?: string;
	user?: { username: string; first_name: string; last_name: string };
	/** The space's recipe limit (0: none); at the limit Tandoor refuses creates and updates alike. */
	maxRecipes?: number;
}

export interface RecordedRequest {
	method: string;
	path: string;
	query: Record<string, string>;
	headers: http.IncomingHttpHeaders;
	/** Parsed JSON, or a multipart form's fields (files as { filename, type, size }). */
	body: unknown;
	/** The status the server answered with (unset while it holds the answer back). */
	status?: number;
}

interface Named {
	id: number;
	name: string;
	plural_name: string | null;
}

type Json = Record<string, unknown>;

// ---- DRF's field rules ------------------------------------------------------------------------

const REQUIRED = 'This field is required.';
const NOT_NULL = 'This field may not be null.';

/** Python's name for a JSON value's type, as DRF puts it in messages. */
function pyType(value: unknown): string {
	if (Array.isArray(value)) return 'list';
	if (typeof value === 'string') return 'str';
	if (typeof value === 'boolean') return 'bool';
	if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
	return 'dict';
}

/** DRF's messages for a missing key, a null, and a value of the wrong kind. */
const invalid =
	(message: string | ((input: unknown) => string)) =>
	(issue: { input?: unknown }): string =>
		issue.input === undefined ? REQUIRED : issue.input === null ? NOT_NULL : typeof message === 'string' ? message : message(issue.input);

/** CharField: numbers become text, whitespace is trimmed, then blank and length (in code points, as Python counts). */
function charField(max: number | null, blank: boolean) {
	const text = z
		.string({ error: invalid('Not a valid string.') })
		.trim()
		.refine((value) => blank || value.length > 0, { error: 'This field may not be blank.', abort: true })
		.refine((value) => max === null || Array.from(value).length <= max, `Ensure this field has no more than ${max} characters.`);
	return z.preprocess((value) => (typeof value === 'number' ? String(value) : value), text);
}

/** IntegerField on a 32-bit column: integral numbers or numeric strings. */
function integerField() {
	const message = 'A valid integer is required.';
	const number = z
		.number({ error: invalid(message) })
		.int(message)
		.min(-2_147_483_648, 'Ensure this value is greater than or equal to -2147483648.')
		.max(2_147_483_647, 'Ensure this value is less than or equal to 2147483647.');
	return z.preprocess((value) => (typeof value === 'string' && /^\s*[-+]?\d+(\.0*)?\s*$/.test(value) ? Number(value) : value), number);
}

/** Tandoor's CustomDecimalField: a number, or a string with a comma or dot ('' is 0). */
function decimalField() {
	return z.preprocess(
		(value) => (typeof value === 'string' ? (value.trim() === '' ? 0 : Number(value.replace(',', '.'))) : value),
		z.number({ error: invalid('A valid number is required') })
	);
}

const TRUE = new Set<unknown>([true, 1, '1', 'true', 'True', 'TRUE', 'yes', 'Yes', 'YES', 'on', 'On', 'ON', 'y', 'Y', 't', 'T']);
const FALSE = new Set<unknown>([false, 0, '0', 'false', 'False', 'FALSE', 'no', 'No', 'NO', 'off', 'Off', 'OFF', 'n', 'N', 'f', 'F']);

function booleanField() {
	return z.preprocess((value) => (TRUE.has(value) ? true : FALSE.has(value) ? false : value), z.boolean({ error: invalid('Must be a valid boolean.') }));
}

const nested = <T extends z.ZodRawShape>(shape: T) => z.object(shape, { error: invalid((input) => `Invalid data. Expected a dictionary, but got ${pyType(input)}.`) });
const listOf = <T extends z.ZodType>(item: T) => z.array(item, { error: invalid((input) => `Expected a list of items but got type "${pyType(input)}".`) });

// ---- Tandoor's serializers, as far as a recipe write goes ---------------------------------------

/** A nested row's id: drf-writable-nested updates the row it names, in the space. */
const rowId = z.number().int().optional();

const KeywordWrite = nested({ name: charField(64, false), description: charField(null, true).optional() });

const FoodWrite = nested({ name: charField(128, false), plural_name: charField(128, true).nullable().optional() });

const UnitWrite = nested({
	name: charField(128, false),
	plural_name: charField(128, true).nullable().optional(),
	description: charField(null, true).nullable().optional(),
	base_unit: charField(256, true).nullable().optional()
});

const PropertyWrite = nested({
	id: rowId,
	property_amount: decimalField().nullable(),
	property_type: nested({ id: rowId, name: charField(128, false), unit: charField(64, true).nullable().optional() })
});

const IngredientWrite = nested({
	id: rowId,
	food: FoodWrite.nullable(),
	unit: UnitWrite.nullable(),
	amount: decimalField(),
	note: charField(256, true).nullable().optional(),
	order: integerField().optional(),
	is_header: booleanField().optional(),
	no_amount: booleanField().optional(),
	original_text: charField(512, true).nullable().optional()
});

const StepWrite = nested({
	id: rowId,
	name: charField(128, true).optional(),
	instruction: charField(null, true).optional(),
	ingredients: listOf(IngredientWrite),
	time: integerField().optional(),
	order: integerField().optional(),
	show_as_header: booleanField().optional(),
	show_ingredients_table: booleanField().optional()
});

export const RecipeWrite = nested({
	name: charField(128, false),
	description: charField(512, true).nullable().optional(),
	keywords: listOf(KeywordWrite).optional(),
	steps: listOf(StepWrite),
	working_time: integerField().optional(),
	waiting_time: integerField().optional(),
	source_url: charField(1024, true).nullable().optional(),
	internal: booleanField().optional(),
	show_ingredient_overview: booleanField().optional(),
	servings: integerField().optional(),
	servings_text: charField(32, true).optional(),
	private: booleanField().optional(),
	properties: listOf(PropertyWrite).optional()
});
type RecipeWrite = z.infer<typeof RecipeWrite>;

/** RecipeImageSerializer, as the image action runs it (partial). */
const ImageWrite = z.object({ image_url: charField(4096, true).nullable().optional() });

/** A ZodError as DRF reports it: messages by field, and a list's errors hold {} for its valid items. */
export function drfErrors(issues: readonly z.core.$ZodIssue[], input: unknown): Json {
	const root: Json = {};
	for (const issue of issues) {
		const path: PropertyKey[] = issue.path.length > 0 ? issue.path : ['non_field_errors'];
		let node = root as Record<PropertyKey, unknown>;
		let value = input;
		for (const [i, key] of path.slice(0, -1).entries()) {
			value = isRecord(value) || Array.isArray(value) ? (value as Record<PropertyKey, unknown>)[key] : undefined;
			node[key] ??= typeof path[i + 1] === 'number' ? Array.from({ length: Array.isArray(value) ? value.length : 0 }, () => ({})) : {};
			node = node[key] as Record<PropertyKey, unknown>;
		}
		addMessage(node, path[path.length - 1] as PropertyKey, issue.message);
	}
	return root;
}

/** DRF lists a field's messages; a nested serializer's type error is that serializer's non-field error. */
function addMessage(node: Record<PropertyKey, unknown>, key: PropertyKey, message: string) {
	const messages = node[key];
	if (message.startsWith('Invalid data. Expected a dictionary')) node[key] = { non_field_errors: [message] };
	else if (Array.isArray(messages)) messages.push(message);
	else node[key] = [message];
}

/** A refusal found while saving (an id that names no row), answered in DRF's shape. */
class DrfError extends Error {
	constructor(
		readonly status: number,
		readonly body: Json
	) {
		super(`HTTP ${status}`);
	}
}

const isRecord = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

// ---- The server ---------------------------------------------------------------------------------

export async function startTandoorServer(options: TandoorServerOptions) {
	const version = options.version ?? '2.6.12';
	const scope = new Set((options.scope ?? 'read write').split(/\s+/));
	const group = options.group ?? 'user';
	const user = options.user ?? { username: 'ada', first_name: 'Ada', last_name: 'Lovelace' };
	const recipes = new Map<number, Json>();
	/** The picture file each recipe shows, as received (Tandoor re-encodes files over 500 KB; the tests send smaller ones). */
	const pictures = new Map<number, Buffer>();
	const requests: RecordedRequest[] = [];
	const foods = new Map<string, Named>();
	const units = new Map<string, Named & { base_unit: string | null }>();
	const keywords = new Map<string, Json>();
	const propertyTypes: { id: number; name: string; unit: string | null; open_data_slug: string | null }[] = [];
	/** Every step, ingredient and property row ever made, linked or not, by id. */
	const steps = new Map<number, Json>();
	const ingredients = new Map<number, Json>();
	const properties = new Map<number, Json>();
	let failing: FailKind | null = null;
	let lastId = 0;
	const nextId = () => ++lastId;
	let origin = '';

	const owner = {
		id: 1,
		username: user.username,
		first_name: user.first_name,
		last_name: user.last_name,
		display_name: `${user.first_name} ${user.last_name}`.trim() || user.username,
		is_staff: false,
		is_superuser: false,
		is_active: true
	};

	/** Foods and units are found by name or plural, case-insensitively, or created (FoodSerializer.create). */
	function named<T extends Named>(registry: Map<string, T>, name: string, extra: Omit<T, 'id' | 'name'>): T {
		const key = name.toLowerCase();
		const found = registry.get(key) ?? [...registry.values()].find((n) => n.plural_name?.toLowerCase() === key);
		if (found) return found;
		const created = { id: nextId(), name, ...extra } as T;
		registry.set(key, created);
		return created;
	}

	/** PropertyTypeSerializer.create: by name, case-insensitively, or created with its unit. */
	function propertyType(data: { name: string; unit?: string | null }) {
		const found = propertyTypes.find((t) => t.name.toLowerCase() === data.name.toLowerCase());
		if (found) return found;
		const created = { id: nextId(), name: data.name, unit: data.unit ?? null, open_data_slug: null };
		propertyTypes.push(created);
		return created;
	}

	/** A nested row sent with an id is that row (any in the space); without one, a new row. */
	function row(table: Map<number, Json>, id: number | undefined, what: string): Json | null {
		if (id === undefined) return null;
		const found = table.get(id);
		if (!found) throw new DrfError(400, { [what]: { id: [`Invalid pk "${id}" - object does not exist.`] } });
		return found;
	}

	function keyword(name: string): Json {
		const key = name.toLowerCase();
		let found = keywords.get(key);
		if (!found) {
			const now = new Date().toISOString();
			found = { id: nextId(), name, label: name, description: '', parent: null, numchild: 0, created_at: now, updated_at: now, full_name: name };
			keywords.set(key, found);
		}
		return found;
	}

	function ingredient(data: z.infer<typeof IngredientWrite>, order: number): Json {
		const existing = row(ingredients, data.id, 'ingredient');
		const food = data.food ? named(foods, data.food.name, { plural_name: data.food.plural_name ?? null }) : null;
		// UnitSerializer.create: a new unit's plural is its name; an existing one is never changed.
		const unit = data.unit ? named(units, data.unit.name, { plural_name: data.unit.name, base_unit: data.unit.base_unit ?? null }) : null;
		const written: Json = {
			id: existing?.id ?? nextId(),
			food: food && { ...food, description: '', full_name: food.name },
			unit: unit && { ...unit, description: null, open_data_slug: null },
			// CustomDecimalField answers four decimals.
			amount: Math.round(data.amount * 10_000) / 10_000,
			conversions: [],
			note: data.note ?? null,
			order: data.order ?? order,
			is_header: data.is_header ?? false,
			no_amount: data.no_amount ?? false,
			// IngredientSimpleSerializer.update drops original_text: a row keeps the one it was made with.
			original_text: existing ? existing.original_text : (data.original_text ?? null),
			used_in_recipes: [],
			checked: false
		};
		ingredients.set(written.id as number, written);
		return written;
	}

	function step(data: z.infer<typeof StepWrite>, order: number): Json {
		const existing = row(steps, data.id, 'step');
		const written: Json = {
			id: existing?.id ?? nextId(),
			name: data.name ?? '',
			instruction: data.instruction ?? '',
			ingredients: data.ingredients.map(ingredient),
			instructions_markdown: data.instruction ?? '',
			time: data.time ?? 0,
			order: data.order ?? order,
			show_as_header: data.show_as_header ?? true,
			file: null,
			step_recipe: null,
			step_recipe_data: null,
			show_ingredients_table: data.show_ingredients_table ?? true
		};
		steps.set(written.id as number, written);
		return written;
	}

	function property(data: z.infer<typeof PropertyWrite>): Json {
		const existing = row(properties, data.id, 'property');
		const type = propertyType(data.property_type);
		const written: Json = { id: existing?.id ?? nextId(), property_amount: data.property_amount, property_type: { ...type, description: '', order: 0, fdc_id: null } };
		properties.set(written.id as number, written);
		return written;
	}

	/** Rows no recipe links any more: what an update without ids leaves behind in Tandoor. */
	function orphans() {
		const linkedSteps = new Set([...recipes.values()].flatMap((r) => (r.steps as Json[]).map((st) => st.id)));
		const linkedIngredients = new Set([...recipes.values()].flatMap((r) => (r.steps as Json[]).flatMap((st) => (st.ingredients as Json[]).map((i) => i.id))));
		const linkedProperties = new Set([...recipes.values()].flatMap((r) => (r.properties as Json[]).map((pr) => pr.id)));
		return {
			steps: [...steps.keys()].filter((id) => !linkedSteps.has(id)).length,
			ingredients: [...ingredients.keys()].filter((id) => !linkedIngredients.has(id)).length,
			properties: [...properties.keys()].filter((id) => !linkedProperties.has(id)).length
		};
	}

	/** What a validated write changes; DRF leaves the fields a request does not name as they were. */
	function written(data: Partial<RecipeWrite>): Json {
		const fields: Json = {};
		for (const [key, value] of Object.entries(data)) {
			if (value === undefined) continue;
			if (key === 'steps') fields.steps = (value as RecipeWrite['steps']).map(step);
			else if (key === 'properties') fields.properties = (value as NonNullable<RecipeWrite['properties']>).map(property);
			else if (key === 'keywords') fields.keywords = (value as NonNullable<RecipeWrite['keywords']>).map((k) => keyword(k.name));
			else fields[key] = value;
		}
		return fields;
	}

	function createRecipe(data: RecipeWrite): Json {
		const now = new Date().toISOString();
		const recipe: Json = {
			id: nextId(),
			name: '',
			description: null,
			image: null,
			keywords: [],
			steps: [],
			working_time: 0,
			waiting_time: 0,
			created_by: owner,
			created_at: now,
			updated_at: now,
			source_url: null,
			internal: false,
			show_ingredient_overview: true,
			nutrition: null,
			properties: [],
			food_properties: {},
			servings: 1,
			file_path: '',
			servings_text: '',
			rating: null,
			last_cooked: null,
			private: false,
			shared: [],
			...written(data)
		};
		recipes.set(recipe.id as number, recipe);
		return recipe;
	}

	const overview = (r: Json) => ({
		id: r.id,
		name: r.name,
		description: r.description,
		image: r.image,
		keywords: (r.keywords as Json[]).map((k) => ({ id: k.id, label: k.label })),
		working_time: r.working_time,
		waiting_time: r.waiting_time,
		created_by: r.created_by,
		created_at: r.created_at,
		updated_at: r.updated_at,
		internal: r.internal,
		private: r.private,
		servings: r.servings,
		servings_text: r.servings_text,
		rating: null,
		last_cooked: null,
		new: true,
		recent: ''
	});

	/** Whether a recipe links this step, or a linked step this ingredient. */
	function rowLinked(kind: 'step' | 'ingredient', id: number): boolean {
		return [...recipes.values()].some((r) => (r.steps as Json[]).some((st) => (kind === 'step' ? st.id === id : (st.ingredients as Json[]).some((i) => i.id === id))));
	}

	/** A deleted row leaves every recipe and step that linked it. */
	function unlink(kind: 'step' | 'ingredient' | 'property', id: number) {
		for (const recipe of recipes.values()) {
			if (kind === 'step') recipe.steps = (recipe.steps as Json[]).filter((st) => st.id !== id);
			if (kind === 'property') recipe.properties = (recipe.properties as Json[]).filter((pr) => pr.id !== id);
			if (kind === 'ingredient') for (const st of recipe.steps as Json[]) st.ingredients = (st.ingredients as Json[]).filter((i) => i.id !== id);
		}
		if (kind === 'ingredient') for (const st of steps.values()) st.ingredients = (st.ingredients as Json[]).filter((i) => i.id !== id);
	}

	/** DefaultPagination: page_size (at most 200), page, and DRF's 404 for a page past the end. */
	function page(path: string, items: Json[], query: Record<string, string>): [number, unknown] {
		const size = Math.min(Math.max(Number.parseInt(query.page_size ?? '50', 10) || 50, 1), 200);
		const number = Number.parseInt(query.page ?? '1', 10);
		const pages = Math.max(1, Math.ceil(items.length / size));
		if (!Number.isInteger(number) || number < 1 || number > pages) return [404, { detail: 'Invalid page.' }];
		const link = (p: number) => `${origin}${path}?${new URLSearchParams({ ...query, page: String(p) })}`;
		return [200, { count: items.length, next: number < pages ? link(number + 1) : null, previous: number > 1 ? link(number - 1) : null, timestamp: new Date().toISOString(), results: items.slice((number - 1) * size, number * size) }];
	}

	/** RecipeViewSet's list: a name search (exact names first, as Tandoor's ranking puts them), 25 a page. */
	function list(query: Record<string, string>): [number, unknown] {
		const q = (query.query ?? '').trim().toLowerCase();
		const size = Math.min(Math.max(Number.parseInt(query.page_size ?? '25', 10) || 25, 1), 100);
		const page = Number.parseInt(query.page ?? '1', 10);
		const rank = (r: Json) => {
			const name = String(r.name).toLowerCase();
			return name === q ? 0 : name.startsWith(q) ? 1 : 2;
		};
		const found = [...recipes.values()].filter((r) => String(r.name).toLowerCase().includes(q)).sort((a, b) => rank(a) - rank(b) || (b.id as number) - (a.id as number));
		const pages = Math.max(1, Math.ceil(found.length / size));
		if (!Number.isInteger(page) || page < 1 || page > pages) return [404, { detail: 'Invalid page.' }];
		const link = (p: number) => `${origin}/api/recipe/?${new URLSearchParams({ ...query, page: String(p) })}`;
		return [
			200,
			{ count: found.length, next: page < pages ? link(page + 1) : null, previous: page > 1 ? link(page - 1) : null, results: found.slice((page - 1) * size, page * size).map(overview) }
		];
	}

	/**
	 * Tandoor's image action. A file is checked as DRF's ImageField does, then by its name's
	 * extension; `image_url` is fetched through the SSRF filter, which refuses loopback and LAN
	 * addresses; whatever fails to give a picture sets the picture to none.
	 */
	async function setImage(recipe: Json, form: FormData): Promise<[number, unknown]> {
		const fields = { image_url: form.get('image_url') ?? undefined };
		const parsed = ImageWrite.safeParse(fields);
		if (!parsed.success) return [400, drfErrors(parsed.error.issues, fields)];
		const file = form.get('image');
		let picture: { type: string; bytes: Buffer } | null = null;
		if (file instanceof Blob) {
			const bytes = Buffer.from(await file.arrayBuffer());
			if (bytes.length === 0) return [400, { image: ['The submitted file is empty.'] }];
			if (!pictureType(bytes)) return [400, { image: ['Upload a valid image. The file you uploaded was either not an image or a corrupted image.'] }];
			// RecipeImageSerializer.update returns None for another extension, and DRF's assert is a 500.
			if (!/\.(png|jpe?g|gif|webp)$/i.test((file as File).name ?? '')) return [500, SERVER_ERROR_PAGE];
			picture = { type: file.type, bytes };
		} else if (parsed.data.image_url) {
			const fetched = await fetchThroughFilter(parsed.data.image_url);
			if (fetched && !pictureType(fetched)) return [500, SERVER_ERROR_PAGE];
			if (fetched) picture = { type: `image/${pictureType(fetched)}`, bytes: fetched };
		}
		if (picture) pictures.set(recipe.id as number, picture.bytes);
		else pictures.delete(recipe.id as number);
		const extension = picture ? (picture.type.split('/')[1] ?? 'jpeg').replace('jpeg', 'jpg') : null;
		const path = extension ? `/media/recipes/${randomUUID()}_${recipe.id}.${extension}` : null;
		recipe.image = path && `${origin}${path}`;
		// Built without the request, the serializer answers the media path without the host.
		return [200, { image: path, image_url: file instanceof Blob ? null : (parsed.data.image_url ?? null) }];
	}

	const send = (res: http.ServerResponse, entry: RecordedRequest, status: number, body: unknown, headers: Record<string, string> = {}) => {
		entry.status = status;
		if (body === undefined) {
			res.writeHead(status, headers).end();
			return;
		}
		const text = typeof body === 'string' ? body : JSON.stringify(body);
		const type = typeof body === 'string' ? 'text/html; charset=utf-8' : 'application/json';
		res.writeHead(status, { 'content-type': type, vary: 'Accept, Cookie', ...headers }).end(text);
	};

	function scripted(res: http.ServerResponse, entry: RecordedRequest, kind: Exclude<FailKind, string>) {
		const headers: Record<string, string> = kind.retryAfter !== undefined ? { 'retry-after': kind.retryAfter } : {};
		if (kind.status === 401) {
			return send(res, entry, 401, { detail: 'Authentication credentials were not provided.' }, { 'www-authenticate': 'Bearer realm="api"', ...headers });
		}
		if (kind.status === 500) return send(res, entry, 500, SERVER_ERROR_PAGE, headers);
		return send(res, entry, 503, '<html><head><title>503 Service Temporarily Unavailable</title></head><body><center><h1>503 Service Temporarily Unavailable</h1></center><hr><center>nginx</center></body></html>', headers);
	}

	const authorized = (req: http.IncomingMessage) => req.headers.authorization === `Bearer ${options.token}`;
	const notAllowed = (method: string, allowed: string[]): [number, unknown, Record<string, string>] => [405, { detail: `Method "${method}" not allowed.` }, { allow: allowed.join(', ') }];
	const noRecipe: [number, unknown] = [404, { detail: 'No Recipe matches the given query.' }];

	/** DRF's JSONParser, the only one a client sends a recipe with. */
	function jsonBody(req: http.IncomingMessage, raw: string): [true, unknown] | [false, [number, unknown]] {
		const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim() ?? '';
		if (type !== 'application/json') return [false, [415, { detail: `Unsupported media type "${req.headers['content-type'] ?? ''}" in request.` }]];
		try {
			return [true, JSON.parse(raw)];
		} catch (err) {
			return [false, [400, { detail: `JSON parse error - ${(err as Error).message}` }]];
		}
	}

	function write(data: unknown, schema: typeof RecipeWrite | ReturnType<typeof RecipeWrite.partial>): [true, Partial<RecipeWrite>] | [false, [number, unknown]] {
		const parsed = schema.safeParse(data);
		if (!parsed.success) return [false, [400, drfErrors(parsed.error.issues, data)]];
		// RecipeSerializer.validate: a space at its recipe limit takes no more writes of any kind.
		if (options.maxRecipes && recipes.size >= options.maxRecipes) return [false, [400, { non_field_errors: ['You have reached the maximum number of recipes for your space.'] }]];
		return [true, parsed.data];
	}

	async function route(req: http.IncomingMessage, entry: RecordedRequest, raw: string, rawBody: Buffer): Promise<[number, unknown, Record<string, string>?] | 'hold'> {
		const { method, path } = entry;
		if (path === '/api/server-settings/current/') {
			// Public: the login and share pages read it before anyone signs in.
			if (method !== 'GET') return notAllowed(method, ['GET', 'HEAD', 'OPTIONS']);
			return [200, { shopping_min_autosync_interval: '5', enable_pdf_export: false, enable_ai_import: false, disable_external_connectors: false, terms_url: '', privacy_url: '', imprint_url: '', hosted: false, debug: false, version, unauthenticated_theme_from_space: 0, force_theme_from_space: 0 }];
		}
		const detail = /^\/api\/recipe\/([^/.]+)\/$/.exec(path);
		const image = /^\/api\/recipe\/([^/.]+)\/image\/$/.exec(path);
		const part = /^\/api\/(step|ingredient|property)\/(\d+)\/$/.exec(path);
		const lists: Record<string, () => Json[]> = {
			'/api/unit/': () => [...units.values()].map((u) => ({ ...u, description: null, open_data_slug: null })),
			'/api/property-type/': () => propertyTypes.map((t) => ({ ...t, description: '', order: 0, fdc_id: null }))
		};
		const known = path === '/api/user-preference/' || path === '/api/recipe/' || path in lists || detail || image || part;
		if (!known) {
			// Django appends a missing slash when that names a route; everything else is the front end's, which wants a login.
			if (!path.endsWith('/') && /^\/api\/(recipe(\/[^/.]+(\/image)?)?|user-preference|server-settings\/current)$/.test(path)) return [301, undefined, { location: `${path}/` }];
			return [302, undefined, { location: `/accounts/login/?next=${path}` }];
		}
		if (!authorized(req)) return [403, { detail: 'Authentication credentials were not provided.' }];
		// The preferences answer any token; every other route wants the `user` group, and writes the write scope.
		const writing = !['GET', 'HEAD', 'OPTIONS'].includes(method);
		const readOnly = (writing && !scope.has('write')) || (!writing && !scope.has('read'));
		if (path !== '/api/user-preference/' && (readOnly || (group === 'guest' && (writing || !!part || path in lists)))) {
			return [403, { detail: 'You do not have permission to perform this action.' }];
		}
		if (path in lists) {
			if (method !== 'GET') return notAllowed(method, ['GET', 'POST', 'HEAD', 'OPTIONS']);
			return page(path, lists[path]!(), entry.query);
		}
		if (part) {
			const table = { step: steps, ingredient: ingredients, property: properties }[part[1] as 'step' | 'ingredient' | 'property'];
			const id = Number(part[2]);
			// The step and ingredient lists see only rows a recipe links; properties, the whole space.
			const visible = table.has(id) && (part[1] === 'property' || rowLinked(part[1] as 'step' | 'ingredient', id));
			const name = { step: 'Step', ingredient: 'Ingredient', property: 'Property' }[part[1] as 'step' | 'ingredient' | 'property'];
			if (!visible) return [404, { detail: `No ${name} matches the given query.` }];
			if (method === 'GET') return [200, table.get(id)];
			if (method !== 'DELETE') return notAllowed(method, ['GET', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);
			table.delete(id);
			unlink(part[1] as 'step' | 'ingredient' | 'property', id);
			return [204, undefined];
		}

		if (path === '/api/user-preference/') {
			if (method !== 'GET') return notAllowed(method, ['GET', 'PATCH', 'HEAD', 'OPTIONS']);
			return [200, [{ user: owner, theme: 'TANDOOR', default_unit: 'g', default_page: 'SEARCH', use_fractions: false, use_kj: false, plan_share: [], shopping_share: [], ingredient_decimals: 2, comments: true }]];
		}
		if (path === '/api/recipe/') {
			if (method === 'GET') return list(entry.query);
			if (method !== 'POST') return notAllowed(method, ['GET', 'POST', 'HEAD', 'OPTIONS']);
			const [ok, body] = jsonBody(req, raw);
			if (!ok) return body;
			const [valid, data] = write(body, RecipeWrite);
			if (!valid) return data;
			const recipe = createRecipe(data as RecipeWrite);
			if (failing === 'timeout-after-create') {
				failing = null;
				return 'hold';
			}
			return [201, recipe];
		}
		const id = Number((detail ?? image)?.[1]);
		const recipe = Number.isInteger(id) ? recipes.get(id) : undefined;
		if (image) {
			if (method !== 'PUT') return notAllowed(method, ['PUT', 'OPTIONS']);
			if (!recipe) return noRecipe;
			if (failing === 'hold-image') {
				failing = null;
				return 'hold';
			}
			const type = req.headers['content-type'] ?? '';
			if (!type.startsWith('multipart/form-data')) return [415, { detail: `Unsupported media type "${type}" in request.` }];
			return setImage(recipe, await formData(rawBody, type));
		}
		if (!['GET', 'PUT', 'PATCH', 'DELETE'].includes(method)) return notAllowed(method, ['GET', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);
		if (!recipe) return noRecipe;
		if (method === 'GET') return [200, recipe];
		if (method === 'DELETE') {
			recipes.delete(id);
			return [204, undefined];
		}
		if (failing === 'hold-update' && method === 'PUT') {
			failing = null;
			return 'hold';
		}
		const [ok, body] = jsonBody(req, raw);
		if (!ok) return body;
		const [valid, data] = write(body, method === 'PUT' ? RecipeWrite : RecipeWrite.partial());
		if (!valid) return data;
		Object.assign(recipe, written(data), { updated_at: new Date().toISOString() });
		return [200, recipe];
	}

	async function recordedBody(req: http.IncomingMessage, raw: string, rawBody: Buffer): Promise<unknown> {
		const type = req.headers['content-type'] ?? '';
		if (type.startsWith('multipart/form-data')) {
			try {
				const form = await formData(rawBody, type);
				return Object.fromEntries(
					[...form.entries()].map(([key, value]) => [key, typeof value === 'string' ? value : { filename: value.name, type: value.type, size: value.size }])
				);
			} catch {
				return undefined;
			}
		}
		try {
			return raw ? JSON.parse(raw) : undefined;
		} catch {
			return undefined;
		}
	}

	const server = http.createServer(async (req, res) => {
		const url = new URL(req.url ?? '/', 'http://x');
		const chunks: Buffer[] = [];
		for await (const chunk of req) chunks.push(chunk as Buffer);
		const rawBody = Buffer.concat(chunks);
		const raw = rawBody.toString('utf8');
		const entry: RecordedRequest = {
			method: req.method ?? '',
			path: url.pathname,
			query: Object.fromEntries(url.searchParams),
			headers: req.headers,
			body: await recordedBody(req, raw, rawBody)
		};
		requests.push(entry);
		if (failing && typeof failing === 'object') {
			const kind = failing;
			failing = null;
			return scripted(res, entry, kind);
		}
		let answer: Awaited<ReturnType<typeof route>>;
		try {
			answer = await route(req, entry, raw, rawBody);
		} catch (err) {
			if (!(err instanceof DrfError)) throw err;
			answer = [err.status, err.body];
		}
		if (answer === 'hold') {
			// close() ends the connection; tests wait on the hold as an event.
			for (const notify of holdWaiters.splice(0)) notify(entry);
			return;
		}
		const [status, body, headers] = answer;
		send(res, entry, status, body, headers);
	});
	const holdWaiters: Array<(entry: RecordedRequest) => void> = [];
	for (const unit of options.units ?? []) units.set(unit.name.toLowerCase(), { id: nextId(), name: unit.name, plural_name: unit.plural_name ?? null, base_unit: unit.base_unit ?? null });
	for (const type of options.propertyTypes ?? []) propertyTypes.push({ id: nextId(), name: type.name, unit: type.unit ?? null, open_data_slug: type.open_data_slug ?? null });
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

	return {
		origin,
		/** Stored recipes by id, as GET /api/recipe/{id}/ answers them; deleting one is deleting it in Tandoor. */
		recipes,
		/** The picture file each recipe shows, by recipe id. */
		pictures,
		requests,
		/** Scripts the next request's failure (or, for 'timeout-after-create', the next create's). */
		failNext(kind: FailKind) {
			failing = kind;
		},
		units,
		propertyTypes,
		/** Step, ingredient and property rows no recipe links any more. */
		orphans,
		/** Resolves with the next request the server holds back ('timeout-after-create', 'hold-image', 'hold-update'). */
		nextHold: () => new Promise<RecordedRequest>((resolve) => holdWaiters.push(resolve)),
		close: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			})
	};
}

export type TandoorServer = Awaited<ReturnType<typeof startTandoorServer>>;

/** A multipart body parsed the way a browser's FormData would be. */
const formData = (body: Buffer, type: string) => new Response(new Uint8Array(body), { headers: { 'content-type': type } }).formData();

/** Django's own page for an unhandled exception (no 500.html in Tandoor). */
const SERVER_ERROR_PAGE = '<!doctype html>\n<html lang="en">\n<head>\n  <title>Server Error (500)</title>\n</head>\n<body>\n  <h1>Server Error (500)</h1><p></p>\n</body>\n</html>\n';

/** The picture format Pillow finds in the bytes, or null. */
function pictureType(bytes: Buffer): string | null {
	if (bytes[0] === 0xff && bytes[1] === 0xd8) return 'jpeg';
	if (bytes.subarray(1, 4).toString('latin1') === 'PNG') return 'png';
	if (bytes.subarray(0, 3).toString('latin1') === 'GIF') return 'gif';
	if (bytes.subarray(8, 12).toString('latin1') === 'WEBP') return 'webp';
	return null;
}

/**
 * What requests_hardened's IP filter lets Tandoor fetch: nothing on loopback or a LAN (every test
 * site is on 127.0.0.1), and any answer's body whatever its status. Null when the fetch failed.
 */
async function fetchThroughFilter(url: string): Promise<Buffer | null> {
	try {
		const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
		if (host === 'localhost' || /^(127\.|10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.|169\.254\.|::1$|f[cd])/i.test(host)) return null;
		const res = await fetch(url, { signal: AbortSignal.timeout(5_000), redirect: 'follow' });
		return Buffer.from(await res.arrayBuffer());
	} catch {
		return null;
	}
}
