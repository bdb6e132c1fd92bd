import type { Ingredient, IngredientGroup, Nutrition, Recipe } from '../../contract/recipe';
import { apiRequest, FormData, serverTrouble, type ApiRequestOptions, type ApiResponse } from '../net/api-request';
import { safeHost } from '../net/errors';
import { pictureFile } from '../pictures/download';
import { JobError, PermanentError } from '../failures/errors';
import { findUnit, nutrientAmount, rangeNote } from './amounts';
import { expectKind } from './identify';
import { RemoteList } from './remote-list';
import type { ConnectionReport, RemoteRecipe, TargetClient, TargetConnection, TargetRequestLimits } from './target';
import { splitYield } from './yields';

/*
 * Tandoor Recipes 2.x, followed at 2.6.12 (TandoorRecipes/recipes; 2.2–2.5 differ only where
 * said). Where each behaviour comes from:
 * - cookbook/serializer.py: RecipeSerializer, StepSerializer, IngredientSerializer (food and unit
 *   are required keys that may be null, amount is required), FoodSerializer and UnitSerializer
 *   (a nested {name} is matched case-insensitively by name or plural name, else created),
 *   KeywordSerializer (matched by name or created), PropertySerializer and PropertyTypeSerializer
 *   (a type is matched by name, case-insensitively, or created; an id would rewrite the type),
 *   RecipeImageSerializer, RecipeOverviewSerializer (the list has no source_url), UserSerializer.
 * - cookbook/models.py and the migrations: the column lengths (see MAX); Recipe.steps,
 *   Step.ingredients and Recipe.properties are many-to-many. drf-writable-nested (0.7, mixins.py)
 *   updates a nested row sent with its id in place, creates one sent without, and only unlinks the
 *   rows left out: nothing deletes them, and once unlinked no endpoint can reach them. So an
 *   update sends the ids of the rows it reuses (as Tandoor's own editor does) and deletes the rest
 *   first (/api/ingredient/{id}/, then /api/step/{id}/; properties after, /api/property/{id}/).
 * - cookbook/views/api.py RecipeViewSet.image: PUT multipart only. Given `image_url`, Tandoor
 *   fetches it itself through an SSRF filter (helper/HelperFunctions.py safe_request: no loopback,
 *   no LAN) and, when that fetch fails, sets the picture to none, wiping one the person chose;
 *   given a file `image` (named .jpg/.jpeg/.png/.gif/.webp, anything else is a 500) it stores it,
 *   resized when over 500 KB. Only files are sent here, and only to a copy without a picture.
 * - cookbook/helper/permission_helper.py: tokens carry scopes; a "read" token (or a guest user)
 *   may read everything but gets 403 for any write. A bad token is 403 too (SessionAuthentication
 *   comes first, so DRF sends no 401). The connection test therefore POSTs an empty recipe: 400
 *   (name and steps required) proves the right to save, 403 says what is missing.
 * - cookbook/helper/recipe_url_import.py: Tandoor's own importer, whose shape this copies: every
 *   ingredient on the first step, one empty step when there are no instructions, internal: true,
 *   servings_text as the yield without its number, a line it cannot parse as a food named by the
 *   whole line (a row without a food shows empty in 2.x, its note only as an icon), and nutrition
 *   as recipe properties per serving (Open Data's types: Calories kcal, Fats, Carbohydrates,
 *   Proteins g; the Mealie importer's names for the rest).
 * - cookbook/urls.py and cookbook/views/views.py: the 2.x front end shows a recipe at /recipe/<id>;
 *   any other path, Mealie's API included, is a redirect to the login page.
 */

/** Tandoor's column lengths, in characters (as Python counts them: code points). */
const MAX = {
	name: 128,
	description: 512,
	servingsText: 32,
	sourceUrl: 1024,
	keyword: 64,
	stepName: 128,
	food: 128,
	unit: 128,
	note: 256,
	originalText: 512
} as const;

/** Tandoor's IntegerField is a 32-bit column. */
const MAX_INT = 2_147_483_647;

/** Name matches checked in detail when looking for an earlier upload. */
const CANDIDATES = 10;

const SERVICE = 'Tandoor';

/** How long the units and property types read from the server are trusted. */
const LIST_TTL_MS = 3 * 60_000;
/** DefaultPagination's largest page, and how many pages of a list are read at most. */
const PAGE_SIZE = 200;
const MAX_PAGES = 25;

/** The picture formats Tandoor's image action takes (helper/image_processing.py). */
const PICTURE_EXTENSIONS = new Set(['jpg', 'jpeg', 'png', 'gif', 'webp']);

type CallOptions = Pick<ApiRequestOptions, 'method' | 'json' | 'form' | 'signal'>;

interface TandoorIngredient {
	id?: number;
	food: { name: string } | null;
	unit: { name: string; base_unit?: string } | null;
	amount: number;
	note: string;
	original_text: string | null;
	order: number;
	is_header: boolean;
	no_amount: boolean;
}

interface TandoorStep {
	id?: number;
	name: string;
	instruction: string;
	order: number;
	ingredients: TandoorIngredient[];
}

interface TandoorProperty {
	id?: number;
	property_amount: number;
	property_type: { name: string; unit?: string };
}

/** The body of POST /api/recipe/ and PUT /api/recipe/{id}/. */
export interface TandoorRecipeWrite {
	name: string;
	description: string;
	servings: number;
	servings_text: string;
	working_time: number;
	waiting_time: number;
	/** Null for a recipe shared as text, which has no page. */
	source_url: string | null;
	/** Tandoor's own recipes are internal; false means a file synced from external storage. */
	internal: boolean;
	keywords: { name: string }[];
	steps: TandoorStep[];
	/** Left out when the recipe states no nutrition: the person's own entries there are kept. */
	properties?: TandoorProperty[];
}

/** What the person's Tandoor already has that a recipe should use: their own spellings of units and nutrients. */
export interface TandoorVocabulary {
	/** The unit to send for one of our canonical units (their "g" for our "gram"). */
	unit(canonical: string): { name: string; base_unit?: string };
	/** The property type to send for a nutrient, by its schema.org key. */
	propertyType(nutrient: keyof Nutrition): { name: string; unit?: string };
}

/** Trimmed and cut to `max` characters, never splitting a character Python would count as one. */
function cut(text: string, max: number): string {
	const chars = Array.from(text.trim());
	return chars.length <= max ? chars.join('') : chars.slice(0, max).join('').trim();
}

const fits = (text: string, max: number) => Array.from(text).length <= max;

/** Tandoor wants a whole number of servings; its importer reads the yield's number when nothing else says. */
function servings(recipe: Recipe): number {
	const stated = recipe.servings ?? splitYield(recipe.yields)?.count ?? 1;
	return Math.min(Math.max(1, Math.round(stated)), MAX_INT);
}

/**
 * What Tandoor prints after the servings number: the yield without that number ("4 servings" →
 * "servings", "Makes 12 muffins" → "muffins"), as its importer does. Empty when the yield counts
 * something else, since "8 pancakes" beside 4 servings would read as 4 pancakes, and when it is
 * too long to fit.
 */
function servingsText(recipe: Recipe, count: number): string {
	const parts = splitYield(recipe.yields);
	return parts && parts.count === count && fits(parts.words, MAX.servingsText) ? parts.words : '';
}

/** Tandoor has working and waiting time; the total is their sum, so the rest of a known total waits. */
function waitingTime(recipe: Recipe): number {
	if (recipe.cookMinutes !== null) return recipe.cookMinutes;
	if (recipe.totalMinutes !== null) return Math.max(0, recipe.totalMinutes - (recipe.prepMinutes ?? 0));
	return 0;
}

/** Keywords are unique per space regardless of case, so "Breakfast" and "breakfast" are one. */
function keywords(tags: string[]): { name: string }[] {
	const seen = new Set<string>();
	const names: { name: string }[] = [];
	for (const tag of tags) {
		const name = cut(tag, MAX.keyword);
		const key = name.toLocaleLowerCase();
		if (!name || seen.has(key)) continue;
		seen.add(key);
		names.push({ name });
	}
	return names;
}

/** A section heading row, which Tandoor shows in bold by its note. */
function headerRow(name: string, order: number): TandoorIngredient {
	return { food: null, unit: null, amount: 0, note: cut(name, MAX.note), original_text: null, order, is_header: true, no_amount: true };
}

/**
 * A line with a food: amount, the person's unit, food, and what Tandoor has no field for (a
 * range's upper end, the comment) in the note. A line without one is a food named by the whole
 * line, as Tandoor's importer writes what it cannot parse: that is the row Tandoor shows.
 */
function ingredientRow(ingredient: Ingredient, order: number, vocabulary: TandoorVocabulary): TandoorIngredient {
	const food = ingredient.name ? cut(ingredient.name, MAX.food) : '';
	const original_text = cut(ingredient.text, MAX.originalText);
	if (!food) return { food: { name: cut(ingredient.text, MAX.food) }, unit: null, amount: 0, note: '', original_text, order, is_header: false, no_amount: true };
	const unit = ingredient.unit ? vocabulary.unit(ingredient.unit) : null;
	return {
		food: { name: food },
		unit: unit && { ...unit, name: cut(unit.name, MAX.unit) },
		amount: ingredient.quantity ?? 0,
		note: cut(rangeNote(ingredient), MAX.note),
		original_text,
		order,
		is_header: false,
		no_amount: ingredient.quantity === null
	};
}

function ingredientRows(groups: IngredientGroup[], vocabulary: TandoorVocabulary): TandoorIngredient[] {
	const rows: TandoorIngredient[] = [];
	for (const group of groups) {
		const heading = group.name ? cut(group.name, MAX.note) : '';
		if (heading) rows.push(headerRow(heading, rows.length));
		for (const ingredient of group.ingredients) if (ingredient.text.trim()) rows.push(ingredientRow(ingredient, rows.length, vocabulary));
	}
	return rows;
}

/** One step per instruction, the group's name on its first; all ingredients on the first step, as Tandoor's importer does. */
function steps(recipe: Recipe, vocabulary: TandoorVocabulary): TandoorStep[] {
	const texts = recipe.stepGroups.flatMap((group) =>
		group.steps.map((instruction, i) => ({ name: i === 0 && group.name ? cut(group.name, MAX.stepName) : '', instruction }))
	);
	if (texts.length === 0) texts.push({ name: '', instruction: '' });
	const ingredients = ingredientRows(recipe.ingredientGroups, vocabulary);
	return texts.map((step, order) => ({ ...step, order, ingredients: order === 0 ? ingredients : [] }));
}

/** Nutrition per serving (schema.org's and Tandoor's convention), as recipe properties. */
function nutritionField(nutrition: Nutrition | null, vocabulary: TandoorVocabulary): Pick<TandoorRecipeWrite, 'properties'> {
	const properties = NUTRIENTS.flatMap((nutrient) => {
		const amount = nutrientAmount(nutrition?.[nutrient] ?? null, nutrient === 'sodium');
		return amount === null ? [] : [{ property_amount: amount, property_type: vocabulary.propertyType(nutrient) }];
	});
	return properties.length ? { properties } : {};
}

/**
 * Property types Cookmark creates when the person has none for a nutrient: Open Data's names for
 * the four it defines (their `open_data_slug` finds a person's own, whatever its name), Tandoor's
 * Mealie importer's names (cookbook/integration/mealie1.py) for the rest.
 */
const PROPERTY_TYPES: Record<keyof Nutrition, { name: string; unit: string; slug?: string }> = {
	calories: { name: 'Calories', unit: 'kcal', slug: 'property-calories' },
	fat: { name: 'Fats', unit: 'g', slug: 'property-fats' },
	saturatedFat: { name: 'Saturated Fat', unit: 'g' },
	carbohydrates: { name: 'Carbohydrates', unit: 'g', slug: 'property-carbohydrates' },
	sugar: { name: 'Sugar', unit: 'g' },
	fiber: { name: 'Fiber', unit: 'g' },
	protein: { name: 'Proteins', unit: 'g', slug: 'property-proteins' },
	sodium: { name: 'Sodium', unit: 'mg' }
};
const NUTRIENTS = Object.keys(PROPERTY_TYPES) as (keyof Nutrition)[];

/**
 * Tandoor's `base_unit` for our canonical units (helper/unit_conversion_helper.py), set on a unit
 * Cookmark creates so Tandoor can convert it.
 */
const BASE_UNITS: Record<string, string> = {
	gram: 'g',
	kilogram: 'kg',
	ounce: 'ounce',
	pound: 'pound',
	milliliter: 'ml',
	liter: 'l',
	'fluid ounce': 'fluid_ounce',
	pint: 'pint',
	quart: 'quart',
	gallon: 'gallon',
	tablespoon: 'tbsp',
	teaspoon: 'tsp',
	cup: 'us_cup'
};

/** A Tandoor with none of the person's own units or property types: ours, as Tandoor would create them. */
export const NEW_VOCABULARY: TandoorVocabulary = {
	unit: (canonical) => ({ name: canonical, ...(BASE_UNITS[canonical] ? { base_unit: BASE_UNITS[canonical] } : {}) }),
	propertyType: (nutrient) => ({ name: PROPERTY_TYPES[nutrient].name, unit: PROPERTY_TYPES[nutrient].unit })
};

/** The recipe as Tandoor's RecipeSerializer takes it, every string within its column. */
export function tandoorRecipe(recipe: Recipe, vocabulary: TandoorVocabulary = NEW_VOCABULARY): TandoorRecipeWrite {
	const count = servings(recipe);
	return {
		name: cut(recipe.title, MAX.name),
		description: cut(recipe.description ?? '', MAX.description),
		servings: count,
		servings_text: servingsText(recipe, count),
		working_time: recipe.prepMinutes ?? 0,
		waiting_time: waitingTime(recipe),
		source_url: recipe.sourceUrl ? cut(recipe.sourceUrl, MAX.sourceUrl) : null,
		internal: true,
		keywords: keywords(recipe.tags),
		steps: steps(recipe, vocabulary),
		...nutritionField(recipe.nutrition, vocabulary)
	};
}

/** The ids of a stored recipe's rows, in their order, as GET /api/recipe/{id}/ gives them. */
interface StoredRows {
	steps: number[];
	ingredients: number[];
	/** Property ids by their type's lower-cased name. */
	properties: Map<string, number>;
}

/**
 * The write with the stored rows' ids on the rows that take their place (steps by position, the
 * ingredients in order wherever they sat, properties by type), and the ids left over, which the
 * update deletes rather than leaving them unlinked in Tandoor's tables.
 */
export function reuseRows(write: TandoorRecipeWrite, stored: StoredRows): { write: TandoorRecipeWrite; spare: StoredRows } {
	const ingredientIds = [...stored.ingredients];
	const steps = write.steps.map((step, i) => ({
		...(stored.steps[i] !== undefined ? { id: stored.steps[i] } : {}),
		...step,
		ingredients: step.ingredients.map((row) => {
			const id = ingredientIds.shift();
			return id === undefined ? row : { id, ...row };
		})
	}));
	// Properties are replaced only when the recipe states some (see TandoorRecipeWrite).
	const spareProperties = new Map(write.properties ? stored.properties : []);
	const properties = write.properties?.map((property) => {
		const key = property.property_type.name.toLowerCase();
		const id = spareProperties.get(key);
		spareProperties.delete(key);
		return id === undefined ? property : { id, ...property };
	});
	return {
		write: { ...write, steps, ...(properties ? { properties } : {}) },
		spare: { steps: stored.steps.slice(write.steps.length), ingredients: ingredientIds, properties: spareProperties }
	};
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const idOf = (value: unknown): number | null => (isObject(value) && Number.isInteger(value.id) ? (value.id as number) : null);

/** The row ids of a recipe as GET /api/recipe/{id}/ answers it. */
function storedRows(detail: Record<string, unknown>): StoredRows {
	const steps = Array.isArray(detail.steps) ? detail.steps.filter(isObject) : [];
	const properties = new Map<string, number>();
	for (const property of Array.isArray(detail.properties) ? detail.properties.filter(isObject) : []) {
		const type = isObject(property.property_type) && typeof property.property_type.name === 'string' ? property.property_type.name.toLowerCase() : null;
		const id = idOf(property);
		if (type && id !== null && !properties.has(type)) properties.set(type, id);
	}
	return {
		steps: steps.map(idOf).filter((id): id is number => id !== null),
		ingredients: steps.flatMap((step) => (Array.isArray(step.ingredients) ? step.ingredients.map(idOf).filter((id): id is number => id !== null) : [])),
		properties
	};
}

/**
 * The first message in a Django REST framework error body, with where it points
 * ("steps[0].ingredients[2].food.name: This field may not be blank.").
 */
export function firstFieldError(body: unknown, at = ''): string | null {
	if (typeof body === 'string') return at ? `${at}: ${body}` : body;
	if (Array.isArray(body)) {
		for (const [i, item] of body.entries()) {
			const found = firstFieldError(item, typeof item === 'string' ? at : `${at}[${i}]`);
			if (found) return found;
		}
		return null;
	}
	if (!isObject(body)) return null;
	for (const [key, value] of Object.entries(body)) {
		const general = key === 'non_field_errors' || key === 'detail';
		const found = firstFieldError(value, general ? at : at ? `${at}.${key}` : key);
		if (found) return found;
	}
	return null;
}

const shorten = (text: string, max = 200) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

interface Unit {
	name: string;
	plural_name: string | null;
	base_unit: string | null;
}

interface PropertyType {
	name: string;
	open_data_slug: string | null;
}

/** The client for one configured Tandoor server. */
export function tandoorClient(connection: TargetConnection, limits: TargetRequestLimits): TargetClient {
	const base = connection.baseUrl.replace(/\/+$/, '');
	const host = safeHost(base);
	const recipeUrl = (id: string) => `${base}/recipe/${id}`;
	const remote = (id: number | string, hasPicture = false): RemoteRecipe => ({ remoteId: String(id), url: recipeUrl(String(id)), hasPicture });

	/** Only Tandoor's own address gets the token, and apiRequest never follows a redirect with it. */
	function call(path: string, request: CallOptions, { anonymous = false } = {}) {
		const headers: Record<string, string> = anonymous ? {} : { authorization: `Bearer ${connection.token}` };
		return apiRequest(`${base}${path}`, { ...limits, ...request, headers });
	}

	const notTandoor = (res: ApiResponse, path: string) =>
		new PermanentError(
			'target_not_found',
			res.status === 404
				? `this does not look like a Tandoor server: ${host} answered 404 for ${pathOnly(path)}`
				: `this does not look like a Tandoor server: ${host} answered ${res.status} with a page instead of JSON for ${pathOnly(path)}`
		);

	/** What a status means for any call; the caller has already taken what it expects (2xx, a deleted recipe's 404). */
	function failure(res: ApiResponse, path: string): JobError {
		const trouble = serverTrouble(res, SERVICE);
		if (trouble) return trouble;
		if (res.status === 401 || res.status === 403) {
			return new PermanentError('target_auth', `Tandoor refused the token (${res.status}): check your Tandoor token in Settings (it needs the “read write” scope)`);
		}
		if (res.status === 400) {
			return new PermanentError('target_rejected', `Tandoor rejected the recipe: ${shorten(firstFieldError(res.body) ?? 'no reason given')}`);
		}
		// A 2xx gets here only without the JSON Tandoor always answers.
		if (res.status === 404 || (res.status >= 200 && res.status < 300)) return notTandoor(res, path);
		return new PermanentError('target_error', `Tandoor answered ${res.status} for ${pathOnly(path)}`);
	}

	/** A 2xx JSON answer's body; anything else thrown as what it means. */
	async function answer(path: string, request: CallOptions): Promise<unknown> {
		const res = await call(path, request);
		if (res.status >= 200 && res.status < 300 && res.body !== null) return res.body;
		throw failure(res, path);
	}

	/** Tandoor's JSON 404 for a recipe id it no longer has (a plain 404 page means the address is wrong). */
	const gone = (res: ApiResponse) => res.status === 404 && isObject(res.body);

	async function recipeDetail(id: number | string, signal?: AbortSignal): Promise<Record<string, unknown> | null> {
		const path = `/api/recipe/${encodeURIComponent(String(id))}/`;
		const res = await call(path, { signal });
		if (gone(res)) return null;
		if (res.status >= 200 && res.status < 300 && isObject(res.body)) return res.body;
		throw failure(res, path);
	}

	/** Every row of a paginated list (DefaultPagination: {count, next, results}), up to MAX_PAGES pages. */
	async function listAll<T>(path: string, pick: (row: Record<string, unknown>) => T | null): Promise<T[]> {
		const items: T[] = [];
		for (let page = 1; page <= MAX_PAGES; page++) {
			const body = await answer(`${path}?page_size=${PAGE_SIZE}&page=${page}`, {});
			const rows = Array.isArray(body) ? body : isObject(body) && Array.isArray(body.results) ? body.results : [];
			for (const row of rows) {
				const item = isObject(row) ? pick(row) : null;
				if (item) items.push(item);
			}
			if (!isObject(body) || !body.next) break;
		}
		return items;
	}

	const text = (value: unknown) => (typeof value === 'string' ? value : null);
	const units = new RemoteList(
		() => listAll<Unit>('/api/unit/', (row) => (text(row.name) ? { name: text(row.name)!, plural_name: text(row.plural_name), base_unit: text(row.base_unit) } : null)),
		LIST_TTL_MS
	);
	const propertyTypes = new RemoteList(
		() => listAll<PropertyType>('/api/property-type/', (row) => (text(row.name) ? { name: text(row.name)!, open_data_slug: text(row.open_data_slug) } : null)),
		LIST_TTL_MS
	);

	/** The person's own units and property types, read once for a run of uploads; they are only read when the recipe needs them. */
	async function vocabulary(recipe: Recipe, signal?: AbortSignal): Promise<TandoorVocabulary> {
		const needsUnits = recipe.ingredientGroups.some((g) => g.ingredients.some((i) => i.unit && i.name));
		const needsTypes = !!recipe.nutrition && NUTRIENTS.some((n) => recipe.nutrition?.[n]);
		const theirUnits = needsUnits ? await units.get(signal) : [];
		const theirTypes = needsTypes ? await propertyTypes.get(signal) : [];
		return {
			unit(canonical) {
				const found = findUnit(theirUnits, canonical, (u) => [u.name, u.plural_name, u.base_unit]);
				return found ? { name: found.name } : NEW_VOCABULARY.unit(canonical);
			},
			propertyType(nutrient) {
				const ours = PROPERTY_TYPES[nutrient];
				const found =
					(ours.slug && theirTypes.find((t) => t.open_data_slug === ours.slug)) ||
					theirTypes.find((t) => t.name.toLowerCase() === ours.name.toLowerCase() || t.name.toLowerCase() === ours.name.toLowerCase().replace(/s$/, ''));
				return found ? { name: found.name } : NEW_VOCABULARY.propertyType(nutrient);
			}
		};
	}

	/** Deletes rows an update no longer uses; one already gone (404) is as good as deleted. */
	async function deleteRows(kind: 'ingredient' | 'step' | 'property', ids: Iterable<number>, signal?: AbortSignal) {
		for (const id of ids) {
			const path = `/api/${kind}/${id}/`;
			const res = await call(path, { method: 'DELETE', signal });
			if ((res.status < 200 || res.status >= 300) && res.status !== 404) throw failure(res, path);
		}
	}

	return {
		kind: 'tandoor',

		async testConnection(signal) {
			// The token's own preferences need a valid token and name its user.
			const preferences = await expectKind('tandoor', base, limits, signal, () => answer('/api/user-preference/', { signal }));
			// Reading works with any token; saving needs the write scope and a user (not guest) group.
			// An empty recipe is refused for its missing fields only once both are there, so nothing is made.
			const probe = await call('/api/recipe/', { method: 'POST', json: {}, signal });
			if (probe.status === 403) {
				throw new PermanentError(
					'target_read_only',
					'Tandoor lets this token read but not save recipes (403): create a token with the “read write” scope, for a user in the “user” or “admin” group'
				);
			}
			if (probe.status !== 400) throw failure(probe, '/api/recipe/');
			// Public (Tandoor shows it on its login page), so it goes without the token.
			const settings = await call('/api/server-settings/current/', { signal }, { anonymous: true });
			const version = isObject(settings.body) && typeof settings.body.version === 'string' ? settings.body.version.trim() : '';
			const report: ConnectionReport = { server: version ? `Tandoor ${version}` : 'Tandoor', user: userName(preferences) };
			return report;
		},

		/*
		 * Tandoor's list cannot filter by source_url, and its overview rows do not carry it. So a
		 * name search (which ranks exact names first) finds the candidates, and each same-named one's
		 * detail is compared by source URL: a recipe this app created for that page has both.
		 * This is what lets a retry after a lost create answer (a timeout, a crash before the id
		 * was stored) update the recipe Tandoor already made instead of making a second one.
		 */
		async findExisting(recipe, signal) {
			const written = tandoorRecipe(recipe);
			// Without a source URL a same-named recipe could be anyone's: none is adopted.
			if (written.source_url === null) return null;
			const body = await answer(`/api/recipe/?query=${encodeURIComponent(written.name)}&page_size=${CANDIDATES}`, { signal });
			const rows = Array.isArray(body) ? body : isObject(body) && Array.isArray(body.results) ? body.results : [];
			const candidates = rows.filter(
				(row): row is { id: number; name: string } =>
					isObject(row) && Number.isInteger(row.id) && typeof row.name === 'string' && sameName(row.name, written.name)
			);
			for (const candidate of candidates.slice(0, CANDIDATES)) {
				const detail = await recipeDetail(candidate.id, signal);
				if (detail && typeof detail.source_url === 'string' && detail.source_url.trim() === written.source_url) return remote(candidate.id);
			}
			return null;
		},

		async create(recipe, created, signal) {
			const path = '/api/recipe/';
			const res = await call(path, { method: 'POST', json: tandoorRecipe(recipe, await vocabulary(recipe, signal)), signal });
			if (res.status < 200 || res.status >= 300 || res.body === null) throw failure(res, path);
			const id = isObject(res.body) ? res.body.id : undefined;
			if (typeof id !== 'number' || !Number.isInteger(id)) {
				throw new PermanentError('target_not_found', `this does not look like a Tandoor server: ${host} answered ${res.status} without a recipe id for ${path}`);
			}
			const landed = remote(id);
			await created(landed);
			return landed;
		},

		async update(target, recipe, signal) {
			const detail = await recipeDetail(target.remoteId, signal);
			if (!detail) return { unusable: 'deleted' };
			const { write, spare } = reuseRows(tandoorRecipe(recipe, await vocabulary(recipe, signal)), storedRows(detail));
			// Unlinked rows are out of every endpoint's reach, so the spare ones go first.
			await deleteRows('ingredient', spare.ingredients, signal);
			await deleteRows('step', spare.steps, signal);
			const path = `/api/recipe/${encodeURIComponent(target.remoteId)}/`;
			const res = await call(path, { method: 'PUT', json: write, signal });
			if (gone(res)) return { unusable: 'deleted' };
			if (res.status < 200 || res.status >= 300 || res.body === null) throw failure(res, path);
			await deleteRows('property', spare.properties.values(), signal);
			return remote(target.remoteId, typeof detail.image === 'string' && detail.image !== '');
		},

		async setImage(target, picture, signal) {
			if (!PICTURE_EXTENSIONS.has(picture.extension)) return false;
			const form = new FormData();
			const file = pictureFile(picture, 'recipe');
			form.append('image', file.blob, file.filename);
			const path = `/api/recipe/${encodeURIComponent(target.remoteId)}/image/`;
			const res = await call(path, { method: 'PUT', form, signal });
			// Tandoor answers 500 for a picture its image processing cannot handle: the picture's trouble.
			if (res.status === 500) return false;
			const trouble = serverTrouble(res, SERVICE);
			if (trouble) throw trouble;
			if (res.status === 401 || res.status === 403) throw failure(res, path);
			return res.status >= 200 && res.status < 300 && isObject(res.body) && typeof res.body.image === 'string' && res.body.image !== '';
		}
	};
}

/** A path for a message: without the query, which may carry a recipe's title. */
const pathOnly = (path: string) => path.split('?')[0] ?? path;

const normalName = (name: string) => name.replace(/\s+/g, ' ').trim().toLocaleLowerCase();
const sameName = (a: string, b: string) => normalName(a) === normalName(b);

/** The user in GET /api/user-preference/: a list (or a page) of the token owner's preferences. */
function userName(body: unknown): string | null {
	const first = Array.isArray(body) ? body[0] : isObject(body) && Array.isArray(body.results) ? body.results[0] : body;
	const user = isObject(first) ? first.user : undefined;
	if (!isObject(user)) return null;
	for (const key of ['display_name', 'username']) {
		const value = user[key];
		if (typeof value === 'string' && value.trim()) return value.trim();
	}
	return null;
}
