import { json } from '@sveltejs/kit';
import { Credentials } from '$lib/contract/auth';
import { clientOf } from '$lib/server/auth/client';
import { setSessionCookie } from '$lib/server/auth/request';
import { signUpAndIn } from '$lib/server/auth/sign-in';
import { api, methodNotAllowed, readJson } from '$lib/server/http/api';

/** 201 with the new account and a session cookie; the first account is the admin. */
export const POST = api(async (event) => {
	const body = await readJson(event.request, Credentials);
	const signedIn = await signUpAndIn(event.locals.app, body, clientOf(event));
	setSessionCookie(event.cookies, event.url, signedIn.token, signedIn.expiresAt);
	return json({ user: signedIn.user }, { status: 201 });
});

export const fallback = methodNotAllowed(['POST']);
