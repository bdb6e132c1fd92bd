import { and, desc, eq, getTableColumns, ilike, isNull, or, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../db/client';
import { recipePictures, recipes } from '../db/schema';
import { encodeCursor, recipePictureUrl, type LibraryCursor, type RecipeDetail, type RecipeSummary } from '../../contract/library';
import { Recipe } from '../../contract/recipe';

/**
 * Reading the recipes in a person's library. Every function takes the user's id and only ever
 * sees that user's rows: someone else's recipe and a missing one look the same. A deleted recipe
 * (trash.ts) is not in any read.
 */

/** A library row, with the version of the picture Cookmark keeps of it (null: none kept). */
export type RecipeRow = typeof recipes.$inferSelect & { pictureVersion: string | null };

/** The recipe's columns and its kept picture's version, by the picture table's primary key. */
export const recipeColumns = {
	...getTableColumns(recipes),
	pictureVersion: sql<string | null>`(select ${recipePictures.hash} from ${recipePictures} where ${recipePictures.recipeId} = ${recipes.id} and ${recipePictures.size} = 'full')`
};

export interface ListRecipesOptions {
	/** Words to find in the title, the description or an ingredient's name (case-insensitive). */
	q?: string;
	limit: number;
	cursor?: LibraryCursor | null;
}

export interface RecipePage {
	rows: RecipeRow[];
	/** Where the next page starts; null when this page is the last. */
	nextCursor: string | null;
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `%` and `_` in what a person typed are letters, not wildcards. */
const likePattern = (q: string) => `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

function matches(q: string): SQL {
	const pattern = likePattern(q);
	// Ingredient names live in the jsonb recipe (groups → ingredients → name). jsonpath in lax mode
	// yields nothing for rows without that shape instead of failing the query; a line the parser
	// found no name in is searched by its text. Works alike on PostgreSQL 12+ and PGlite.
	const ingredient = sql`exists (
		select 1 from jsonb_path_query(${recipes.data}, '$.ingredientGroups[*].ingredients[*]') as i(v)
		where coalesce(i.v ->> 'name', i.v ->> 'text') ilike ${pattern}
	)`;
	return or(ilike(recipes.title, pattern), ilike(recipes.description, pattern), ingredient)!;
}

/**
 * The user's recipes, newest first, a page at a time. Keyset pagination on (created_at, id): a
 * recipe saved while someone scrolls neither shifts the pages nor shows up twice.
 */
export async function listRecipes(database: Database, userId: string, options: ListRecipesOptions): Promise<RecipePage> {
	const filters: SQL[] = [eq(recipes.userId, userId), isNull(recipes.deletedAt)];
	const q = options.q?.trim();
	if (q) filters.push(matches(q));
	if (options.cursor) {
		filters.push(sql`(${recipes.createdAt}, ${recipes.id}) < (${options.cursor.createdAt}::timestamptz, ${options.cursor.id}::uuid)`);
	}
	const rows = await database.db
		.select({
			...recipeColumns,
			// The cursor needs the microseconds the Date in `createdAt` drops.
			cursorAt: sql<string>`to_char(${recipes.createdAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`
		})
		.from(recipes)
		.where(and(...filters))
		.orderBy(desc(recipes.createdAt), desc(recipes.id))
		// One more than asked tells whether another page follows.
		.limit(options.limit + 1);
	const more = rows.length > options.limit;
	const page = more ? rows.slice(0, options.limit) : rows;
	const last = page.at(-1);
	return {
		rows: page.map(({ cursorAt: _, ...row }) => row),
		nextCursor: more && last ? encodeCursor({ createdAt: last.cursorAt, id: last.id }) : null
	};
}

/** One of the user's recipes, or null (missing, someone else's, or not an id at all). */
export async function getRecipe(database: Database, userId: string, id: string): Promise<RecipeRow | null> {
	if (!UUID.test(id)) return null;
	const [row] = await database.db
		.select(recipeColumns)
		.from(recipes)
		.where(and(eq(recipes.id, id.toLowerCase()), eq(recipes.userId, userId), isNull(recipes.deletedAt)));
	return row ?? null;
}

/** The stored recipe model, or null for data from before the current model (it does not parse). */
export function recipeOf(row: RecipeRow): Recipe | null {
	const parsed = Recipe.safeParse(row.data);
	return parsed.success ? parsed.data : null;
}

function totalMinutes(recipe: Recipe | null): number | null {
	if (!recipe) return null;
	if (recipe.totalMinutes !== null) return recipe.totalMinutes;
	return recipe.prepMinutes !== null && recipe.cookMinutes !== null ? recipe.prepMinutes + recipe.cookMinutes : null;
}

export function toSummary(row: RecipeRow, recipe: Recipe | null = recipeOf(row)): RecipeSummary {
	return {
		id: row.id,
		title: row.title,
		sourceUrl: row.sourceUrl,
		// Cookmark's copy when it keeps one; recipes saved before pictures were kept (or whose
		// picture could not be had) show the site's link, as they always did.
		imageUrl: row.pictureVersion ? recipePictureUrl(row.id, 'full', row.pictureVersion) : row.imageUrl,
		thumbnailUrl: row.pictureVersion ? recipePictureUrl(row.id, 'thumb', row.pictureVersion) : row.imageUrl,
		sourceImageUrl: row.imageUrl,
		description: row.description,
		siteName: recipe?.siteName ?? null,
		totalMinutes: totalMinutes(recipe),
		createdAt: row.createdAt.toISOString(),
		updatedAt: row.updatedAt.toISOString()
	};
}

export function toDetail(row: RecipeRow): RecipeDetail {
	const recipe = recipeOf(row);
	return { ...toSummary(row, recipe), itemId: row.itemId, recipe };
}
