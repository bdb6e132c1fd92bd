import type { CheerioAPI } from 'cheerio';
import { absoluteUrl, isJsonObject, type Json } from '../values';
import { metaContent, parseJson } from './page-data';
import { platformOfHost } from './links';
import type { SocialPost } from './post';

/** A pin's outbound link in Pinterest's page state: the pin object (by its id) carries `link`. */
function pinLinkInState(value: Json | undefined, pinId: string | null, depth = 0): string | null {
	if (depth > 12 || value === null || typeof value !== 'object') return null;
	if (isJsonObject(value) && typeof value.link === 'string' && (!pinId || value.id === pinId || value.entityId === pinId)) return value.link;
	for (const v of Array.isArray(value) ? value : Object.values(value)) {
		const found = pinLinkInState(v, pinId, depth + 1);
		if (found) return found;
	}
	return null;
}

export function readPinterest($: CheerioAPI, url: string): SocialPost {
	const pinId = /\/pin\/(\d+)/.exec(new URL(url).pathname)?.[1] ?? null;
	const candidates = [
		metaContent($, 'pinterestapp:source'),
		metaContent($, 'og:see_also'),
		...$('script[type="application/json"]')
			.toArray()
			.map((el) => pinLinkInState(parseJson($(el).text()), pinId))
	];
	const source = candidates.map((c) => absoluteUrl(c, url)).find((c): c is string => !!c && platformOfHost(new URL(c).hostname) !== 'pinterest');
	return {
		platform: 'pinterest',
		caption: metaContent($, 'og:description') ?? metaContent($, 'description'),
		title: null,
		author: null,
		image: null,
		followUrl: source ?? null,
		media: null,
		chapters: []
	};
}
