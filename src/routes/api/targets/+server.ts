import { json } from '@sveltejs/kit';
import { TargetInput } from '$lib/contract/targets';
import { api, ApiError, currentUser, methodNotAllowed, readJson } from '$lib/server/http/api';
import { TargetInputError } from '$lib/server/targets/settings';

/** Where this person's recipes go besides the library (the token is never part of an answer). */
export const GET = api(async ({ locals }) => {
	return json(await locals.app.targets.settings.view(currentUser(locals).id));
});

export const PUT = api(async ({ request, locals }) => {
	const user = currentUser(locals);
	const input = await readJson(request, TargetInput);
	try {
		await locals.app.targets.settings.save(user.id, input);
	} catch (err) {
		if (err instanceof TargetInputError) throw new ApiError(400, 'validation_failed', err.message, [{ path: 'token', message: err.message }]);
		throw err;
	}
	return json(await locals.app.targets.settings.view(user.id));
});

/** Back to the server's default target (or library only when there is none). */
export const DELETE = api(async ({ locals }) => {
	const user = currentUser(locals);
	await locals.app.targets.settings.reset(user.id);
	return json(await locals.app.targets.settings.view(user.id));
});

export const fallback = methodNotAllowed(['GET', 'PUT', 'DELETE']);
