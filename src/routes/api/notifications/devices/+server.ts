import { json } from '@sveltejs/kit';
import { api, currentUser, methodNotAllowed } from '$lib/server/http/api';
import { subscriptionsOf, toPushDevice } from '$lib/server/push/subscriptions';

/** The caller's subscribed devices (never their keys). */
export const GET = api(async ({ locals }) => {
	const rows = await subscriptionsOf(locals.app.database, currentUser(locals).id);
	return json({ devices: rows.map(toPushDevice) });
});

export const fallback = methodNotAllowed(['GET']);
