import { error } from '@sveltejs/kit';
import { currentUser } from '$lib/server/http/api';
import { getRecipe, toDetail } from '$lib/server/recipes/library';
import { sendState } from '$lib/server/recipes/send-form';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params, locals }) => {
	const row = await getRecipe(locals.app.database, currentUser(locals).id, params.id);
	if (!row) error(404, 'There is no such recipe in your library.');
	const detail = toDetail(row);
	if (!detail.recipe) error(409, 'This recipe was saved in an older format and cannot be edited. Share its link again to read it anew.');
	const send = await sendState(locals, row.id);
	// Only to tell the person that saving updates that copy too; the server decides for itself.
	const copyOn = send.targetKind !== 'none' && send.uploads.some((u) => u.kind === send.targetKind) ? send.targetKind : null;
	return { id: detail.id, recipe: detail.recipe, copyOn };
};
