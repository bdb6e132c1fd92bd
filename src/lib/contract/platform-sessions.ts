import { z } from 'zod';

/** Sites where a person may save their own login, for servers those sites always show a login wall. */
export const sessionPlatforms = ['instagram', 'tiktok'] as const;
export const SessionPlatform = z.enum(sessionPlatforms);
export type SessionPlatform = z.infer<typeof SessionPlatform>;

export const sessionPlatformNames: Record<SessionPlatform, string> = { instagram: 'Instagram', tiktok: 'TikTok' };

/** The cookie that is the login itself; a pasted header without one of these would log nobody in. */
const loginCookies: Record<SessionPlatform, readonly string[]> = {
	instagram: ['sessionid'],
	tiktok: ['sessionid', 'sessionid_ss', 'sid_tt']
};

// RFC 6265: a cookie name is a token; a value is printable ASCII without spaces, quotes, commas, semicolons or backslashes (optionally quoted).
const COOKIE_PAIR = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+)=("?)([\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]*)\2$/;

/** The most a pasted cookie may be: more than any login, less than a whole browser profile. */
export const MAX_COOKIE_LENGTH = 8192;

// What the API document can say of the field; SessionCookie adds what needs the platform.
const CookieText = z
	.string()
	.max(MAX_COOKIE_LENGTH, 'that is longer than any login cookie: paste only the Cookie header’s value')
	.regex(/\S/, 'paste the cookie');

/**
 * What a person pastes: the whole Cookie header from their browser (with or without `Cookie:`),
 * or just the login cookie (`sessionid=…`). Normalised into a Cookie header value; refused
 * unless every part is a cookie and the platform's login cookie is among them.
 */
export function SessionCookie(platform: SessionPlatform) {
	const needed = loginCookies[platform];
	return CookieText.transform((raw, ctx) => {
		const pairs = raw
			.trim()
			.replace(/^cookie:\s*/i, '')
			.split(';')
			.map((part) => part.trim())
			.filter(Boolean);
		const bad = pairs.find((pair) => !COOKIE_PAIR.test(pair));
		if (bad !== undefined || pairs.length === 0) {
			ctx.addIssue({ code: 'custom', message: 'that is not a cookie: paste name=value pairs such as sessionid=…, separated by semicolons' });
			return z.NEVER;
		}
		const names = pairs.map((pair) => pair.slice(0, pair.indexOf('=')));
		if (!names.some((name) => needed.includes(name))) {
			ctx.addIssue({ code: 'custom', message: `the ${sessionPlatformNames[platform]} login cookie (${needed.join(' or ')}) is missing` });
			return z.NEVER;
		}
		return pairs.join('; ');
	});
}

export const SessionInput = z.object({
	cookie: CookieText.describe(
		'The Cookie header value (`name=value` pairs separated by semicolons, `Cookie:` in front allowed), or just the login cookie. ' +
			`It must hold the platform's login cookie: ${sessionPlatforms.map((p) => `${loginCookies[p].map((name) => `\`${name}\``).join(' or ')} for ${sessionPlatformNames[p]}`).join('; ')}.`
	)
});

/** A saved session as shown: never its value, only when it was saved and used. */
export const PlatformSessionView = z.object({
	platform: SessionPlatform,
	savedAt: z.iso.datetime(),
	lastUsedAt: z.iso.datetime().nullable(),
	/** When the platform last showed its login page despite the session: it needs pasting anew. */
	expiredAt: z.iso.datetime().nullable()
});
export type PlatformSessionView = z.infer<typeof PlatformSessionView>;

export const PlatformSessionList = z.object({ sessions: z.array(PlatformSessionView) });
export type PlatformSessionList = z.infer<typeof PlatformSessionList>;
