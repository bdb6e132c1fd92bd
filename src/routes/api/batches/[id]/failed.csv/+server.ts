import { api, currentUser, methodNotAllowed } from '$lib/server/http/api';
import { ownBatch } from '$lib/server/imports/batches';
import { csvRow } from '$lib/server/imports/csv';

const PAGE = 100;

/** The batch's failed links with their reasons, as a CSV file to keep or to mend and import again. */
export const GET = api(async ({ params, locals }) => {
	const userId = currentUser(locals).id;
	const batch = await ownBatch(locals.app, userId, params.id);
	const lines = [csvRow(['url', 'status', 'reason', 'finished'])];
	for (let cursor: string | undefined, more = true; more; ) {
		const page = await locals.app.items.list({ userId, batchId: batch.id, statuses: ['error', 'dead'], limit: PAGE, cursor });
		for (const item of page.items) lines.push(csvRow([item.url ?? item.label, item.status === 'dead' ? 'gave up' : 'failed', item.error?.message ?? '', item.finishedAt ?? '']));
		more = page.nextCursor !== null;
		cursor = page.nextCursor ?? undefined;
	}
	const name = batch.label.replace(/\.[a-z0-9]{1,5}$/i, '').replace(/[^\w.-]+/g, '-').slice(0, 60) || 'import';
	return new Response(lines.join('\r\n') + '\r\n', {
		headers: {
			'content-type': 'text/csv; charset=utf-8',
			'content-disposition': `attachment; filename="${name}-failed.csv"`,
			'cache-control': 'private, no-store'
		}
	});
});

export const fallback = methodNotAllowed(['GET']);
