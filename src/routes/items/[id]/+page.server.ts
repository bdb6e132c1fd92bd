import { error } from '@sveltejs/kit';
import { currentUser } from '$lib/server/http/api';
import type { PageServerLoad } from './$types';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const load: PageServerLoad = async ({ params, locals }) => {
	// Someone else's item, or no item: the same answer.
	const item = UUID.test(params.id) ? await locals.app.queue.get(currentUser(locals).id, params.id.toLowerCase()) : null;
	if (!item) error(404, 'There is no such item in your queue.');
	return { item };
};
