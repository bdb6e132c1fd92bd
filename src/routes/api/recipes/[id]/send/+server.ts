import { json } from '@sveltejs/kit';
import { api, ApiError, currentUser, methodNotAllowed } from '$lib/server/http/api';
import { ownRecipe } from '$lib/server/recipes/http';
import { recipeOf } from '$lib/server/recipes/library';
import { resendRecipe } from '$lib/server/targets/resend';

/** Sends a saved recipe to the user's Tandoor or Mealie again; one copy there, however often. */
export const POST = api(async ({ params, locals, request }) => {
	const user = currentUser(locals);
	const row = await ownRecipe(locals, params.id);
	const recipe = recipeOf(row);
	if (!recipe) throw new ApiError(409, 'not_sendable', 'this recipe was saved by an older version and cannot be sent; import it again');
	const outcome = await resendRecipe(locals.app.targets, { userId: user.id, recipeId: row.id, recipe, signal: request.signal });
	if (!outcome.ok) throw new ApiError(outcome.status, outcome.code, outcome.message);
	return json(outcome.link);
});

export const fallback = methodNotAllowed(['POST']);
