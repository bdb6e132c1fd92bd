import type { Ingredient, IngredientGroup, Recipe } from '../../contract/recipe';
import { apiRequest, FormData, serverTrouble, type ApiRequestOptions, type ApiResponse } from '../net/api-request';
import { safeHost } from '../net/errors';
import { JobError, PermanentError } from '../queue/errors';
import type { ConnectionReport, RemoteRecipe, TargetClient, TargetConnection, TargetRequestLimits } from './target';

/*
 * Tandoor Recipes 2.x (the 2.2–2.3 sources of 2025), as read in TandoorRecipes/recipes:
 * - cookbook/serializer.py: RecipeSerializer, StepSerializer, IngredientSerializer (food and unit
 *   are required keys that may be null, amount is required), FoodSerializer, UnitSerializer and
 *   KeywordSerializer (matched by name or created), RecipeImageSerializer (image_url ≤ 4096),
 *   RecipeOverviewSerializer (the list has no source_url), UserSerializer (display_name).
 * - cookbook/migrations/0001_squashed_0227_space_ai_default_provider_and_more.py: the column
 *   lengths the serializers enforce (see MAX).
 * - cookbook/views/api.py: RecipeViewSet (list `query`, RecipePagination `page_size`, the `image`
 *   action: PUT multipart only, fetches image_url itself and answers 200 with `image: null` when it
 *   could not use it), UserPreferenceViewSet (the token's own user), ServerSettingsViewSet.current
 *   (public, carries `version`).
 * - cookbook/urls.py and cookbook/views/views.py: the 2.x front end shows a recipe at /recipe/<id>
 *   (where the 1.x /view/recipe/<id> now redirects).
 * - cookbook/helper/recipe_url_import.py: Tandoor's own importer, whose shape this copies: every
 *   ingredient on the first step, one empty step when there are no instructions, internal: true,
 *   servings_text as the yield without its number.
 * An update is a PUT of the whole recipe: drf-writable-nested creates the steps and keywords sent
 * without ids and unlinks the ones not sent, so the steps are replaced, not merged.
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
	originalText: 512,
	imageUrl: 4096
} as const;

/** Tandoor's IntegerField is a 32-bit column. */
const MAX_INT = 2_147_483_647;

/** Name matches checked in detail when looking for an earlier upload. */
const CANDIDATES = 10;

const SERVICE = 'Tandoor';

type CallOptions = Pick<ApiRequestOptions, 'method' | 'json' | 'form' | 'signal'>;

interface TandoorIngredient {
	food: { name: string } | null;
	unit: { name: string } | null;
	amount: number;
	note: string;
	original_text: string | null;
	order: number;
	is_header: boolean;
	no_amount: boolean;
}

interface TandoorStep {
	name: string;
	instruction: string;
	order: number;
	ingredients: TandoorIngredient[];
}

/** The body of POST /api/recipe/ and PUT /api/recipe/{id}/. */
export interface TandoorRecipeWrite {
	name: string;
	description: string;
	servings: number;
	servings_text: string;
	working_time: number;
	waiting_time: number;
	source_url: string;
	/** Tandoor's own recipes are internal; false means a file synced from external storage. */
	internal: boolean;
	keywords: { name: string }[];
	steps: TandoorStep[];
}

/** Trimmed and cut to `max` characters, never splitting a character Python would count as one. */
function cut(text: string, max: number): string {
	const chars = Array.from(text.trim());
	return chars.length <= max ? chars.join('') : chars.slice(0, max).join('').trim();
}

const fits = (text: string, max: number) => Array.from(text).length <= max;

/** The first number in a yield ("4-6 servings" → 4), with where it stands (a range counts as one). */
function yieldNumber(yields: string | null): { value: number; index: number; length: number } | null {
	const match = yields ? /\d+(?:[.,]\d+)?(?:\s*[-–]\s*\d+(?:[.,]\d+)?)?/.exec(yields) : null;
	if (!match) return null;
	return { value: Math.round(Number.parseFloat(match[0].replace(',', '.'))), index: match.index, length: match[0].length };
}

/** Tandoor wants a whole number of servings; its importer reads the yield's number when nothing else says. */
function servings(recipe: Recipe): number {
	const stated = recipe.servings ?? yieldNumber(recipe.yields)?.value ?? 1;
	return Math.min(Math.max(1, Math.round(stated)), MAX_INT);
}

/** Words that introduce a yield's number and read wrong after it ("12 Makes muffins"). */
const YIELD_VERB = /^(?:(?:makes|serves|yields?|for|about|approx(?:imately|\.)?)\b[\s:]*)+/i;

/**
 * What Tandoor prints after the servings number: the yield without that number ("4 servings" →
 * "servings", "Makes 12 muffins" → "muffins"), as its importer does. Empty when the yield counts
 * something else, since "8 pancakes" beside 4 servings would read as 4 pancakes, and when it is
 * too long to fit.
 */
function servingsText(recipe: Recipe, count: number): string {
	const number = yieldNumber(recipe.yields);
	if (!recipe.yields || !number || number.value !== count) return '';
	const rest = recipe.yields.slice(0, number.index) + recipe.yields.slice(number.index + number.length);
	const words = rest.replace(/\s+/g, ' ').trim().replace(YIELD_VERB, '');
	return fits(words, MAX.servingsText) ? words : '';
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

/** Without a food name the line's whole text goes into the note, so nothing is lost. */
function ingredientRow(ingredient: Ingredient, order: number): TandoorIngredient {
	const food = ingredient.name ? cut(ingredient.name, MAX.food) : '';
	const unit = ingredient.unit ? cut(ingredient.unit, MAX.unit) : '';
	return {
		food: food ? { name: food } : null,
		unit: unit ? { name: unit } : null,
		amount: ingredient.quantity ?? 0,
		note: cut(food ? (ingredient.comment ?? '') : ingredient.text, MAX.note),
		original_text: cut(ingredient.text, MAX.originalText),
		order,
		is_header: false,
		no_amount: ingredient.quantity === null
	};
}

function ingredientRows(groups: IngredientGroup[]): TandoorIngredient[] {
	const rows: TandoorIngredient[] = [];
	for (const group of groups) {
		const heading = group.name ? cut(group.name, MAX.note) : '';
		if (heading) rows.push(headerRow(heading, rows.length));
		for (const ingredient of group.ingredients) rows.push(ingredientRow(ingredient, rows.length));
	}
	return rows;
}

/** One step per instruction, the group's name on its first; all ingredients on the first step, as Tandoor's importer does. */
function steps(recipe: Recipe): TandoorStep[] {
	const texts = recipe.stepGroups.flatMap((group) =>
		group.steps.map((instruction, i) => ({ name: i === 0 && group.name ? cut(group.name, MAX.stepName) : '', instruction }))
	);
	if (texts.length === 0) texts.push({ name: '', instruction: '' });
	const ingredients = ingredientRows(recipe.ingredientGroups);
	return texts.map((step, order) => ({ ...step, order, ingredients: order === 0 ? ingredients : [] }));
}

/** The recipe as Tandoor's RecipeSerializer takes it, every string within its column. */
export function tandoorRecipe(recipe: Recipe): TandoorRecipeWrite {
	const count = servings(recipe);
	return {
		name: cut(recipe.title, MAX.name),
		description: cut(recipe.description ?? '', MAX.description),
		servings: count,
		servings_text: servingsText(recipe, count),
		working_time: recipe.prepMinutes ?? 0,
		waiting_time: waitingTime(recipe),
		source_url: cut(recipe.sourceUrl, MAX.sourceUrl),
		internal: true,
		keywords: keywords(recipe.tags),
		steps: steps(recipe)
	};
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

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

/** The client for one configured Tandoor server. */
export function tandoorClient(connection: TargetConnection, limits: TargetRequestLimits): TargetClient {
	const base = connection.baseUrl.replace(/\/+$/, '');
	const host = safeHost(base);
	const recipeUrl = (id: string) => `${base}/recipe/${id}`;
	const remote = (id: number | string): RemoteRecipe => ({ remoteId: String(id), url: recipeUrl(String(id)) });

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
			return new PermanentError('target_auth', `Tandoor refused the token (${res.status}): check your Tandoor token in Settings`);
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

	async function recipeDetail(id: number, signal?: AbortSignal): Promise<Record<string, unknown> | null> {
		const path = `/api/recipe/${id}/`;
		const res = await call(path, { signal });
		if (gone(res)) return null;
		if (res.status >= 200 && res.status < 300 && isObject(res.body)) return res.body;
		throw failure(res, path);
	}

	return {
		kind: 'tandoor',

		async testConnection(signal) {
			// The token's own preferences need a valid token and name its user.
			const preferences = await answer('/api/user-preference/', { signal });
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
			const res = await call(path, { method: 'POST', json: tandoorRecipe(recipe), signal });
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
			const path = `/api/recipe/${encodeURIComponent(target.remoteId)}/`;
			const res = await call(path, { method: 'PUT', json: tandoorRecipe(recipe), signal });
			if (gone(res)) return null;
			if (res.status >= 200 && res.status < 300 && res.body !== null) return remote(target.remoteId);
			throw failure(res, path);
		},

		async setImage(target, imageUrl, signal) {
			if (!fits(imageUrl, MAX.imageUrl)) return false;
			const form = new FormData();
			form.append('image_url', imageUrl);
			const path = `/api/recipe/${encodeURIComponent(target.remoteId)}/image/`;
			const res = await call(path, { method: 'PUT', form, signal });
			const trouble = serverTrouble(res, SERVICE);
			if (trouble) throw trouble;
			if (res.status === 401 || res.status === 403) throw failure(res, path);
			// Tandoor fetches the picture itself and answers 200 with no image when it could not use it.
			if (res.status >= 200 && res.status < 300) return isObject(res.body) && typeof res.body.image === 'string' && res.body.image !== '';
			return false;
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
