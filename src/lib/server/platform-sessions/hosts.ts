import type { SessionPlatform } from '../../contract/platform-sessions';

const HOSTS: Record<SessionPlatform, RegExp> = {
	instagram: /(?:^|\.)instagram\.com$/,
	tiktok: /(?:^|\.)tiktok\.com$/
};

/** The platform whose saved session may go to `hostname` (the site itself and its subdomains only). */
export function sessionPlatformOf(hostname: string): SessionPlatform | null {
	const name = hostname.toLowerCase().replace(/\.$/, '');
	for (const [platform, pattern] of Object.entries(HOSTS) as [SessionPlatform, RegExp][]) if (pattern.test(name)) return platform;
	return null;
}

/**
 * The platform's login page, where it sends a visitor it does not know (Instagram's
 * `/accounts/login/`, TikTok's `/login`): reaching it with a session means the session has expired.
 */
export function isLoginPage(url: URL, platform: SessionPlatform): boolean {
	return platform === 'instagram' ? url.pathname.startsWith('/accounts/login') : /^\/login(?:\/|$)/.test(url.pathname);
}
