import { json } from '@sveltejs/kit';
import { StatsQuery } from '$lib/contract/admin';
import { readStats } from '$lib/server/admin/reads';
import { api, methodNotAllowed, parseQuery, requireAdmin } from '$lib/server/http/api';

/** Items saved and failed, success rate and phase durations over the last 24 h or 7 days. */
export const GET = api(async ({ locals, url }) => {
	requireAdmin(locals);
	const { range } = parseQuery(url, StatsQuery);
	return json(await readStats(locals.app, range));
});

export const fallback = methodNotAllowed(['GET']);
