import { z } from 'zod';
import { allIngredients, schemaOrgNutrients, type Ingredient, type Nutrition, type Recipe } from '../../contract/recipe';
import { apiRequest, serverTrouble, type ApiResponse } from '../net/api-request';
import { safeHost } from '../net/errors';
import { JobError, PermanentError, RetryableError } from '../queue/errors';
import { unitLabel } from '../../format';
import { canonicalUnit } from '../pipeline/recipe/parse/units';
import type { ConnectionReport, RemoteRecipe, TargetClient, TargetConnection, TargetRequestLimits } from './target';

/**
 * Saves recipes to a Mealie server (v1.x and v2.x) through its REST API. Written against Mealie
 * v2.x's source (mealie-recipes/mealie, the households era), checked against v1.x where they differ:
 *
 * - mealie/routes/recipe/recipe_crud_routes.py: `POST /api/recipes {name}` answers 201 with the
 *   new slug as a JSON string; `GET`/`PATCH /api/recipes/{slug}`; `POST /api/recipes/{slug}/image
 *   {url}` has Mealie fetch a picture itself (400 "Url is not an image").
 * - mealie/schema/recipe/recipe.py, recipe_ingredient.py, recipe_step.py, recipe_nutrition.py:
 *   the camelCase fields written here. PATCH applies only the fields sent (`exclude_unset`), so
 *   the recipe's settings, image, notes and assets survive; PUT would reset them.
 * - mealie/services/recipe/recipe_service.py and mealie/repos/repository_recipes.py: a create
 *   from a name alone gets one placeholder ingredient and one placeholder step, and a taken slug
 *   makes Mealie rename the recipe "Name (1)" (slug name-1), up to ten times.
 * - mealie/db/models/_model_utils/auto_init.py: a unit, food or tag given without an id fails the
 *   whole save ("Expected 'id' to be provided for unit"), hence the choices below.
 * - mealie/routes/organizers/controller_tags.py: tags are created by name (`POST
 *   /api/organizers/tags`), then linked to the recipe by id.
 * - mealie/schema/response/query_filter.py: `queryFilter=orgURL = "…"`, compared case-insensitively.
 * - mealie/services/scraper/cleaner.py: how Mealie's own importer writes times ("1 hour 30
 *   minutes"), nutrition (the number alone; sodium in mg) and cook time (as performTime).
 * - mealie/routes/app/app_about.py and mealie/schema/user/user.py: version, account, group slug;
 *   recipe pages live at /g/{groupSlug}/r/{slug} since v1.0.0 (PR #2632), /recipe/{slug} before.
 * - python-slugify (un33k/python-slugify, slugify/slugify.py): how Mealie turns a name into a slug.
 *
 * Ingredients are written the way Mealie's own ingredient parser leaves them once the user has
 * pressed "Parse" and saved (mealie/services/parser_services/ingredient_parser.py, NLPParser;
 * the v2 schema in mealie/schema/recipe/recipe_ingredient.py, RecipeIngredient):
 * `quantity` (0 when the line has none, as the parser writes it, which _format_display prints as
 * no amount), `unit` and `food` as the user's own IngredientUnit and
 * IngredientFood objects with their ids, `note` for the comment, `originalText` for the line.
 * That is what lets Mealie scale a recipe and add it to a shopping list. The units and foods:
 *
 * - mealie/routes/unit_and_foods/units.py and foods.py (v1.0 onwards, group-scoped since v1.0 and
 *   still per group, not per household, in v2): `GET /api/units` and `GET /api/foods` answer a
 *   page (`{page, perPage, total, totalPages, items, next, previous}`; `perPage=-1` is every
 *   item); `POST` with CreateIngredientUnit `{name, pluralName, abbreviation, fraction, …}` or
 *   CreateIngredientFood `{name, …}` answers 201 with the new object. The v1 betas answered a bare
 *   list, which is read too.
 * - Each list is read once per upload; a unit matches our canonical English name, its plural or
 *   its usual abbreviation (tsp, tbsp, g, ml…) against the unit's name, pluralName, abbreviation,
 *   pluralAbbreviation and aliases, ignoring case; a food matches the ingredient's name against
 *   the food's name, pluralName and aliases. What is missing is created, once per name per upload.
 * - auto_init (above) fails the whole save for a unit or food without an id, so only objects
 *   with ids are ever sent. When Mealie will not create one (no permission, a validation or
 *   unique-name refusal), that ingredient goes as before: its whole line in `note`, no unit or
 *   food, so nothing is lost and the recipe still saves.
 * - mealie/schema/recipe/recipe.py: every ingredient's display follows the recipe's
 *   `settings.disableAmount` (v1 and v2); with it on, Mealie shows only the note. It is turned off
 *   in the same PATCH. PATCH replaces `settings` whole (exclude_unset, then the repository's
 *   dict update builds RecipeSettings from what was sent), so the recipe's current settings are
 *   read first and sent back with that one change; a new recipe is read once after its create
 *   for this, since its settings come from the household's preferences.
 * - Mealie has no range: "2–3 lemons" sends 2 and keeps "up to 3" in the note.
 *
 * Requests per upload: the account (once per client), the tags (when the recipe has any), the
 * unit and food lists (when an ingredient has a food), one create per missing tag, unit or food,
 * then the recipe's own create, read and PATCH.
 *
 * Mealie's string columns have no length limits, so nothing is cut here beyond the recipe model's
 * own bounds.
 */

const SERVICE = 'Mealie';
/** Key in the recipe's `extras` marking it as written by this app, with the source URL as value. */
export const MEALIE_MARK = 'cookmark_source';
/** How many renames Mealie tries when a slug is taken ("Name (1)" … "Name (10)"). */
const MAX_RENAMES = 10;
const MAX_MESSAGE = 200;

type Json = Record<string, unknown>;

const Self = z.object({
	id: z.string().nullish(),
	username: z.string().nullish(),
	fullName: z.string().nullish(),
	email: z.string().nullish(),
	groupSlug: z.string().nullish()
});
type Self = z.infer<typeof Self>;

const About = z.object({ version: z.string() });

const RemoteRecipeJson = z.object({
	slug: z.string().min(1),
	name: z.string().nullish(),
	userId: z.string().nullish(),
	orgURL: z.string().nullish(),
	description: z.string().nullish(),
	recipeIngredient: z.array(z.object({ unit: z.unknown().nullish(), food: z.unknown().nullish() })).nullish(),
	recipeInstructions: z.array(z.unknown()).nullish(),
	settings: z.record(z.string(), z.unknown()).nullish(),
	extras: z.record(z.string(), z.unknown()).nullish()
});
type RemoteRecipeJson = z.infer<typeof RemoteRecipeJson>;

const Summary = z.object({ slug: z.string().min(1), orgURL: z.string().nullish() });
const Page = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item) });

const Tag = z.object({ id: z.string(), name: z.string(), slug: z.string() });
type Tag = z.infer<typeof Tag>;

const Alias = z.object({ name: z.string() });
/** mealie/schema/recipe/recipe_ingredient.py IngredientUnit, the fields read here (v1 lacks some). */
const Unit = z.object({
	id: z.string().min(1),
	name: z.string(),
	pluralName: z.string().nullish(),
	abbreviation: z.string().nullish(),
	pluralAbbreviation: z.string().nullish(),
	useAbbreviation: z.boolean().nullish(),
	fraction: z.boolean().nullish(),
	aliases: z.array(Alias).nullish()
});
type Unit = z.infer<typeof Unit>;
/** IngredientFood, likewise. */
const Food = z.object({ id: z.string().min(1), name: z.string(), pluralName: z.string().nullish(), aliases: z.array(Alias).nullish() });
type Food = z.infer<typeof Food>;
/** A list answer, page or (v1 betas) bare array; items are read one by one below. */
const AnyList = z.union([z.object({ items: z.array(z.unknown()) }), z.array(z.unknown())]);

/** Each ingredient's unit and food as this upload resolved them, by lower-cased name; null where Mealie refused a create. */
interface Links {
	units: Map<string, Unit | null>;
	foods: Map<string, Food | null>;
}

export function mealieClient(connection: TargetConnection, limits: TargetRequestLimits): TargetClient {
	const base = connection.baseUrl.replace(/\/+$/, '');
	const host = safeHost(base);
	let me: Promise<Self> | null = null;

	async function call(method: 'GET' | 'POST' | 'PATCH', path: string, options: { json?: unknown; query?: Record<string, string>; signal?: AbortSignal } = {}) {
		const query = options.query ? `?${new URLSearchParams(options.query)}` : '';
		return apiRequest(`${base}${path}${query}`, {
			...limits,
			method,
			json: options.json,
			signal: options.signal,
			headers: { authorization: `Bearer ${connection.token}` }
		});
	}

	/** The answer as `schema`, or the error a person can act on. */
	function read<T>(res: ApiResponse, path: string, schema: z.ZodType<T>): T {
		if (res.status < 200 || res.status >= 300) throw failure(res, host, path);
		if (res.body === null) throw notMealie(host, `answered ${describeNonJson(res)} for ${path}`);
		const parsed = schema.safeParse(res.body);
		if (!parsed.success) throw notMealie(host, `answered ${path} with JSON Mealie does not send`);
		return parsed.data;
	}

	async function getJson<T>(path: string, schema: z.ZodType<T>, signal?: AbortSignal, query?: Record<string, string>): Promise<T> {
		return read(await call('GET', path, { signal, query }), path, schema);
	}

	/** The token's account, once per client: the group slug makes the recipe links. */
	function self(signal?: AbortSignal): Promise<Self> {
		if (me) return me;
		const pending = getJson('/api/users/self', Self, signal);
		me = pending;
		// A failed lookup is not remembered: the next call asks again.
		pending.catch(() => {
			if (me === pending) me = null;
		});
		return pending;
	}

	function remoteOf(account: Self, slug: string): RemoteRecipe {
		const page = account.groupSlug ? `/g/${encodeURIComponent(account.groupSlug)}/r/` : '/recipe/';
		return { remoteId: slug, url: `${base}${page}${encodeURIComponent(slug)}` };
	}

	/** The recipe, or null when Mealie says it does not exist. */
	async function fetchRecipe(slug: string, signal?: AbortSignal): Promise<RemoteRecipeJson | null> {
		const path = recipePath(slug);
		const res = await call('GET', path, { signal });
		if (isMissing(res)) return null;
		return read(res, path, RemoteRecipeJson);
	}

	/** PATCHes the fields in `body`; null when the recipe no longer exists. */
	async function write(slug: string, body: Json, signal?: AbortSignal): Promise<RemoteRecipeJson | null> {
		const path = recipePath(slug);
		const res = await call('PATCH', path, { json: body, signal });
		if (isMissing(res)) return null;
		return read(res, path, RemoteRecipeJson);
	}

	/**
	 * The tags as Mealie wants them on a recipe: existing organizer tags with their ids, the
	 * missing ones created first. Tags are extras: one Mealie will not create (no permission, a
	 * slug clash our slugify did not foresee) is left off rather than failing the recipe.
	 */
	async function resolveTags(names: string[], signal?: AbortSignal): Promise<Tag[]> {
		if (names.length === 0) return [];
		const path = '/api/organizers/tags';
		const known = tagsOf(await getJson(path, z.union([Page(Tag), z.array(Tag)]), signal, { perPage: '-1' }));
		const tags: Tag[] = [];
		for (const name of names) {
			const tag = known.find((t) => sameTag(t, name)) ?? (await createTag(name, signal));
			if (tag && !tags.some((t) => t.id === tag.id)) tags.push(tag);
			if (tag && !known.includes(tag)) known.push(tag);
		}
		return tags;
	}

	async function createTag(name: string, signal?: AbortSignal): Promise<Tag | null> {
		const path = '/api/organizers/tags';
		const res = await call('POST', path, { json: { name }, signal });
		if (res.status === 401) throw failure(res, host, path);
		if (res.status < 200 || res.status >= 300) return null;
		const tag = Tag.safeParse(res.body);
		return tag.success ? tag.data : null;
	}

	/** Every item of a unit or food list that has the fields needed; a malformed one is skipped. */
	async function listAll<T>(path: string, schema: z.ZodType<T>, signal?: AbortSignal): Promise<T[]> {
		const answer = await getJson(path, AnyList, signal, { perPage: '-1' });
		const items = Array.isArray(answer) ? answer : answer.items;
		return items.flatMap((item) => {
			const parsed = schema.safeParse(item);
			return parsed.success ? [parsed.data] : [];
		});
	}

	/**
	 * A unit or food Mealie creates; null when it refuses (permission, validation, a name taken):
	 * the ingredient then goes as a note. A refused token and the server's trouble still fail.
	 */
	async function createOne<T>(path: string, body: Json, schema: z.ZodType<T>, signal?: AbortSignal): Promise<T | null> {
		const res = await call('POST', path, { json: body, signal });
		if (res.status === 401) throw failure(res, host, path);
		const trouble = serverTrouble(res, SERVICE);
		if (trouble) throw trouble;
		if (res.status < 200 || res.status >= 300) return null;
		const parsed = schema.safeParse(res.body);
		return parsed.success ? parsed.data : null;
	}

	/**
	 * The user's unit and food for each ingredient that names a food: the two lists read once,
	 * what is missing created once per name, in the recipe's order.
	 */
	async function resolveLinks(recipe: Recipe, signal?: AbortSignal): Promise<Links> {
		const links: Links = { units: new Map(), foods: new Map() };
		const linked = allIngredients(recipe).filter((i) => i.name?.trim());
		if (linked.length === 0) return links;
		const units = linked.some((i) => i.unit) ? await listAll('/api/units', Unit, signal) : [];
		const foods = await listAll('/api/foods', Food, signal);
		for (const ingredient of linked) {
			if (ingredient.unit) {
				const key = ingredient.unit.toLowerCase();
				if (!links.units.has(key)) {
					const unit = findUnit(units, ingredient.unit) ?? (await createOne('/api/units', newUnit(ingredient.unit), Unit, signal));
					links.units.set(key, unit);
					if (unit) units.push(unit);
				}
				// A unit Mealie refused sends this line as a note: no food is made for it.
				if (!links.units.get(key)) continue;
			}
			const name = ingredient.name!.trim();
			const key = name.toLowerCase();
			if (links.foods.has(key)) continue;
			const food = findFood(foods, name) ?? (await createOne('/api/foods', { name }, Food, signal));
			links.foods.set(key, food);
			if (food) foods.push(food);
		}
		return links;
	}

	/**
	 * Our recipe for this source: orgURL matches exactly (Mealie's filter ignores case) and our mark
	 * says we wrote it. Mealie's own importer sets orgURL too, and a page the user imported there
	 * is theirs, not ours to overwrite.
	 */
	async function bySource(sourceUrl: string, signal?: AbortSignal): Promise<RemoteRecipeJson | null> {
		// A raw `"` would end the filter's quoted value; URLs normally carry it as %22.
		if (sourceUrl.includes('"')) return null;
		const page = await getJson('/api/recipes', Page(Summary), signal, { queryFilter: `orgURL = "${sourceUrl}"`, perPage: '50', page: '1' });
		for (const item of page.items.filter((i) => i.orgURL === sourceUrl)) {
			const recipe = await fetchRecipe(item.slug, signal);
			if (recipe && recipe.extras?.[MEALIE_MARK] === sourceUrl) return recipe;
		}
		return null;
	}

	/**
	 * The nasty case: Mealie created the recipe and answered with its slug, but we crashed (or
	 * timed out) before storing it, so it exists with only its name: no orgURL, no mark, Mealie's
	 * placeholder ingredient and step. It sits at the slug Mealie gives this name, or at name-1,
	 * name-2… if the name was taken (Mealie then renames it "Name (1)"), and Mealie takes the first
	 * free one, so the search stops at the first slug that does not exist. Only an untouched stub
	 * made by this token's account is adopted: nobody has put anything in it to lose, and filling
	 * it is what the lost create was about to do.
	 */
	async function unfinishedCreate(title: string, account: Self, signal?: AbortSignal): Promise<RemoteRecipeJson | null> {
		for (let n = 0; n <= MAX_RENAMES; n++) {
			const name = n === 0 ? title : `${title} (${n})`;
			const slug = mealieSlug(name);
			if (!slug) return null;
			const recipe = await fetchRecipe(slug, signal);
			if (!recipe) return null;
			if (recipe.slug === slug && isUntouchedStub(recipe, name, account)) return recipe;
		}
		return null;
	}

	return {
		kind: 'mealie',

		async testConnection(signal): Promise<ConnectionReport> {
			// About first: it needs no token, so a wrong address and a wrong token read differently.
			const about = await getJson('/api/app/about', About, signal);
			me = null;
			const account = await self(signal);
			return {
				server: `Mealie ${about.version.startsWith('v') ? about.version : `v${about.version}`}`,
				user: account.fullName || account.username || account.email || null
			};
		},

		async findExisting(recipe, signal) {
			const account = await self(signal);
			const found = (await bySource(recipe.sourceUrl, signal)) ?? (await unfinishedCreate(recipe.title, account, signal));
			return found ? remoteOf(account, found.slug) : null;
		},

		async create(recipe, created, signal) {
			// Everything that can fail before the recipe exists is done first: no stub for nothing.
			const account = await self(signal);
			const tags = await resolveTags(recipe.tags, signal);
			const links = await resolveLinks(recipe, signal);
			const path = '/api/recipes';
			const slug = read(await call('POST', path, { json: { name: recipe.title }, signal }), path, z.string().min(1));
			await created(remoteOf(account, slug));
			// Its settings, which the PATCH must send back whole.
			const fresh = await fetchRecipe(slug, signal);
			const written = fresh && (await write(slug, recipeFields(recipe, tags, links, { ...fresh, name: recipe.title, extras: {} }), signal));
			if (!written) throw new RetryableError('target_vanished', `the recipe ${slug} was deleted from Mealie while it was being saved`);
			return remoteOf(account, written.slug);
		},

		async update(remote, recipe, signal) {
			const current = await fetchRecipe(remote.remoteId, signal);
			if (!current) return null;
			const account = await self(signal);
			const tags = await resolveTags(recipe.tags, signal);
			const links = await resolveLinks(recipe, signal);
			const written = await write(current.slug, recipeFields(recipe, tags, links, current), signal);
			// PATCH keeps the slug in v2; an older server may derive a new one from a new name.
			return written ? remoteOf(account, written.slug) : null;
		},

		async setImage(remote, imageUrl, signal) {
			const res = await call('POST', `${recipePath(remote.remoteId)}/image`, { json: { url: imageUrl }, signal });
			if (res.status >= 200 && res.status < 300) return true;
			const trouble = serverTrouble(res, SERVICE);
			if (trouble) throw trouble;
			return false;
		}
	};
}

const recipePath = (slug: string) => `/api/recipes/${encodeURIComponent(slug)}`;

/** Mealie's own 404 for a recipe that does not exist is JSON with a `detail`; anything else is not Mealie. */
function isMissing(res: ApiResponse): boolean {
	return res.status === 404 && isObject(res.body) && 'detail' in res.body;
}

function isUntouchedStub(recipe: RemoteRecipeJson, name: string, account: Self): boolean {
	const ingredients = recipe.recipeIngredient ?? [];
	const steps = recipe.recipeInstructions ?? [];
	return (
		recipe.name === name &&
		!recipe.orgURL &&
		!recipe.description &&
		(!account.id || !recipe.userId || recipe.userId === account.id) &&
		ingredients.length <= 1 &&
		ingredients.every((i) => !i.unit && !i.food) &&
		steps.length <= 1
	);
}

/** The fields this app owns, as a PATCH body. */
function recipeFields(recipe: Recipe, tags: Tag[], links: Links, current: Pick<RemoteRecipeJson, 'name' | 'extras' | 'settings'>): Json {
	return {
		...nameField(current.name, recipe.title),
		description: recipe.description ?? '',
		recipeYield: recipe.yields,
		// v2 shows servings on their own and scales by them; v1 ignores the field.
		recipeServings: recipe.servings ?? 0,
		prepTime: duration(recipe.prepMinutes),
		performTime: duration(recipe.cookMinutes),
		totalTime: duration(recipe.totalMinutes),
		orgURL: recipe.sourceUrl,
		tags: tags.map(({ id, name, slug }) => ({ id, name, slug })),
		recipeIngredient: ingredients(recipe, links),
		recipeInstructions: instructions(recipe),
		nutrition: nutrition(recipe.nutrition),
		// Amounts, units and foods show only with "disable amount" off; PATCH replaces settings whole.
		settings: { ...(current.settings ?? {}), disableAmount: false },
		// PATCH replaces extras whole: keep what others stored there.
		extras: { ...(current.extras ?? {}), [MEALIE_MARK]: recipe.sourceUrl }
	};
}

/**
 * The name, unless the recipe already has it or Mealie's renamed form of it ("Pancakes (1)"):
 * Mealie chose that name to keep slugs apart, and sending ours back would undo it.
 */
function nameField(current: string | null | undefined, title: string): Json {
	if (current && (current === title || (current.startsWith(`${title} (`) && /^ \(\d+\)$/.test(current.slice(title.length))))) return {};
	return { name: title };
}

/** Group names go on the group's first ingredient as `title`, Mealie's own convention. */
function ingredients(recipe: Recipe, links: Links): Json[] {
	return recipe.ingredientGroups.flatMap((group) =>
		group.ingredients.map((ingredient, i) => ({ title: i === 0 && group.name ? group.name : null, ...ingredientFields(ingredient, links), originalText: ingredient.text }))
	);
}

/** Amount, unit, food and note as Mealie's parser writes them; the whole line as a note when there is no food to link. */
function ingredientFields(ingredient: Ingredient, links: Links): Json {
	const unit = ingredient.unit ? links.units.get(ingredient.unit.toLowerCase()) : null;
	const food = ingredient.name?.trim() ? links.foods.get(ingredient.name.trim().toLowerCase()) : null;
	if (!food || unit === undefined || (ingredient.unit && !unit)) return { quantity: 0, unit: null, food: null, note: ingredient.text };
	const { quantity, quantityMax } = ingredient;
	const range = quantity !== null && quantityMax !== null && quantityMax > quantity ? `up to ${amountText(quantityMax)}` : '';
	const comment = ingredient.comment ?? '';
	return {
		quantity: quantity ?? 0,
		unit: unit ? unitRef(unit) : null,
		food: { id: food.id, name: food.name, ...(food.pluralName ? { pluralName: food.pluralName } : {}) },
		note: range && comment ? `${comment} (${range})` : range || comment
	};
}

/** The unit as a linked IngredientUnit: the id links it, the rest is what Mealie formats the answer's display with. */
function unitRef(unit: Unit): Json {
	const ref: Json = { id: unit.id, name: unit.name };
	for (const key of ['pluralName', 'abbreviation', 'pluralAbbreviation', 'useAbbreviation', 'fraction'] as const) {
		if (unit[key] !== undefined && unit[key] !== null) ref[key] = unit[key];
	}
	return ref;
}

const amountText = (n: number) => String(Math.round(n * 1000) / 1000);

/**
 * For units Cookmark creates in a person's Mealie: the abbreviation Mealie's own lists use, and
 * whether amounts print as fractions (Mealie's default) or decimals (metric).
 */
const NEW_UNITS: Record<string, { abbreviation: string; metric?: boolean }> = {
	teaspoon: { abbreviation: 'tsp' },
	tablespoon: { abbreviation: 'tbsp' },
	'fluid ounce': { abbreviation: 'fl oz' },
	ounce: { abbreviation: 'oz' },
	pound: { abbreviation: 'lb' },
	gram: { abbreviation: 'g', metric: true },
	kilogram: { abbreviation: 'kg', metric: true },
	milligram: { abbreviation: 'mg', metric: true },
	milliliter: { abbreviation: 'ml', metric: true },
	centiliter: { abbreviation: 'cl', metric: true },
	deciliter: { abbreviation: 'dl', metric: true },
	liter: { abbreviation: 'l', metric: true },
	pint: { abbreviation: 'pt' },
	quart: { abbreviation: 'qt' },
	gallon: { abbreviation: 'gal' }
};

const lower = (s: string | null | undefined) => (s ?? '').trim().toLowerCase();

/**
 * The user's unit for our canonical one: by name first, then any of its spellings (plural,
 * abbreviation, alias) that the ingredient parser's own vocabulary reads as that unit.
 */
function findUnit<T extends Pick<Unit, 'name' | 'pluralName' | 'abbreviation' | 'pluralAbbreviation' | 'aliases'>>(units: readonly T[], canonical: string): T | null {
	const name = lower(canonical);
	const spellings = (u: T) => [u.name, u.pluralName, u.abbreviation, u.pluralAbbreviation, ...(u.aliases ?? []).map((a) => a.name)].filter((s): s is string => !!s?.trim());
	return units.find((u) => lower(u.name) === name) ?? units.find((u) => spellings(u).some((s) => lower(s) === name || canonicalUnit(s) === name)) ?? null;
}

/** The user's food of this name, plural name or alias. */
function findFood<T extends Pick<Food, 'name' | 'pluralName' | 'aliases'>>(foods: readonly T[], name: string): T | null {
	const wanted = lower(name);
	return foods.find((f) => lower(f.name) === wanted) ?? foods.find((f) => [f.pluralName, ...(f.aliases ?? []).map((a) => a.name)].some((s) => lower(s) === wanted)) ?? null;
}

/** CreateIngredientUnit for one of our units. */
function newUnit(canonical: string): Json {
	const name = canonical.trim();
	const info = NEW_UNITS[name.toLowerCase()];
	return {
		name,
		pluralName: unitLabel(name, 2),
		abbreviation: info?.abbreviation ?? '',
		pluralAbbreviation: info?.abbreviation ?? '',
		useAbbreviation: false,
		fraction: !info?.metric
	};
}

/** Likewise a step group's name is the `title` of its first step. */
function instructions(recipe: Recipe): Json[] {
	return recipe.stepGroups.flatMap((group) =>
		group.steps.map((text, i) => ({
			title: i === 0 && group.name ? group.name : '',
			summary: '',
			text,
			ingredientReferences: []
		}))
	);
}

/** "1 hour 30 minutes", as Mealie's importer writes times (English, its default locale). */
export function duration(minutes: number | null): string | null {
	if (!minutes || minutes <= 0) return null;
	const parts: [number, string][] = [
		[Math.floor(minutes / 1440), 'day'],
		[Math.floor((minutes % 1440) / 60), 'hour'],
		[minutes % 60, 'minute']
	];
	return parts
		.filter(([n]) => n > 0)
		.map(([n, unit]) => `${n} ${unit}${n === 1 ? '' : 's'}`)
		.join(' ');
}

/** Mealie's field names; v1 has no saturatedFatContent and ignores it. */
function nutrition(values: Nutrition | null): Json | null {
	if (!values) return null;
	const fields: Json = {};
	for (const [ours, theirs] of schemaOrgNutrients) {
		const amount = nutrientAmount(values[ours], theirs === 'sodiumContent');
		if (amount !== null) fields[theirs] = amount;
	}
	return Object.keys(fields).length > 0 ? fields : null;
}

/**
 * The number alone, as Mealie's importer stores it: Mealie prints its own unit beside it (kcal,
 * g, and mg for sodium, so sodium given in grams is converted).
 */
export function nutrientAmount(text: string | null, milligrams = false): string | null {
	const digits = text?.match(/\d[\d.,]*/)?.[0].replace(/[.,]+$/, '');
	if (!text || !digits) return null;
	// "1,200 kcal" has a thousands separator, "2,5 g" a decimal comma.
	const number = Number.parseFloat(/^\d{1,3}(,\d{3})+$/.test(digits) ? digits.replaceAll(',', '') : digits.replace(',', '.'));
	const inGrams = milligrams && /\d\s*g\b|grams?\b/i.test(text) && !/mg|milligram/i.test(text);
	return String(inGrams ? Math.round(number * 1_000_000) / 1000 : number);
}

// Letters and marks NFKD leaves whole that python-slugify's unidecode spells out; `'` is dropped
// later, `"` becomes a separator.
const SPELLED: Record<string, string> = {
	ß: 'ss', æ: 'ae', Æ: 'AE', œ: 'oe', Œ: 'OE', ø: 'o', Ø: 'O', ł: 'l', Ł: 'L', đ: 'd', Đ: 'D',
	ð: 'd', Ð: 'D', þ: 'th', Þ: 'Th', ı: 'i', '‘': "'", '’': "'", '‚': "'", '‛': "'", '′': "'",
	'“': '"', '”': '"', '„': '"', '″': '"', '–': '-', '—': '--', '⁄': '/', '…': '...', '°': 'deg',
	'×': 'x', '·': '.', '«': '<<', '»': '>>'
};
const ENTITY = /&(#\d+|#x[\da-f]+|[a-z][a-z\d]*);/i;

/**
 * The slug Mealie makes of a name (python-slugify's defaults): `'` to a dash, transliterated to
 * ASCII, lower case, digits' thousand commas dropped, runs of anything else to one dash. Null when
 * the name holds what only unidecode's full tables would spell (Cyrillic, CJK…) or HTML
 * entities, where a guess could name another recipe.
 */
export function mealieSlug(name: string): string | null {
	if (ENTITY.test(name)) return null;
	let ascii = '';
	for (const ch of name.replace(/'+/g, '-').normalize('NFKD')) {
		if (ch <= '\u007f') ascii += ch;
		else if (ch in SPELLED) ascii += SPELLED[ch];
		else if (!/[\p{M}\p{Extended_Pictographic}]/u.test(ch)) return null;
	}
	const slug = ascii
		.toLowerCase()
		.replace(/'+/g, '')
		.replace(/(?<=\d),(?=\d)/g, '')
		.replace(/[^-a-z0-9]+/g, '-')
		.replace(/-{2,}/g, '-')
		.replace(/^-+|-+$/g, '');
	return slug || null;
}

function sameTag(tag: Tag, name: string): boolean {
	return tag.name.toLowerCase() === name.toLowerCase() || (mealieSlug(name) ?? '\0') === tag.slug;
}

function tagsOf(answer: { items: Tag[] } | Tag[]): Tag[] {
	return Array.isArray(answer) ? [...answer] : [...answer.items];
}

/** The error for an answer the caller has no use for, in words a person can act on. */
function failure(res: ApiResponse, host: string, path: string): JobError {
	const trouble = serverTrouble(res, SERVICE);
	if (trouble) return trouble;
	const detail = detailMessage(res.body);
	if (res.status === 401 || (res.status === 403 && detail === null)) {
		return new PermanentError('target_auth', `Mealie refused the token (${res.status}): check your Mealie token in Settings`);
	}
	// Mealie's own 403 names a recipe-level refusal (locked, another household's), not the token.
	if (res.status === 403) return new PermanentError('target_forbidden', `Mealie refused the change (403): ${detail}`);
	if (res.status === 404 || res.status === 405) return notMealie(host, `answered ${res.status} for ${path}`);
	if (res.status === 400 || res.status === 422) return new PermanentError('target_rejected', `Mealie rejected the recipe: ${detail ?? `${res.status} for ${path}`}`);
	if (res.status === 408 || res.status === 425) return new RetryableError('server_error', `Mealie could not answer in time (${res.status})`);
	return new PermanentError('target_error', `Mealie answered ${res.status} for ${path}`);
}

function notMealie(host: string, what: string): PermanentError {
	return new PermanentError('target_not_found', `this does not look like a Mealie server: ${host} ${what}`);
}

function describeNonJson(res: ApiResponse): string {
	const type = res.headers.get('content-type') ?? '';
	return type.includes('html') ? 'with a web page' : 'without JSON';
}

/**
 * The first thing Mealie objects to: FastAPI's validation list (`[{loc, msg}]`), Mealie's
 * `{message}` or a plain string.
 */
function detailMessage(body: unknown): string | null {
	const detail = isObject(body) ? body.detail : undefined;
	let message: string | null = null;
	if (typeof detail === 'string') message = detail;
	else if (Array.isArray(detail) && isObject(detail[0])) {
		const first = detail[0];
		const loc = Array.isArray(first.loc) ? first.loc.filter((part) => part !== 'body').join('.') : '';
		message = `${loc ? `${loc}: ` : ''}${String(first.msg ?? 'invalid')}`;
	} else if (isObject(detail) && typeof detail.message === 'string') message = detail.message;
	return message === null ? null : message.slice(0, MAX_MESSAGE);
}

function isObject(value: unknown): value is Json {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}
