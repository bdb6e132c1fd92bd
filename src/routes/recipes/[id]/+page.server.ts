import { fail, redirect } from '@sveltejs/kit';
import { currentUser } from '$lib/server/http/api';
import { getRecipe, toDetail } from '$lib/server/recipes/library';
import { ownRecipeOr404 } from '$lib/server/recipes/page';
import { deleteRecipe } from '$lib/server/recipes/trash';
import { sendAction, sendState } from '$lib/server/recipes/send-form';
import { reimportRecipe } from '$lib/server/shares/reimport';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params, locals }) => {
	const row = await ownRecipeOr404(locals, params.id);
	return { detail: toDetail(row), send: await sendState(locals, row.id) };
};

export const actions: Actions = {
	/** Sends this recipe to the user's Tandoor or Mealie (again); one copy there, however often. */
	send: async ({ params, locals, request }) => sendAction(locals, params.id, request.signal),

	/** Import again: the page is read anew and this recipe updated in place; the item page follows it. */
	reimport: async ({ params, locals }) => {
		const user = currentUser(locals);
		const row = await getRecipe(locals.app.database, user.id, params.id);
		if (!row) return fail(404, { section: 'reimport', message: 'That recipe is no longer in your library.' });
		const result = await reimportRecipe(locals.app, user.id, row);
		if (result.kind === 'running') return fail(409, { section: 'reimport', message: 'It is already being imported.', itemId: result.item.id });
		redirect(303, `/items/${result.item.id}`);
	},

	/** Deletes at once, no question asked: the library it goes back to offers Undo instead. */
	delete: async ({ params, locals }) => {
		if (!(await deleteRecipe(locals.app.database, currentUser(locals).id, params.id))) {
			return fail(404, { message: 'That recipe is no longer in your library.' });
		}
		redirect(303, `/recipes?deleted=${encodeURIComponent(params.id.toLowerCase())}`);
	}
};
