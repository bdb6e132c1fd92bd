import { json, type RequestHandler } from '@sveltejs/kit';
import type { ActionResult } from '../shares/items';
import { api, ApiError, currentUser, itemId, notFound } from './api';

const verbs = { retry: 'retried', cancel: 'canceled' } as const;

/** POST /api/queue/:id/{retry,cancel}: 200 with the item, 404, or 409 naming the state that forbids it. */
export function itemAction(action: keyof typeof verbs): RequestHandler {
	return api(async ({ params, locals }) => {
		const id = itemId(params.id);
		const result: ActionResult =
			action === 'retry' ? await locals.app.items.retry(currentUser(locals).id, id) : await locals.app.items.cancel(currentUser(locals).id, id);
		if (result.kind === 'not_found') throw notFound();
		if (result.kind === 'conflict') {
			if (result.reason === 'duplicate_active') {
				throw new ApiError(409, 'duplicate_active', 'the same link is already queued in another item');
			}
			throw new ApiError(409, 'invalid_state', `an item that is ${result.status.replace('_', ' ')} cannot be ${verbs[action]}`);
		}
		return json(result.item);
	});
}
