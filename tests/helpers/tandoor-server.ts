import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';

/**
 * A stand-in for a Tandoor Recipes 2.x server on 127.0.0.1, for the endpoints Cookmark uses. It
 * checks every request the way Django REST framework would with Tandoor's serializers
 * (TandoorRecipes/recipes cookbook/serializer.py, lengths from cookbook/migrations): a body the
 * real server would refuse gets a 400 in DRF's shape ({"field": ["message"]}, nested lists with {}
 * for the valid items), unknown fields are ignored. Like Tandoor it answers a missing or wrong
 * token with 403 (SessionAuthentication comes first, so DRF sends no 401), sends anything outside
 * its API routes to the login page (the 2.x front end's catch-all), matches foods, units and
 * keywords by name or creates them, and fetches an image_url itself, answering 200 with
 * `image: null` when it could not use it. It skips Tandoor's rule against fetching private
 * addresses, since the test images live on 127.0.0.1.
 */

export type FailKind =
	/** The next request gets this status (401 in DRF's shape, 5xx as Django or a proxy sends it). */
	| { status: 401 | 500 | 503; retryAfter?: string }
	/** The next create is stored, then never answered: the lost answer a retry must not duplicate. */
	| 'timeout-after-create'
	/** The next image upload is never answered (the recipe exists and its id was answered). */
	| 'hold-image';

export interface TandoorServerOptions {
	/** The only Bearer token the server accepts. */
	token: string;
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

const KeywordWrite = nested({ name: charField(64, false), description: charField(null, true).optional() });

const FoodWrite = nested({ name: charField(128, false), plural_name: charField(128, true).nullable().optional() });

const UnitWrite = nested({
	name: charField(128, false),
	plural_name: charField(128, true).nullable().optional(),
	description: charField(null, true).nullable().optional()
});

const IngredientWrite = nested({
	food: FoodWrite.nullable(),
	unit: UnitWrite.nullable(),
	amount: decimalField(),
	note: charField(256, true).nullable().optional(),
	order: integerField().optional(),
	is_header: booleanField().optional(),
	no_amount: booleanField().optional(),
	original_text: charField(512, true).nullable().optional(),
	always_use_plural_unit: booleanField().optional(),
	always_use_plural_food: booleanField().optional()
});

const StepWrite = nested({
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
	private: booleanField().optional()
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

const isRecord = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

// ---- The server ---------------------------------------------------------------------------------

export async function startTandoorServer(options: TandoorServerOptions) {
	const version = options.version ?? '2.3.1';
	const user = options.user ?? { username: 'ada', first_name: 'Ada', last_name: 'Lovelace' };
	const recipes = new Map<number, Json>();
	const requests: RecordedRequest[] = [];
	const foods = new Map<string, Named>();
	const units = new Map<string, Named>();
	const keywords = new Map<string, Json>();
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
	function named(registry: Map<string, Named>, name: string, plural: string | null | undefined): Named {
		const key = name.toLowerCase();
		const found = registry.get(key) ?? [...registry.values()].find((n) => n.plural_name?.toLowerCase() === key);
		if (found) return found;
		const created = { id: nextId(), name, plural_name: plural ?? null };
		registry.set(key, created);
		return created;
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
		const food = data.food ? named(foods, data.food.name, data.food.plural_name) : null;
		const unit = data.unit ? named(units, data.unit.name, data.unit.plural_name) : null;
		return {
			id: nextId(),
			food: food && { ...food, description: '', full_name: food.name },
			unit: unit && { ...unit, description: null, base_unit: null, open_data_slug: null },
			// CustomDecimalField answers two decimals.
			amount: Math.round(data.amount * 100) / 100,
			conversions: [],
			note: data.note ?? null,
			order: data.order ?? order,
			is_header: data.is_header ?? false,
			no_amount: data.no_amount ?? false,
			original_text: data.original_text ?? null,
			used_in_recipes: [],
			always_use_plural_unit: data.always_use_plural_unit ?? false,
			always_use_plural_food: data.always_use_plural_food ?? false
		};
	}

	function step(data: z.infer<typeof StepWrite>, order: number): Json {
		return {
			id: nextId(),
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
	}

	/** What a validated write changes; DRF leaves the fields a request does not name as they were. */
	function written(data: Partial<RecipeWrite>): Json {
		const fields: Json = {};
		for (const [key, value] of Object.entries(data)) {
			if (value === undefined) continue;
			if (key === 'steps') fields.steps = (value as RecipeWrite['steps']).map(step);
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

	/** Tandoor's image action: fetch image_url itself (or take an uploaded file); no usable picture clears the image. */
	async function setImage(recipe: Json, form: FormData): Promise<[number, unknown]> {
		const fields = { image_url: form.get('image_url') ?? undefined };
		const parsed = ImageWrite.safeParse(fields);
		if (!parsed.success) return [400, drfErrors(parsed.error.issues, fields)];
		const file = form.get('image');
		let type: string | null = file instanceof Blob && file.type.startsWith('image/') ? file.type : null;
		if (!type && parsed.data.image_url) type = await fetchedImageType(parsed.data.image_url);
		const path = type ? `/media/recipes/${randomUUID()}_${recipe.id}.${type.split('/')[1]?.replace('jpeg', 'jpg') ?? 'jpg'}` : null;
		recipe.image = path && `${origin}${path}`;
		// Built without the request, the serializer answers the media path without the host.
		return [200, { image: path, image_url: parsed.data.image_url ?? null }];
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
		if (kind.status === 500) return send(res, entry, 500, '<!doctype html>\n<html lang="en">\n<head>\n  <title>Server Error (500)</title>\n</head>\n<body>\n  <h1>Server Error (500)</h1><p></p>\n</body>\n</html>\n', headers);
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
		const known = path === '/api/user-preference/' || path === '/api/recipe/' || detail || image;
		if (!known) {
			// Django appends a missing slash when that names a route; everything else is the front end's, which wants a login.
			if (!path.endsWith('/') && /^\/api\/(recipe(\/[^/.]+(\/image)?)?|user-preference|server-settings\/current)$/.test(path)) return [301, undefined, { location: `${path}/` }];
			return [302, undefined, { location: `/accounts/login/?next=${encodeURIComponent(path)}` }];
		}
		if (!authorized(req)) return [403, { detail: 'Authentication credentials were not provided.' }];

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
		const answer = await route(req, entry, raw, rawBody);
		if (answer === 'hold') {
			// close() ends the connection; tests wait on the hold as an event.
			for (const notify of holdWaiters.splice(0)) notify(entry);
			return;
		}
		const [status, body, headers] = answer;
		send(res, entry, status, body, headers);
	});
	const holdWaiters: Array<(entry: RecordedRequest) => void> = [];
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

	return {
		origin,
		/** Stored recipes by id, as GET /api/recipe/{id}/ answers them; deleting one is deleting it in Tandoor. */
		recipes,
		requests,
		/** Scripts the next request's failure (or, for 'timeout-after-create', the next create's). */
		failNext(kind: FailKind) {
			failing = kind;
		},
		/** Resolves with the next request the server holds back ('timeout-after-create', 'hold-image'). */
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

/** What a real image fetch gives Tandoor: the picture's media type, or null when it got none. */
async function fetchedImageType(url: string): Promise<string | null> {
	try {
		const res = await fetch(url, { signal: AbortSignal.timeout(5_000), redirect: 'follow' });
		const type = (res.headers.get('content-type') ?? '').split(';')[0]?.trim() ?? '';
		await res.arrayBuffer();
		return res.ok && type.startsWith('image/') ? type : null;
	} catch {
		return null;
	}
}
