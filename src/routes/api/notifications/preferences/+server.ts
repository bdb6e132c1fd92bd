import { json } from '@sveltejs/kit';
import { eq } from 'drizzle-orm';
import { NotificationPreferences } from '$lib/contract/push';
import { users } from '$lib/server/db/schema';
import { api, currentUser, methodNotAllowed, readJson } from '$lib/server/http/api';

/** Which notifications this person wants: when a recipe is saved, when an import fails. */
export const GET = api(async ({ locals }) => {
	const [row] = await locals.app.database.db
		.select({ success: users.notifySuccess, failure: users.notifyFailure })
		.from(users)
		.where(eq(users.id, currentUser(locals).id));
	return json(row);
});

export const PUT = api(async ({ request, locals }) => {
	const prefs = await readJson(request, NotificationPreferences);
	await locals.app.database.db.update(users).set({ notifySuccess: prefs.success, notifyFailure: prefs.failure }).where(eq(users.id, currentUser(locals).id));
	return json(prefs);
});

export const fallback = methodNotAllowed(['GET', 'PUT']);
