import { json } from '@sveltejs/kit';
import type { PushDevice } from '$lib/contract/push';
import { api, currentUser, methodNotAllowed } from '$lib/server/http/api';
import { subscriptionsOf } from '$lib/server/push/subscriptions';

/** The caller's subscribed devices (never their keys). */
export const GET = api(async ({ locals }) => {
	const rows = await subscriptionsOf(locals.app.database, currentUser(locals).id);
	const devices: PushDevice[] = rows.map((r) => ({
		id: r.id,
		device: r.device,
		createdAt: r.createdAt.toISOString(),
		lastSuccessAt: r.lastSuccessAt?.toISOString() ?? null
	}));
	return json({ devices });
});

export const fallback = methodNotAllowed(['GET']);
