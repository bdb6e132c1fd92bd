import { ApiError, currentUser } from '../http/api';
import { getRecipe, type RecipeRow } from './library';

/** The library's 404: the same for a missing recipe, someone else's and an id that is no id. */
export const recipeNotFound = () => new ApiError(404, 'not_found', 'no such recipe');

/** The signed-in user's recipe named by a path id, or a JSON 404. */
export async function ownRecipe(locals: App.Locals, id: string | undefined): Promise<RecipeRow> {
	const row = id ? await getRecipe(locals.app.database, currentUser(locals).id, id) : null;
	if (!row) throw recipeNotFound();
	return row;
}
