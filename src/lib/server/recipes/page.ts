import { error } from '@sveltejs/kit';
import { currentUser } from '../http/api';
import { getRecipe, toDetail, type RecipeRow } from './library';
import type { RecipeDetail } from '$lib/contract/library';
import type { Recipe } from '$lib/contract/recipe';

/** A recipe page's recipe: the signed-in user's, or the page's 404 (someone else's reads the same). */
export async function ownRecipeOr404(locals: App.Locals, id: string): Promise<RecipeRow> {
	const row = await getRecipe(locals.app.database, currentUser(locals).id, id);
	if (!row) error(404, 'There is no such recipe in your library.');
	return row;
}

/** For pages that need the recipe's contents (editing, cooking): an older saved format is a 409. */
export function readableDetail(row: RecipeRow, doing: string): RecipeDetail & { recipe: Recipe } {
	const detail = toDetail(row);
	if (!detail.recipe) error(409, `This recipe was saved in an older format, so it cannot be ${doing}. Import it again to read it anew.`);
	return { ...detail, recipe: detail.recipe };
}
