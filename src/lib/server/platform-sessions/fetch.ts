import { sessionPlatformNames } from '../../contract/platform-sessions';
import { PermanentError } from '../failures/errors';
import type { FetchedPage, SafeFetchOptions } from '../net/safe-fetch';
import { isLoginPage, sessionPlatformOf } from './hosts';
import type { PlatformSessions } from './store';

type Fetch = (url: string, signal: AbortSignal, cookie?: SafeFetchOptions['cookie']) => Promise<FetchedPage>;

/**
 * A page fetcher that sends the item owner's saved session along to its platform's hosts (and
 * only there: safe-fetch drops it when a redirect leaves them). Without an owner, or for any other
 * site, pages are fetched as everyone sees them.
 */
export function fetchWithSessions(sessions: PlatformSessions, fetch: Fetch) {
	return async (url: string, signal: AbortSignal, owner?: { userId: string }): Promise<FetchedPage> => {
		const platform = owner ? sessionPlatformOf(hostnameOf(url)) : null;
		const header = owner && platform ? await sessions.cookie(owner.userId, platform) : null;
		if (!owner || !platform || !header) return fetch(url, signal);
		const page = await fetch(url, signal, { header, sendTo: (host) => sessionPlatformOf(host) === platform });
		const landed = new URL(page.url);
		if (sessionPlatformOf(landed.hostname) === platform && isLoginPage(landed, platform)) {
			await sessions.markExpired(owner.userId, platform);
			const name = sessionPlatformNames[platform];
			throw new PermanentError(
				'platform_session_expired',
				`${name} showed its login page although your saved ${name} session was sent: the session has expired. Paste a new one in Settings, then try again.`
			);
		}
		await sessions.markUsed(owner.userId, platform);
		return page;
	};
}

function hostnameOf(url: string): string {
	try {
		return new URL(url).hostname;
	} catch {
		return '';
	}
}
