import { json } from '@sveltejs/kit';
import { api, currentUser, methodNotAllowed } from '$lib/server/http/api';
import { recipeNotFound, ownRecipe } from '$lib/server/recipes/http';
import { deleteRecipe, toDetail } from '$lib/server/recipes/library';

export const GET = api(async ({ params, locals }) => json(toDetail(await ownRecipe(locals, params.id))));

/** Deletes the recipe from the library; 204 with no body. The queue item it came from stays. */
export const DELETE = api(async ({ params, locals }) => {
	if (!(await deleteRecipe(locals.app.database, currentUser(locals).id, params.id ?? ''))) throw recipeNotFound();
	return new Response(null, { status: 204 });
});

export const fallback = methodNotAllowed(['GET', 'DELETE']);
