import { json } from '@sveltejs/kit';
import { api, methodNotAllowed, requireAdmin } from '$lib/server/http/api';

/** What the server reads with besides rules: the chat model, pictures, transcription, and where each is. */
export const GET = api(async ({ locals }) => {
	requireAdmin(locals);
	return json(locals.app.readingServices.view(true));
});

export const fallback = methodNotAllowed(['GET']);
