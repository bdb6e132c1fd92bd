import { json } from '@sveltejs/kit';
import { z } from 'zod';
import { SessionCookie, SessionPlatform } from '$lib/contract/platform-sessions';
import { api, ApiError, currentUser, methodNotAllowed, readJson } from '$lib/server/http/api';

function platformOf(value: string | undefined): SessionPlatform {
	const parsed = SessionPlatform.safeParse(value);
	if (!parsed.success) throw new ApiError(404, 'not_found', 'no such platform: instagram or tiktok');
	return parsed.data;
}

/** Saves or replaces the session; the answer says when, never the value. */
export const PUT = api(async ({ params, request, locals }) => {
	const user = currentUser(locals);
	const platform = platformOf(params.platform);
	const { cookie } = await readJson(request, z.object({ cookie: SessionCookie(platform) }));
	await locals.app.platformSessions.save(user.id, platform, cookie);
	const saved = (await locals.app.platformSessions.list(user.id)).find((s) => s.platform === platform)!;
	return json(saved);
});

export const DELETE = api(async ({ params, locals }) => {
	const user = currentUser(locals);
	if (!(await locals.app.platformSessions.remove(user.id, platformOf(params.platform)))) throw new ApiError(404, 'not_found', 'no session saved for this platform');
	return new Response(null, { status: 204 });
});

export const fallback = methodNotAllowed(['PUT', 'DELETE']);
