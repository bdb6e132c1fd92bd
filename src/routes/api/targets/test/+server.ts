import { json } from '@sveltejs/kit';
import { TargetTestInput } from '$lib/contract/targets';
import { api, ApiError, currentUser, methodNotAllowed, readJson } from '$lib/server/http/api';
import { testTarget } from '$lib/server/targets/test-connection';

/** Test connection: checks an address and token (the saved token when none is given) without saving them. */
export const POST = api(async ({ request, locals }) => {
	const user = currentUser(locals);
	const input = await readJson(request, TargetTestInput);
	const outcome = await testTarget(locals.app.targets, user.id, input, request.signal);
	if (!outcome.ok) throw new ApiError(outcome.status, outcome.code, outcome.message);
	return json(outcome.report);
});

export const fallback = methodNotAllowed(['POST']);
