import { json } from '@sveltejs/kit';
import { ListRecipesQuery, type RecipeList } from '$lib/contract/library';
import { api, currentUser, methodNotAllowed, parseQuery } from '$lib/server/http/api';
import { listRecipes, toSummary } from '$lib/server/recipes/library';

/** The library, newest first: ?q= searches, ?cursor= (a previous answer's nextCursor) pages on. */
export const GET = api(async ({ url, locals }) => {
	const q = parseQuery(url, ListRecipesQuery);
	const page = await listRecipes(locals.app.database, currentUser(locals).id, { q: q.q, limit: q.limit, cursor: q.cursor });
	const body: RecipeList = { recipes: page.rows.map((row) => toSummary(row)), nextCursor: page.nextCursor };
	return json(body);
});

export const fallback = methodNotAllowed(['GET']);
