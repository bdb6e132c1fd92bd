import { json } from '@sveltejs/kit';
import { api, currentUser, methodNotAllowed } from '$lib/server/http/api';
import { recipeNotFound } from '$lib/server/recipes/http';
import { toDetail } from '$lib/server/recipes/library';
import { restoreRecipe } from '$lib/server/recipes/trash';

/** Undoes a delete within RESTORE_WINDOW_MS; a recipe that is not deleted is answered as it is. */
export const POST = api(async ({ params, locals }) => {
	const row = await restoreRecipe(locals.app.database, currentUser(locals).id, params.id ?? '');
	if (!row) throw recipeNotFound();
	return json(toDetail(row));
});

export const fallback = methodNotAllowed(['POST']);
