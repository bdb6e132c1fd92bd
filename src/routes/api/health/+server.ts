import { json } from '@sveltejs/kit';
import { methodNotAllowed } from '$lib/server/http/api';
import type { RequestHandler } from './$types';

/** Liveness: the process answers. Cheap, touches nothing. */
export const GET: RequestHandler = async ({ locals }) =>
	json({ ok: true, database: locals.app.database.kind, worker: locals.app.worker?.id ?? null, uptimeSeconds: Math.round(process.uptime()) });

export const fallback = methodNotAllowed(['GET']);
