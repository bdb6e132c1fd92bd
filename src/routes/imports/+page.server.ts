import { fail, redirect } from '@sveltejs/kit';
import { MAX_IMPORT_LINKS } from '$lib/contract/imports';
import { ApiError, currentUser } from '$lib/server/http/api';
import { batchView, createImport, planImport, plannedEta } from '$lib/server/imports/batches';
import { readImportRequest } from '$lib/server/imports/read-request';
import type { Actions, PageServerLoad } from './$types';

const LISTED = 20;

export const load: PageServerLoad = async ({ locals }) => {
	const app = locals.app;
	const rows = await app.queue.batches(currentUser(locals).id, LISTED);
	return { batches: await Promise.all(rows.map((r) => batchView(app, r))), limit: MAX_IMPORT_LINKS, perMinute: app.config.FETCH_HOST_RATE_PER_MINUTE };
};

/** The form's answer to bad input: the API's message, under the form. */
async function read(request: Request) {
	try {
		return { asked: await readImportRequest(request) };
	} catch (err) {
		if (err instanceof ApiError && err.status < 500) return { failed: fail(err.status, { message: err.message }) };
		throw err;
	}
}

export const actions: Actions = {
	/** Counts what the links would make, and makes nothing. */
	preview: async ({ request, locals }) => {
		const { asked, failed } = await read(request);
		if (!asked) return failed;
		const plan = await planImport(locals.app, currentUser(locals).id, asked.links);
		return { preview: { counts: plan.counts, etaSeconds: plannedEta(locals.app, plan), label: asked.label } };
	},

	/** Makes the batch and opens its page. */
	import: async ({ request, locals }) => {
		const { asked, failed } = await read(request);
		if (!asked) return failed;
		const userId = currentUser(locals).id;
		let id: string;
		try {
			id = (await createImport(locals.app, userId, await planImport(locals.app, userId, asked.links), asked.label)).id;
		} catch (err) {
			if (err instanceof ApiError && err.status < 500) return fail(err.status, { message: err.message });
			throw err;
		}
		redirect(303, `/imports/${id}`);
	}
};
