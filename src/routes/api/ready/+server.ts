import { json } from '@sveltejs/kit';
import { sql } from 'drizzle-orm';
import { databaseUnavailable, errorResponse, methodNotAllowed } from '$lib/server/http/api';
import type { RequestHandler } from './$types';

/** Readiness: the database answers and the process is not shutting down. */
export const GET: RequestHandler = async ({ locals }) => {
	const { app } = locals;
	if (!app.accepting) return errorResponse(503, 'shutting_down', 'this process is shutting down');
	try {
		await app.database.rows(sql`select 1`);
	} catch {
		return databaseUnavailable();
	}
	return json({
		ok: true,
		database: app.database.kind,
		worker: app.worker ? { id: app.worker.id, active: app.worker.activeCount } : null,
		live: { connections: app.live.connectionCount }
	});
};

export const fallback = methodNotAllowed(['GET']);
