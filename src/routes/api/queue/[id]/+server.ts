import { json } from '@sveltejs/kit';
import { api, currentUser, itemId, methodNotAllowed, notFound } from '$lib/server/http/api';

export const GET = api(async ({ params, locals }) => {
	const item = await locals.app.items.get(currentUser(locals).id, itemId(params.id));
	if (!item) throw notFound();
	return json(item);
});

/** Deletes the item (aborting it if it runs); 204 with no body. */
export const DELETE = api(async ({ params, locals }) => {
	const removed = await locals.app.items.remove(currentUser(locals).id, itemId(params.id));
	if (!removed) throw notFound();
	return new Response(null, { status: 204 });
});

export const fallback = methodNotAllowed(['GET', 'DELETE']);
