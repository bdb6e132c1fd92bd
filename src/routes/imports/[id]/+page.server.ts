import { error } from '@sveltejs/kit';
import { currentUser } from '$lib/server/http/api';
import { batchView, isBatchId } from '$lib/server/imports/batches';
import type { PageServerLoad } from './$types';

const FAILED_SHOWN = 100;
const ITEMS_SHOWN = 30;

export const load: PageServerLoad = async ({ params, locals, depends }) => {
	depends('app:batch');
	const app = locals.app;
	const userId = currentUser(locals).id;
	const row = isBatchId(params.id) ? await app.queue.batch(userId, params.id) : null;
	if (!row) error(404, 'There is no such import.');
	const [batch, failed, items] = await Promise.all([
		batchView(app, row),
		app.items.list({ userId, batchId: row.id, statuses: ['error', 'dead'], limit: FAILED_SHOWN }),
		app.items.list({ userId, batchId: row.id, limit: ITEMS_SHOWN })
	]);
	return { batch, failed, items };
};
