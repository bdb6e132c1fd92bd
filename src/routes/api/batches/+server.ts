import { json } from '@sveltejs/kit';
import type { BatchList, BatchPreview } from '$lib/contract/imports';
import { api, currentUser, methodNotAllowed } from '$lib/server/http/api';
import { batchView, createImport, planImport, plannedEta } from '$lib/server/imports/batches';
import { readImportRequest } from '$lib/server/imports/read-request';

/** How many batches the list shows (newest first). */
const LISTED = 50;

/**
 * A bulk import: JSON (`links` or `text`) or a multipart file. With `preview`, only what it would
 * do (200); otherwise 201 with the batch, its items queued behind anything a person waits on.
 */
export const POST = api(async ({ request, locals }) => {
	const userId = currentUser(locals).id;
	const asked = await readImportRequest(request);
	const plan = await planImport(locals.app, userId, asked.links);
	if (asked.preview) {
		const answer: BatchPreview = { preview: true, counts: plan.counts, etaSeconds: plannedEta(locals.app, plan) };
		return json(answer);
	}
	const batch = await createImport(locals.app, userId, plan, asked.label);
	return json(batch, { status: 201, headers: { location: `/api/batches/${batch.id}` } });
});

export const GET = api(async ({ locals }) => {
	const app = locals.app;
	const rows = await app.queue.batches(currentUser(locals).id, LISTED);
	const answer: BatchList = { batches: await Promise.all(rows.map((r) => batchView(app, r))) };
	return json(answer);
});

export const fallback = methodNotAllowed(['GET', 'POST']);
