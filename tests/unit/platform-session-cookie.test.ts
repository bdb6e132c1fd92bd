import { describe, expect, it } from 'vitest';
import { SessionCookie } from '../../src/lib/contract/platform-sessions';
import { isLoginPage, sessionPlatformOf } from '../../src/lib/server/platform-sessions/hosts';

const parse = (platform: 'instagram' | 'tiktok', raw: string) => SessionCookie(platform).safeParse(raw);
const accepted = (platform: 'instagram' | 'tiktok', raw: string) => {
	const result = parse(platform, raw);
	if (!result.success) throw new Error(`refused: ${result.error.issues[0]?.message}`);
	return result.data;
};
const refusal = (platform: 'instagram' | 'tiktok', raw: string) => {
	const result = parse(platform, raw);
	if (result.success) throw new Error(`accepted: ${result.data}`);
	return result.error.issues[0]!.message;
};

describe('a pasted session cookie', () => {
	it('the whole Cookie header, as copied from the browser, is kept as one header value', () => {
		expect(accepted('instagram', 'csrftoken=abc; ds_user_id=42; sessionid=42%3AxYz%3A1;  mid=Z-1')).toBe('csrftoken=abc; ds_user_id=42; sessionid=42%3AxYz%3A1; mid=Z-1');
	});

	it('with its "Cookie:" name, stray whitespace and a trailing semicolon, normalised', () => {
		expect(accepted('instagram', '  Cookie: sessionid=42%3AxYz ;\n')).toBe('sessionid=42%3AxYz');
		expect(accepted('tiktok', 'cookie:sid_tt=abc123;tt_csrf_token=q;')).toBe('sid_tt=abc123; tt_csrf_token=q');
	});

	it('just the login cookie is enough; TikTok accepts either of its login cookies', () => {
		expect(accepted('instagram', 'sessionid=1234')).toBe('sessionid=1234');
		expect(accepted('tiktok', 'sessionid=abc')).toBe('sessionid=abc');
		expect(accepted('tiktok', 'sid_tt=abc')).toBe('sid_tt=abc');
	});

	it('without the platform’s login cookie it is refused, saying which is missing', () => {
		expect(refusal('instagram', 'csrftoken=abc; mid=Z')).toBe('the Instagram login cookie (sessionid) is missing');
		expect(refusal('instagram', 'sid_tt=abc')).toBe('the Instagram login cookie (sessionid) is missing');
		expect(refusal('tiktok', 'tt_csrf_token=q')).toBe('the TikTok login cookie (sessionid or sessionid_ss or sid_tt) is missing');
	});

	it('what is not a cookie is refused: a bare value, control characters, header injection, a JSON export', () => {
		for (const raw of ['42%3AxYz', 'sessionid=a\r\nHost: evil.example', 'sessionid=a\u0000b', 'sessionid=a b', '[{"name":"sessionid","value":"1"}]', 'sessionid=caf\u00e9']) {
			expect(refusal('instagram', raw)).toMatch(/^that is not a cookie/);
		}
		expect(refusal('instagram', '   ')).toBe('paste the cookie');
	});

	it('is bounded in length', () => {
		expect(refusal('instagram', `sessionid=${'a'.repeat(9000)}`)).toMatch(/longer than any login cookie/);
	});
});

describe('where a session may be sent', () => {
	it('its platform’s own hosts and their subdomains, nothing that only looks alike', () => {
		expect(sessionPlatformOf('www.instagram.com')).toBe('instagram');
		expect(sessionPlatformOf('instagram.com.')).toBe('instagram');
		expect(sessionPlatformOf('WWW.TikTok.com')).toBe('tiktok');
		expect(sessionPlatformOf('vm.tiktok.com')).toBe('tiktok');
		for (const host of ['notinstagram.com', 'instagram.com.evil.example', 'tiktok.co', 'evil-tiktok.com', 'youtube.com']) expect(sessionPlatformOf(host)).toBeNull();
	});

	it('the login page is told apart from a post', () => {
		expect(isLoginPage(new URL('https://www.instagram.com/accounts/login/?next=%2Fp%2Fabc%2F'), 'instagram')).toBe(true);
		expect(isLoginPage(new URL('https://www.instagram.com/p/abc/'), 'instagram')).toBe(false);
		expect(isLoginPage(new URL('https://www.tiktok.com/login?redirect_url=x'), 'tiktok')).toBe(true);
		expect(isLoginPage(new URL('https://www.tiktok.com/@cook/video/1'), 'tiktok')).toBe(false);
	});
});
