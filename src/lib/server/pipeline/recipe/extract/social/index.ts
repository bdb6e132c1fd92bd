import type { CheerioAPI } from 'cheerio';
import { PLATFORMS, platformOfHost, type Platform } from './links';
import type { SocialPost } from './post';
import { readInstagram } from './instagram';
import { readTiktok } from './tiktok';
import { readYoutube } from './youtube';
import { readFacebook } from './facebook';
import { readPinterest } from './pinterest';

export type { Platform, SocialPost };

/** The platform a page belongs to: by its address, else by the name it gives itself (a mirror, a test server). */
function platformOf($: CheerioAPI, url: string): Platform | null {
	const byHost = platformOfHost(new URL(url).hostname);
	if (byHost) return byHost;
	const siteName = $('meta[property="og:site_name"]').attr('content')?.trim().toLowerCase();
	return PLATFORMS.find((p) => p === siteName) ?? null;
}

const READERS: Record<Platform, ($: CheerioAPI, url: string) => SocialPost> = {
	instagram: readInstagram,
	tiktok: readTiktok,
	youtube: readYoutube,
	facebook: readFacebook,
	pinterest: readPinterest
};

/** The post a platform's page shows; null for pages that are not from one of these platforms. */
export function readSocialPost($: CheerioAPI, url: string): SocialPost | null {
	const platform = platformOf($, url);
	return platform ? READERS[platform]($, url) : null;
}
