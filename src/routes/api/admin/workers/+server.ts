import { json } from '@sveltejs/kit';
import { readWorkers } from '$lib/server/admin/reads';
import { api, methodNotAllowed, requireAdmin } from '$lib/server/http/api';

/** The worker processes from their heartbeats, and what each runs. */
export const GET = api(async ({ locals }) => {
	requireAdmin(locals);
	return json({ workers: await readWorkers(locals.app) });
});

export const fallback = methodNotAllowed(['GET']);
