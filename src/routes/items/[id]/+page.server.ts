import { error } from '@sveltejs/kit';
import { Recipe } from '$lib/contract/recipe';
import { currentUser } from '$lib/server/http/api';
import type { PageServerLoad } from './$types';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const load: PageServerLoad = async ({ params, locals }) => {
	// Someone else's item, or no item: the same answer.
	const user = currentUser(locals);
	const item = UUID.test(params.id) ? await locals.app.queue.get(user.id, params.id.toLowerCase()) : null;
	if (!item) error(404, 'There is no such item in your queue.');
	// The parsed recipe shows as soon as parsing is done, before it is saved; outputs from before
	// the recipe model existed do not parse and are simply not shown.
	const parsed = Recipe.safeParse(await locals.app.queue.phaseOutput(user.id, item.id, 'parsing'));
	return { item, recipe: parsed.success ? parsed.data : null };
};
