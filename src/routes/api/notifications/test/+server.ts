import { json } from '@sveltejs/kit';
import { api, currentUser, methodNotAllowed } from '$lib/server/http/api';

/** Sends a test notification to every device of the caller; answers how many there are. */
export const POST = api(async ({ locals }) => json({ devices: await locals.app.notifier.sendTest(currentUser(locals).id) }));

export const fallback = methodNotAllowed(['POST']);
