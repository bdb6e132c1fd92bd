import { json } from '@sveltejs/kit';
import { LoginRequest } from '$lib/contract/auth';
import { clientOf } from '$lib/server/auth/client';
import { setSessionCookie } from '$lib/server/auth/request';
import { logIn } from '$lib/server/auth/sign-in';
import { api, methodNotAllowed, readJson } from '$lib/server/http/api';

/** 200 with the account and a session cookie; 401 for wrong credentials; 429 after too many tries. */
export const POST = api(async (event) => {
	const body = await readJson(event.request, LoginRequest);
	const signedIn = await logIn(event.locals.app, body, clientOf(event));
	setSessionCookie(event.cookies, event.url, signedIn.token, signedIn.expiresAt);
	return json({ user: signedIn.user });
});

export const fallback = methodNotAllowed(['POST']);
