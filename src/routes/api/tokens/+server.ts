import { json } from '@sveltejs/kit';
import { CreateTokenRequest } from '$lib/contract/auth';
import { createApiToken, listApiTokens } from '$lib/server/auth/api-tokens';
import { api, methodNotAllowed, readJson, requireSession } from '$lib/server/http/api';

/** 201 `{id, name, token, …}`: the token is shown this once and stored only as a hash. */
export const POST = api(async ({ request, locals }) => {
	const user = requireSession(locals);
	const { name } = await readJson(request, CreateTokenRequest);
	return json(await createApiToken(locals.app.database, user.id, name), { status: 201 });
});

export const GET = api(async ({ locals }) => {
	const user = requireSession(locals);
	return json({ tokens: await listApiTokens(locals.app.database, user.id) });
});

export const fallback = methodNotAllowed(['GET', 'POST']);
