import { json } from '@sveltejs/kit';
import { api, methodNotAllowed } from '$lib/server/http/api';

/** The server's VAPID public key, for PushManager.subscribe({applicationServerKey}). */
export const GET = api(async ({ locals }) => json({ publicKey: locals.app.vapid.publicKey }));

export const fallback = methodNotAllowed(['GET']);
