import { z } from 'zod';
import { Recipe } from './recipe';

/**
 * The recipe library's JSON API (GET /api/recipes, GET/DELETE /api/recipes/{id}, POST
 * /api/recipes/{id}/restore) and the page-of-results cursor the list hands out. Shared by the
 * server, the pages and API clients. Editing has its own file, recipe-edit.ts.
 */

export const LIBRARY_PAGE_SIZE = 24;
export const LIBRARY_PAGE_MAX = 100;
export const SEARCH_MAX_CHARS = 200;
/** How long a deleted recipe can be brought back (POST /api/recipes/{id}/restore). */
export const RESTORE_WINDOW_MS = 10 * 60_000;

/**
 * Where the next page starts: the last recipe's creation time (to the microsecond, as the
 * database keeps it: a millisecond JavaScript Date would skip or repeat recipes saved within the
 * same millisecond) and its id, which breaks ties.
 */
export interface LibraryCursor {
	createdAt: string;
	id: string;
}

const CURSOR_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// base64url by hand: btoa/atob exist in browsers and Node alike, Buffer only in Node. The cursor
// text is ASCII, so no UTF-8 step is needed.
const toBase64Url = (s: string) => btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
function fromBase64Url(s: string): string | null {
	if (!/^[A-Za-z0-9_-]+$/.test(s)) return null;
	try {
		return atob(s.replace(/-/g, '+').replace(/_/g, '/'));
	} catch {
		return null;
	}
}

/** An opaque cursor: clients pass it back as they got it. */
export function encodeCursor(cursor: LibraryCursor): string {
	return toBase64Url(`${cursor.createdAt}|${cursor.id}`);
}

/** The cursor's parts, or null when the text is not a cursor this API made. */
export function decodeCursor(text: string): LibraryCursor | null {
	const plain = fromBase64Url(text);
	if (!plain) return null;
	const [createdAt, id, ...rest] = plain.split('|');
	if (rest.length || !createdAt || !id || !CURSOR_TIME.test(createdAt) || !UUID.test(id)) return null;
	if (Number.isNaN(Date.parse(createdAt))) return null;
	return { createdAt, id: id.toLowerCase() };
}

export const Cursor = z
	.string()
	.max(200)
	.transform((text, ctx) => {
		const cursor = decodeCursor(text);
		if (!cursor) {
			ctx.addIssue({ code: 'custom', message: 'not a cursor this API handed out (pass nextCursor back unchanged)' });
			return z.NEVER;
		}
		return cursor;
	});

/** GET /api/recipes query string. An empty `q` (a search box sent empty) means no search. */
export const ListRecipesQuery = z.object({
	q: z
		.string()
		.trim()
		.max(SEARCH_MAX_CHARS)
		.optional()
		.transform((v) => v || undefined),
	limit: z.coerce.number().int().min(1).max(LIBRARY_PAGE_MAX).default(LIBRARY_PAGE_SIZE),
	cursor: Cursor.optional()
});
export type ListRecipesQuery = z.infer<typeof ListRecipesQuery>;

/** The sizes Cookmark keeps of a recipe's picture: `full` for the recipe page, `thumb` for cards. */
export const PictureSize = z.enum(['full', 'thumb']);
export type PictureSize = z.infer<typeof PictureSize>;

/** GET /api/recipes/{id}/picture query string. `v` only makes a new picture a new URL for caches; any value is served. */
export const PictureQuery = z.object({
	size: PictureSize.default('full'),
	v: z.string().max(64).optional()
});

/**
 * Where Cookmark serves a recipe's kept picture: a path on this server, versioned by the
 * picture's hash so a browser's cached copy is never shown for a newer picture.
 */
export function recipePictureUrl(recipeId: string, size: PictureSize, version: string): string {
	return `/api/recipes/${recipeId}/picture?size=${size}&v=${version.slice(0, 16)}`;
}

/** A recipe in a list: what a card shows. */
export const RecipeSummary = z.object({
	id: z.uuid(),
	title: z.string(),
	sourceUrl: z.string().nullable(),
	/**
	 * The picture to show on the recipe's page: Cookmark's own copy (a path on this server, see
	 * recipePictureUrl) when it keeps one, else the picture's address on its site.
	 */
	imageUrl: z.string().nullable(),
	/** The same picture for cards and lists: the kept thumbnail, else the site's address. */
	thumbnailUrl: z.string().nullable(),
	/** The picture's address on its site, as the recipe named it (social sites' links expire). */
	sourceImageUrl: z.string().nullable(),
	description: z.string().nullable(),
	siteName: z.string().nullable(),
	/** The stated total time, else prep plus cook when both are stated. */
	totalMinutes: z.number().nullable(),
	createdAt: z.iso.datetime(),
	updatedAt: z.iso.datetime()
});
export type RecipeSummary = z.infer<typeof RecipeSummary>;

/** GET /api/recipes. `nextCursor` is null on the last page. */
export const RecipeList = z.object({
	recipes: z.array(RecipeSummary),
	nextCursor: z.string().nullable()
});
export type RecipeList = z.infer<typeof RecipeList>;

/** GET /api/recipes/{id}. `recipe` is null for a stored recipe that predates the current model. */
export const RecipeDetail = RecipeSummary.extend({
	itemId: z.uuid().nullable(),
	recipe: Recipe.nullable()
});
export type RecipeDetail = z.infer<typeof RecipeDetail>;
