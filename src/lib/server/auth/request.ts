import type { Cookies, RequestEvent } from '@sveltejs/kit';
import type { Database } from '../db/client';
import { validateApiToken } from './api-tokens';
import { validateSessionToken, type SessionUser } from './sessions';

export const SESSION_COOKIE = 'cookmark_session';

export type RequestAuth =
	| { user: SessionUser; via: 'session'; sessionId: string }
	| { user: SessionUser; via: 'token' }
	| { user: null; via: null; problem?: 'bad_authorization' | 'invalid_token' };

/**
 * Who is asking: an `Authorization: Bearer` API token, else the session cookie. A bearer header
 * that does not check out is reported, never silently ignored, so a script with a revoked token
 * gets a clear 401 instead of being treated as a visitor.
 */
export async function authenticate(database: Database, event: RequestEvent): Promise<RequestAuth> {
	const header = event.request.headers.get('authorization');
	if (header !== null) {
		const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
		if (!match) return { user: null, via: null, problem: 'bad_authorization' };
		const user = await validateApiToken(database, match[1]!);
		return user ? { user, via: 'token' } : { user: null, via: null, problem: 'invalid_token' };
	}
	const token = event.cookies.get(SESSION_COOKIE);
	if (!token) return { user: null, via: null };
	const validated = await validateSessionToken(database, token);
	if (!validated) {
		clearSessionCookie(event.cookies, event.url);
		return { user: null, via: null };
	}
	if (validated.renewed) setSessionCookie(event.cookies, event.url, token, validated.session.expiresAt);
	return { user: validated.user, via: 'session', sessionId: validated.session.id };
}

/** httpOnly, SameSite=Lax, Secure when served over https, for the session's lifetime. */
export function setSessionCookie(cookies: Cookies, url: URL, token: string, expiresAt: Date): void {
	cookies.set(SESSION_COOKIE, token, {
		path: '/',
		httpOnly: true,
		sameSite: 'lax',
		secure: url.protocol === 'https:',
		expires: expiresAt
	});
}

export function clearSessionCookie(cookies: Cookies, url: URL): void {
	cookies.delete(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'lax', secure: url.protocol === 'https:' });
}
