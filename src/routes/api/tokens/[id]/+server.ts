import { revokeApiToken } from '$lib/server/auth/api-tokens';
import { api, ApiError, methodNotAllowed, requireSession } from '$lib/server/http/api';

/** Revokes a token at once; 404 for an unknown one or another user's. */
export const DELETE = api(async ({ params, locals }) => {
	const user = requireSession(locals);
	if (!(await revokeApiToken(locals.app.database, user.id, params.id ?? ''))) {
		throw new ApiError(404, 'not_found', 'no such token');
	}
	return new Response(null, { status: 204 });
});

export const fallback = methodNotAllowed(['DELETE']);
