import { json } from '@sveltejs/kit';
import { api, ApiError, currentUser, methodNotAllowed } from '$lib/server/http/api';
import { ownRecipe } from '$lib/server/recipes/http';
import { reimportRecipe } from '$lib/server/shares/reimport';

/** Import again: 202 with the new item, which updates this recipe in place; 409 while one is running. */
export const POST = api(async ({ params, locals }) => {
	const row = await ownRecipe(locals, params.id);
	const result = await reimportRecipe(locals.app, currentUser(locals).id, row);
	const location = `/api/queue/${result.item.id}`;
	if (result.kind === 'running') {
		throw new ApiError(409, 'import_running', 'this recipe is already being imported; follow that item', undefined, { location });
	}
	return json(result.item, { status: 202, headers: { location } });
});

export const fallback = methodNotAllowed(['POST']);
