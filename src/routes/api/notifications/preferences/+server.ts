import { json } from '@sveltejs/kit';
import { NotificationPreferences } from '$lib/contract/push';
import { getPreferences, setPreferences } from '$lib/server/push/preferences';
import { api, currentUser, methodNotAllowed, readJson } from '$lib/server/http/api';

/** Which notifications this person wants: when a recipe is saved, when an import fails. */
export const GET = api(async ({ locals }) => {
	return json(await getPreferences(locals.app.database, currentUser(locals).id));
});

export const PUT = api(async ({ request, locals }) => {
	const prefs = await readJson(request, NotificationPreferences);
	await setPreferences(locals.app.database, currentUser(locals).id, prefs);
	return json(prefs);
});

export const fallback = methodNotAllowed(['GET', 'PUT']);
