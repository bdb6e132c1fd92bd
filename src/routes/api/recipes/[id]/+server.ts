import { json } from '@sveltejs/kit';
import { RecipePatch, type EditedRecipe } from '$lib/contract/recipe-edit';
import { api, ApiError, currentUser, methodNotAllowed, readJsonFields } from '$lib/server/http/api';
import { editRecipe } from '$lib/server/recipes/edit';
import { recipeNotFound, ownRecipe } from '$lib/server/recipes/http';
import { recipeOf, toDetail } from '$lib/server/recipes/library';
import { deleteRecipe } from '$lib/server/recipes/trash';
import { resendEdited } from '$lib/server/targets/resend';

export const GET = api(async ({ params, locals }) => json(toDetail(await ownRecipe(locals, params.id))));

/**
 * Saves an edit, then brings the copy on the person's Tandoor or Mealie up to date. The edit is
 * committed before the target is asked, so a slow or failing server never loses it; the answer
 * says what became of the copy. The request's own signal is not passed on: a person who leaves
 * the page once it is saved still gets the copy updated.
 */
export const PATCH = api(async ({ params, locals, request }) => {
	const user = currentUser(locals);
	const patch = await readJsonFields(request, RecipePatch);
	const edited = await editRecipe(locals.app.database, user.id, params.id ?? '', patch);
	if (!edited.ok && edited.reason === 'missing') throw recipeNotFound();
	if (!edited.ok) throw new ApiError(409, 'recipe_outdated', 'this recipe was saved by an older version and cannot be edited; share the link again');
	const recipe = recipeOf(edited.row)!;
	const targetUpdate = await resendEdited(locals.app.targets, locals.app.database, { userId: user.id, recipeId: edited.row.id, recipe }, locals.log);
	const body: EditedRecipe = { ...toDetail(edited.row), targetUpdate };
	return json(body);
});

/** Deletes the recipe from the library (restorable for a while, see /restore); 204 with no body. The queue item it came from stays. */
export const DELETE = api(async ({ params, locals }) => {
	if (!(await deleteRecipe(locals.app.database, currentUser(locals).id, params.id ?? ''))) throw recipeNotFound();
	return new Response(null, { status: 204 });
});

export const fallback = methodNotAllowed(['GET', 'PATCH', 'DELETE']);
