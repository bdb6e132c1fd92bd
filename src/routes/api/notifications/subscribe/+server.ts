import { json } from '@sveltejs/kit';
import { SubscribeRequest, UnsubscribeRequest } from '$lib/contract/push';
import { api, currentUser, methodNotAllowed, readJson } from '$lib/server/http/api';
import { deviceLabel } from '$lib/server/push/device';
import { removeSubscription, saveSubscription } from '$lib/server/push/subscriptions';

/** Registers this device for push (upsert by endpoint): 201 with the device's id and label. */
export const POST = api(async ({ request, locals }) => {
	const user = currentUser(locals);
	const { subscription } = await readJson(request, SubscribeRequest);
	const row = await saveSubscription(locals.app.database, {
		userId: user.id,
		endpoint: subscription.endpoint,
		p256dh: subscription.keys.p256dh,
		auth: subscription.keys.auth,
		device: deviceLabel(request.headers.get('user-agent'))
	});
	return json({ id: row.id, device: row.device }, { status: 201 });
});

/** Unsubscribes this device; 204 also when it was not subscribed. */
export const DELETE = api(async ({ request, locals }) => {
	const user = currentUser(locals);
	const { endpoint } = await readJson(request, UnsubscribeRequest);
	await removeSubscription(locals.app.database, user.id, endpoint);
	return new Response(null, { status: 204 });
});

export const fallback = methodNotAllowed(['POST', 'DELETE']);
