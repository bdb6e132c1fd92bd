import { json } from '@sveltejs/kit';
import { api, currentUser, methodNotAllowed } from '$lib/server/http/api';

/** Who the request is signed in as, and how (session cookie or API token). */
export const GET = api(async ({ locals }) => json({ user: currentUser(locals), via: locals.auth.via }));

export const fallback = methodNotAllowed(['GET']);
