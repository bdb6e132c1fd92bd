import { api, ApiError, currentUser, methodNotAllowed } from '$lib/server/http/api';
import { removeSubscriptionById } from '$lib/server/push/subscriptions';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Removes one of the caller's devices (from Settings, e.g. a lost phone). */
export const DELETE = api(async ({ params, locals }) => {
	const id = params.id ?? '';
	if (!UUID.test(id) || !(await removeSubscriptionById(locals.app.database, currentUser(locals).id, id.toLowerCase()))) {
		throw new ApiError(404, 'not_found', 'no such device');
	}
	return new Response(null, { status: 204 });
});

export const fallback = methodNotAllowed(['DELETE']);
