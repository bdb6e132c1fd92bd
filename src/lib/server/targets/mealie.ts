import { randomUUID } from 'node:crypto';
import PQueue from 'p-queue';
import { z } from 'zod';
import { allIngredients, schemaOrgNutrients, type Ingredient, type Nutrition, type Recipe } from '../../contract/recipe';
import { unitLabel } from '../../format';
import { apiRequest, FormData, serverTrouble, type ApiResponse } from '../net/api-request';
import { safeHost } from '../net/errors';
import { JobError, PermanentError, RetryableError } from '../failures/errors';
import { pictureFile } from '../pictures/download';
import { findUnit, nutrientAmount, rangeNote } from './amounts';
import { expectKind } from './identify';
import { RemoteList } from './remote-list';
import type { ConnectionReport, RemoteRecipe, TargetClient, TargetConnection, TargetRequestLimits } from './target';
import { splitYield } from './yields';

/**
 * Saves recipes to a Mealie server through its REST API. Followed: Mealie v2.0.0 (tag v2.0.0) and
 * 3.x (read at 3.5.0, with the merged changes after it named by PR); v1.x where it differs.
 * Where each behaviour comes from, in mealie-recipes/mealie:
 *
 * - mealie/routes/recipe/recipe_crud_routes.py: `POST /api/recipes {name}` answers 201 with the
 *   new slug as a JSON string; `GET`/`PATCH /api/recipes/{slug}`. PATCH applies only the fields
 *   sent (services/recipe/recipe_service.py patch_one, `model_dump(exclude_unset=True)`), so the
 *   recipe's image, notes and assets survive; PUT would reset them.
 * - mealie/schema/recipe/recipe_ingredient.py: `reference_id` has a default (uuid4), but a default
 *   is not "set", so a PATCH without `referenceId` stores NULL, commits, and then fails validating
 *   its own answer: 500 `{"detail":{"message":"Unknown Error",…,"exception":"ValidationError"}}`.
 *   From then on every read, write and delete of that recipe answers the same 500 (repos/
 *   repository_generic.py validates before anything else) until Mealie's PR #7139 (2026) reads
 *   NULL as a fresh id. Hence every ingredient is sent with a `referenceId` of its own, as Mealie's
 *   UI does; a recorded copy that answers that 500 is left alone (nothing can repair or delete it
 *   through the API) and the recipe is made again, with a note saying so.
 * - mealie/db/models/recipe/instruction.py: a step without `ingredientReferences` fails with a
 *   500 TypeError until PR #7732, so every step carries `[]`.
 * - mealie/services/recipe/recipe_service.py and mealie/repos/repository_recipes.py: a create
 *   from a name alone gets one placeholder ingredient and one placeholder step, and a taken slug
 *   makes Mealie rename the recipe "Name (1)" (slug name-1), up to ten times.
 * - mealie/db/models/_model_utils/auto_init.py: a unit, food or tag given without an id fails the
 *   whole save ("Expected 'id' to be provided for unit"), hence the choices below.
 * - mealie/routes/organizers/controller_tags.py: tags are created by name (`POST
 *   /api/organizers/tags`; a taken slug is an unhandled 500), then linked to the recipe by id.
 * - mealie/schema/response/query_filter.py: `queryFilter=orgURL = "…"` is an exact comparison.
 * - mealie/services/scraper/cleaner.py: how Mealie's own importer writes times ("1 hour 30
 *   minutes"), nutrition (the number alone; sodium in mg), cook time (as performTime), and since
 *   v2.3 (migration b1020f328e98, PR #4489) a yield as `recipeServings`, `recipeYieldQuantity`
 *   and the yield's words (clean_yield). v2.0–2.2 ignore those fields (pydantic's extra=ignore),
 *   so there the whole yield goes in `recipeYield`; which applies is read off the recipe's JSON.
 * - mealie/routes/recipe/recipe_crud_routes.py images: `POST …/image {url}` has Mealie fetch a
 *   picture itself and answers `200 null` even when its fetch failed, leaving an image key with no
 *   file; since v3.26 it refuses private addresses. So the bytes are uploaded instead (`PUT
 *   …/image`, multipart `image` and `extension`; Mealie re-encodes them to WebP), and the picture
 *   is confirmed where Mealie serves it (routes/media/media_recipe.py, no token needed).
 * - mealie/routes/app/app_about.py and mealie/schema/user/user.py: version, account, group slug,
 *   `canOrganize` (without it, v3.19+ answers 403 to creating foods and tags, PR #7651); recipe
 *   pages live at /g/{groupSlug}/r/{slug} since v1.0.0 (PR #2632), /recipe/{slug} before.
 * - python-slugify (un33k/python-slugify, slugify/slugify.py): how Mealie turns a name into a slug.
 *
 * Ingredients are written the way Mealie's own ingredient parser leaves them once the user has
 * pressed "Parse" and saved (mealie/services/parser_services/ingredient_parser.py, NLPParser):
 * `quantity` (0 when the line has none), `unit` and `food` as the user's own IngredientUnit and
 * IngredientFood objects with their ids, `note` for the comment, `originalText` for the line.
 * That is what lets Mealie scale a recipe and add it to a shopping list. The units and foods:
 *
 * - mealie/routes/unit_and_foods/units.py and foods.py (group-scoped, not per household): `GET`
 *   answers a page (`perPage=-1` is every item; the v1 betas answered a bare list, read too);
 *   `POST` answers 201 with the new object. A name the group already has (a unique constraint,
 *   case-sensitive) is refused: 400 "An unexpected error occurred" with the database's words,
 *   409 since PR #7712. Another upload may have made it a moment ago, so a refused create reads
 *   the list again and takes what is there (RemoteList).
 * - The lists are read once for a run of uploads (kept a few minutes in this process) and what
 *   is missing is created once per name, several at a time; a unit matches our canonical name,
 *   its plural or its usual abbreviation against the unit's name, pluralName, abbreviation,
 *   pluralAbbreviation and aliases, ignoring case; a food matches its name, pluralName and aliases.
 * - Only objects with ids are ever sent. When Mealie will not create one (no permission, a
 *   validation refusal), that ingredient goes with its whole line in `note`, no unit or food, so
 *   nothing is lost and the recipe still saves.
 * - v1–v3.0: every ingredient's display follows the recipe's `settings.disableAmount`; it is
 *   turned off in the same PATCH. PATCH replaces `settings` whole, so the recipe's current
 *   settings are read first and sent back with that one change. v3.1 dropped the setting
 *   ("everything is a food"), and ignores it.
 *
 * Requests for an upload, once the lists are known: the recipe's create, read and PATCH, plus one
 * create per missing unit, food or tag, and the picture's upload and check.
 */

const SERVICE = 'Mealie';
/** Key in the recipe's `extras` marking it as written by this app, with the source URL as value. */
export const MEALIE_MARK = 'cookmark_source';
/** How many renames Mealie tries when a slug is taken ("Name (1)" … "Name (10)"). */
const MAX_RENAMES = 10;
const MAX_MESSAGE = 200;
/** How long the account, units, foods and tags read from the server are trusted. */
const ACCOUNT_TTL_MS = 10 * 60_000;
const LIST_TTL_MS = 3 * 60_000;

type Json = Record<string, unknown>;

const Self = z.object({
	id: z.string().nullish(),
	username: z.string().nullish(),
	fullName: z.string().nullish(),
	email: z.string().nullish(),
	groupSlug: z.string().nullish(),
	canOrganize: z.boolean().nullish()
});
type Self = z.infer<typeof Self>;

const About = z.object({ version: z.string() });

const RemoteRecipeJson = z.looseObject({
	id: z.string().nullish(),
	slug: z.string().min(1),
	name: z.string().nullish(),
	userId: z.string().nullish(),
	orgURL: z.string().nullish(),
	description: z.string().nullish(),
	image: z.unknown().nullish(),
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

/** A recipe Mealie holds but cannot read back: an earlier write without reference ids broke it (see above). */
const BROKEN = Symbol('broken');

/** How many missing units or foods are created at once. */
const CREATE_CONCURRENCY = 4;

async function eachLimited<T>(items: T[], concurrency: number, run: (item: T) => Promise<void>): Promise<void> {
	const queue = new PQueue({ concurrency });
	await Promise.all(items.map((item) => queue.add(() => run(item))));
}

export function mealieClient(connection: TargetConnection, limits: TargetRequestLimits): TargetClient {
	const base = connection.baseUrl.replace(/\/+$/, '');
	const host = safeHost(base);
	let me: { account: Promise<Self>; at: number } | null = null;
	/** Recipe slugs to their ids, as last read: Mealie serves pictures by id. */
	const ids = new Map<string, string>();

	async function call(method: 'GET' | 'POST' | 'PATCH' | 'PUT', path: string, options: { json?: unknown; form?: FormData; query?: Record<string, string>; signal?: AbortSignal } = {}) {
		const query = options.query ? `?${new URLSearchParams(options.query)}` : '';
		return apiRequest(`${base}${path}${query}`, {
			...limits,
			method,
			json: options.json,
			form: options.form,
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

	/** The token's account, read again after a while: the group slug makes the recipe links. */
	function self(signal?: AbortSignal): Promise<Self> {
		if (me && Date.now() - me.at < ACCOUNT_TTL_MS) return me.account;
		const pending = getJson('/api/users/self', Self, signal);
		const entry = { account: pending, at: Date.now() };
		me = entry;
		// A failed lookup is not remembered: the next call asks again.
		pending.catch(() => {
			if (me === entry) me = null;
		});
		return pending;
	}

	function remoteOf(account: Self, slug: string, hasPicture = false): RemoteRecipe {
		const page = account.groupSlug ? `/g/${encodeURIComponent(account.groupSlug)}/r/` : '/recipe/';
		return { remoteId: slug, url: `${base}${page}${encodeURIComponent(slug)}`, hasPicture };
	}

	function remember(recipe: RemoteRecipeJson): RemoteRecipeJson {
		if (recipe.id) ids.set(recipe.slug, recipe.id);
		return recipe;
	}

	/** The recipe; null when Mealie says it does not exist, BROKEN when it cannot read it back. */
	async function fetchRecipe(slug: string, signal?: AbortSignal): Promise<RemoteRecipeJson | null | typeof BROKEN> {
		const path = recipePath(slug);
		const res = await call('GET', path, { signal });
		if (isMissing(res)) return null;
		if (isBroken(res)) return BROKEN;
		return remember(read(res, path, RemoteRecipeJson));
	}

	/** PATCHes the fields in `body`; null when the recipe no longer exists. */
	async function write(slug: string, body: Json, signal?: AbortSignal): Promise<RemoteRecipeJson | null> {
		const path = recipePath(slug);
		const res = await call('PATCH', path, { json: body, signal });
		if (isMissing(res)) return null;
		return remember(read(res, path, RemoteRecipeJson));
	}

	/** Every item of a list that has the fields needed; a malformed one is skipped. */
	async function listAll<T>(path: string, schema: z.ZodType<T>): Promise<T[]> {
		const answer = await getJson(path, AnyList, undefined, { perPage: '-1' });
		const items = Array.isArray(answer) ? answer : answer.items;
		return items.flatMap((item) => {
			const parsed = schema.safeParse(item);
			return parsed.success ? [parsed.data] : [];
		});
	}

	const lists = {
		units: new RemoteList(() => listAll('/api/units', Unit), LIST_TTL_MS),
		foods: new RemoteList(() => listAll('/api/foods', Food), LIST_TTL_MS),
		tags: new RemoteList(() => listAll('/api/organizers/tags', Tag), LIST_TTL_MS)
	};

	/**
	 * A unit, food or tag Mealie creates; null when it refuses (permission, validation, a name
	 * taken meanwhile: RemoteList then reads the list again). A refused token still fails, and so
	 * does the server's trouble, except for a tag: a taken tag slug is Mealie's unhandled 500.
	 */
	async function createOne<T>(path: string, body: Json, schema: z.ZodType<T>, { tolerate500 = false } = {}): Promise<T | null> {
		const res = await call('POST', path, { json: body });
		if (res.status === 401) throw failure(res, host, path);
		const trouble = tolerate500 && res.status === 500 ? null : serverTrouble(res, SERVICE);
		if (trouble) throw trouble;
		if (res.status < 200 || res.status >= 300) return null;
		const parsed = schema.safeParse(res.body);
		return parsed.success ? parsed.data : null;
	}

	/**
	 * The tags as Mealie wants them on a recipe: existing organizer tags with their ids, the
	 * missing ones created first. Tags are extras: one Mealie will not create (no permission, a
	 * slug clash our slugify did not foresee) is left off rather than failing the recipe.
	 */
	async function resolveTags(names: string[], account: Self, signal?: AbortSignal): Promise<Tag[]> {
		const tags: Tag[] = [];
		for (const name of names) {
			const key = mealieSlug(name) ?? name.toLowerCase();
			const find = (known: readonly Tag[]) => known.find((t) => sameTag(t, name)) ?? null;
			const create = () => (account.canOrganize === false ? Promise.resolve(null) : createOne('/api/organizers/tags', { name }, Tag, { tolerate500: true }));
			const tag = await lists.tags.resolve(key, find, create, signal);
			if (tag && !tags.some((t) => t.id === tag.id)) tags.push(tag);
		}
		return tags;
	}

	/**
	 * The user's unit and food for each ingredient that names a food: the lists read once per run,
	 * what is missing created once per name, a few at a time. Mealie without `canOrganize` (v3.19+)
	 * refuses new foods, so none is asked for; units are not restricted.
	 */
	async function resolveLinks(recipe: Recipe, account: Self, signal?: AbortSignal): Promise<Links> {
		const links: Links = { units: new Map(), foods: new Map() };
		const linked = allIngredients(recipe).filter((i) => i.name?.trim());
		const unitNames = [...new Map(linked.filter((i) => i.unit).map((i) => [i.unit!.toLowerCase(), i.unit!])).values()];
		await eachLimited(unitNames, CREATE_CONCURRENCY, async (name) => {
			const find = (units: readonly Unit[]) => findUnit(units, name, unitSpellings);
			links.units.set(name.toLowerCase(), await lists.units.resolve(name.toLowerCase(), find, () => createOne('/api/units', newUnit(name), Unit), signal));
		});
		// A unit Mealie refused sends its lines as notes: no food is made for them.
		const foodNames = [
			...new Map(linked.filter((i) => !i.unit || links.units.get(i.unit.toLowerCase())).map((i) => [i.name!.trim().toLowerCase(), i.name!.trim()])).values()
		];
		await eachLimited(foodNames, CREATE_CONCURRENCY, async (name) => {
			const create = () => (account.canOrganize === false ? Promise.resolve(null) : createOne('/api/foods', { name }, Food));
			links.foods.set(name.toLowerCase(), await lists.foods.resolve(name.toLowerCase(), (foods) => findFood(foods, name), create, signal));
		});
		return links;
	}

	/**
	 * Our recipe for this source: orgURL matches and our mark says we wrote it. Mealie's own
	 * importer sets orgURL too, and a page the user imported there is theirs, not ours to overwrite.
	 * A recipe Mealie cannot read back is passed over: it can be neither adopted nor repaired.
	 */
	async function bySource(sourceUrl: string, signal?: AbortSignal): Promise<RemoteRecipeJson | null> {
		// A raw `"` would end the filter's quoted value; URLs normally carry it as %22.
		if (sourceUrl.includes('"')) return null;
		const page = await getJson('/api/recipes', Page(Summary), signal, { queryFilter: `orgURL = "${sourceUrl}"`, perPage: '50', page: '1' });
		for (const item of page.items.filter((i) => i.orgURL === sourceUrl)) {
			const recipe = await fetchRecipe(item.slug, signal);
			if (recipe && recipe !== BROKEN && recipe.extras?.[MEALIE_MARK] === sourceUrl) return recipe;
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
			if (recipe !== BROKEN && recipe.slug === slug && isUntouchedStub(recipe, name, account)) return recipe;
		}
		return null;
	}

	/** Whether Mealie really serves a picture for this recipe: its image key alone proves nothing. */
	async function showsPicture(recipeId: string, signal?: AbortSignal): Promise<boolean> {
		const res = await call('GET', `/api/media/recipes/${encodeURIComponent(recipeId)}/images/tiny-original.webp`, { signal });
		const trouble = serverTrouble(res, SERVICE);
		if (trouble) throw trouble;
		return res.status === 200 && (res.headers.get('content-type') ?? '').startsWith('image/');
	}

	return {
		kind: 'mealie',

		async testConnection(signal): Promise<ConnectionReport> {
			// About first: it needs no token, so a wrong address and a wrong token read differently.
			const about = await expectKind('mealie', base, limits, signal, () => getJson('/api/app/about', About, signal));
			me = null;
			const account = await self(signal);
			return {
				server: `Mealie ${about.version.startsWith('v') ? about.version : `v${about.version}`}`,
				user: account.fullName || account.username || account.email || null
			};
		},

		async findExisting(recipe, signal) {
			const account = await self(signal);
			const found = (recipe.sourceUrl ? await bySource(recipe.sourceUrl, signal) : null) ?? (await unfinishedCreate(recipe.title, account, signal));
			return found ? remoteOf(account, found.slug) : null;
		},

		async create(recipe, created, signal) {
			// Everything that can fail before the recipe exists is done first: no stub for nothing.
			const account = await self(signal);
			const tags = await resolveTags(recipe.tags, account, signal);
			const links = await resolveLinks(recipe, account, signal);
			const path = '/api/recipes';
			const slug = read(await call('POST', path, { json: { name: recipe.title }, signal }), path, z.string().min(1));
			await created(remoteOf(account, slug));
			// Its settings, which the PATCH must send back whole, and which fields this Mealie has.
			const fresh = await fetchRecipe(slug, signal);
			if (fresh === BROKEN) throw new RetryableError('server_error', `Mealie could not read back the recipe ${slug} it just made`);
			const written = fresh && (await write(slug, recipeFields(recipe, tags, links, { ...fresh, name: recipe.title, extras: {} }), signal));
			if (!written) throw new RetryableError('target_vanished', `the recipe ${slug} was deleted from Mealie while it was being saved`);
			return remoteOf(account, written.slug);
		},

		async update(remote, recipe, signal) {
			const current = await fetchRecipe(remote.remoteId, signal);
			if (!current) return { unusable: 'deleted' };
			if (current === BROKEN) {
				return {
					unusable: 'broken',
					note: `Mealie still lists an earlier copy it cannot open (${remote.url}), broken by a Mealie bug that later versions repair; a new copy was made`
				};
			}
			const account = await self(signal);
			const tags = await resolveTags(recipe.tags, account, signal);
			const links = await resolveLinks(recipe, account, signal);
			const written = await write(current.slug, recipeFields(recipe, tags, links, current), signal);
			if (!written) return { unusable: 'deleted' };
			const hasPicture = !!current.image && !!current.id && (await showsPicture(current.id, signal));
			// PATCH keeps the slug in v2; an older server may derive a new one from a new name.
			return remoteOf(account, written.slug, hasPicture);
		},

		async setImage(remote, picture, signal) {
			const path = `${recipePath(remote.remoteId)}/image`;
			const form = new FormData();
			const file = pictureFile(picture, 'original');
			form.append('image', file.blob, file.filename);
			form.append('extension', picture.extension);
			const res = await call('PUT', path, { form, signal });
			// Mealie answers 500 for a picture Pillow cannot open; that is the picture's trouble, not the server's.
			if (res.status === 500) return false;
			const trouble = serverTrouble(res, SERVICE);
			if (trouble) throw trouble;
			if (res.status === 401) throw failure(res, host, path);
			if (res.status < 200 || res.status >= 300 || !isObject(res.body) || res.body.image == null) return false;
			const id = ids.get(remote.remoteId) ?? (await fetchRecipe(remote.remoteId, signal).then((r) => (r && r !== BROKEN ? r.id : null)));
			return !!id && (await showsPicture(id, signal));
		}
	};
}

const recipePath = (slug: string) => `/api/recipes/${encodeURIComponent(slug)}`;

/** Mealie's own 404 for a recipe that does not exist is JSON with a `detail`; anything else is not Mealie. */
function isMissing(res: ApiResponse): boolean {
	return res.status === 404 && isObject(res.body) && 'detail' in res.body;
}

/** The answer for a recipe whose stored ingredients fail Mealie's own validation (see the header). */
function isBroken(res: ApiResponse): boolean {
	const detail = isObject(res.body) ? res.body.detail : null;
	return res.status === 500 && isObject(detail) && detail.exception === 'ValidationError';
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
function recipeFields(recipe: Recipe, tags: Tag[], links: Links, current: RemoteRecipeJson): Json {
	return {
		...nameField(current.name, recipe.title),
		description: recipe.description ?? '',
		...yieldFields(recipe, 'recipeServings' in current),
		prepTime: duration(recipe.prepMinutes),
		performTime: duration(recipe.cookMinutes),
		totalTime: duration(recipe.totalMinutes),
		orgURL: recipe.sourceUrl,
		tags: tags.map(({ id, name, slug }) => ({ id, name, slug })),
		recipeIngredient: ingredients(recipe, links),
		recipeInstructions: instructions(recipe),
		nutrition: nutrition(recipe.nutrition),
		// v1–3.0 show amounts, units and foods only with "disable amount" off; PATCH replaces settings whole.
		settings: { ...(current.settings ?? {}), disableAmount: false },
		// PATCH replaces extras whole: keep what others stored there.
		// A recipe without a source (shared as text) has no mark: bySource never looks for it.
		extras: { ...(current.extras ?? {}), ...(recipe.sourceUrl ? { [MEALIE_MARK]: recipe.sourceUrl } : {}) }
	};
}

/**
 * The yield as clean_yield writes it: a yield of servings ("Serves 4") is the servings, one of
 * things ("12 muffins") a quantity and its words. A Mealie before v2.3 has only the text.
 */
function yieldFields(recipe: Recipe, structured: boolean): Json {
	const text = recipe.yields ?? (recipe.servings ? `${recipe.servings} servings` : null);
	if (!structured) return { recipeYield: text };
	const parts = splitYield(recipe.yields);
	if (!parts) return { recipeServings: recipe.servings ?? 0, recipeYieldQuantity: 0, recipeYield: recipe.yields ?? '' };
	if (parts.servings) return { recipeServings: recipe.servings ?? parts.count, recipeYieldQuantity: 0, recipeYield: '' };
	return { recipeServings: 0, recipeYieldQuantity: parts.count, recipeYield: parts.words };
}

/**
 * The name, unless the recipe already has it or Mealie's renamed form of it ("Pancakes (1)"):
 * Mealie chose that name to keep slugs apart, and sending ours back would undo it.
 */
function nameField(current: string | null | undefined, title: string): Json {
	if (current && (current === title || (current.startsWith(`${title} (`) && /^ \(\d+\)$/.test(current.slice(title.length))))) return {};
	return { name: title };
}

/**
 * Group names go on the group's first ingredient as `title`, Mealie's own convention. Each
 * ingredient gets a reference id of its own, as Mealie's UI gives it (see the header).
 */
function ingredients(recipe: Recipe, links: Links): Json[] {
	return recipe.ingredientGroups.flatMap((group) =>
		group.ingredients.map((ingredient, i) => ({
			title: i === 0 && group.name ? group.name : null,
			...ingredientFields(ingredient, links),
			originalText: ingredient.text,
			referenceId: randomUUID()
		}))
	);
}

/** Amount, unit, food and note as Mealie's parser writes them; the whole line as a note when there is no food to link. */
function ingredientFields(ingredient: Ingredient, links: Links): Json {
	const unit = ingredient.unit ? links.units.get(ingredient.unit.toLowerCase()) : null;
	const food = ingredient.name?.trim() ? links.foods.get(ingredient.name.trim().toLowerCase()) : null;
	if (!food || unit === undefined || (ingredient.unit && !unit)) return { quantity: 0, unit: null, food: null, note: ingredient.text };
	return {
		quantity: ingredient.quantity ?? 0,
		unit: unit ? unitRef(unit) : null,
		food: { id: food.id, name: food.name, ...(food.pluralName ? { pluralName: food.pluralName } : {}) },
		note: rangeNote(ingredient)
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

const unitSpellings = (u: Unit) => [u.name, u.pluralName, u.abbreviation, u.pluralAbbreviation, ...(u.aliases ?? []).map((a) => a.name)];

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
		// The number alone, as Mealie's importer stores it (a string column).
		const amount = nutrientAmount(values[ours], theirs === 'sodiumContent');
		if (amount !== null) fields[theirs] = String(amount);
	}
	return Object.keys(fields).length > 0 ? fields : null;
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
