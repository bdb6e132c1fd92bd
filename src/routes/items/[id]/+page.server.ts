import { error, fail } from '@sveltejs/kit';
import { Recipe } from '$lib/contract/recipe';
import { currentUser } from '$lib/server/http/api';
import { sendAction, sendState } from '$lib/server/recipes/send-form';
import type { Actions, PageServerLoad } from './$types';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function ownItem(locals: App.Locals, id: string) {
	// Someone else's item, or no item: the same answer.
	const user = currentUser(locals);
	return UUID.test(id) ? await locals.app.items.get(user.id, id.toLowerCase()) : null;
}

const recipeIdOf = (results: Record<string, unknown> | null) => (typeof results?.recipeId === 'string' ? results.recipeId : null);

export const load: PageServerLoad = async ({ params, locals }) => {
	const item = await ownItem(locals, params.id);
	if (!item) error(404, 'There is no such item in your queue.');
	// The parsed recipe shows as soon as parsing is done, before it is saved; outputs from before
	// the recipe model existed do not parse and are simply not shown.
	const parsed = Recipe.safeParse(await locals.app.items.phaseOutput(currentUser(locals).id, item.id, 'parsing'));
	const recipeId = recipeIdOf(item.results);
	return { item, recipe: parsed.success ? parsed.data : null, send: recipeId ? await sendState(locals, recipeId) : null };
};

export const actions: Actions = {
	/** Sends the item's saved recipe to the user's Tandoor or Mealie (again). */
	send: async ({ params, locals, request }) => {
		const item = await ownItem(locals, params.id);
		const recipeId = item ? recipeIdOf(item.results) : null;
		if (!recipeId) return fail(404, { section: 'send', message: 'This item has no saved recipe yet.' });
		return sendAction(locals, recipeId, request.signal);
	}
};
