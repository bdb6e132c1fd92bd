import type { CheerioAPI } from 'cheerio';
import type { PostMedia } from './content';
import { absoluteUrl, isJsonObject, type Json, type JsonObject } from './values';

/**
 * Social platforms' post pages, as they are served to a logged-out fetch. They carry no
 * structured recipe: what matters is the caption, its author and the post's picture, each
 * kept in a platform-specific place (meta tags, an embedded JSON state).
 */
export type Platform = 'instagram' | 'tiktok' | 'youtube' | 'pinterest';

export interface SocialPost {
	platform: Platform;
	/** The post's own words, line breaks kept: the caption, the video's description. */
	caption: string | null;
	/** A title the platform keeps apart from the caption (a YouTube video's). */
	title: string | null;
	author: string | null;
	/** The post's picture: the photo, the video's cover or its largest thumbnail. */
	image: string | null;
	/** Where the recipe really is, for posts that only point at it (a Pinterest pin's source). */
	followUrl: string | null;
	/** The video, its subtitles and the post's pictures, when the page names them. */
	media: PostMedia | null;
}


/** The value at a path of keys (or list indexes), when every step exists. */
function at(v: Json | undefined, ...path: string[]): Json | undefined {
	for (const key of path) v = Array.isArray(v) ? v[Number(key)] : isJsonObject(v) ? v[key] : undefined;
	return v;
}
const str = (v: Json | undefined): string | null => (typeof v === 'string' && v.trim() ? v.trim() : null);

const HOSTS: [RegExp, Platform][] = [
	[/(?:^|\.)(?:instagram\.com|instagr\.am)$/, 'instagram'],
	[/(?:^|\.)tiktok\.com$/, 'tiktok'],
	[/(?:^|\.)(?:youtube\.com|youtu\.be|youtube-nocookie\.com)$/, 'youtube'],
	[/(?:^|\.)pinterest\.(?:com|[a-z]{2}|com?\.[a-z]{2})$|^pin\.it$/, 'pinterest']
];

/** The platform a page belongs to: by its address, else by the name it gives itself (a mirror, a test server). */
function platformOf($: CheerioAPI, url: string): Platform | null {
	const host = new URL(url).hostname.toLowerCase();
	const byHost = HOSTS.find(([pattern]) => pattern.test(host))?.[1];
	if (byHost) return byHost;
	const siteName = $('meta[property="og:site_name"]').attr('content')?.trim().toLowerCase();
	return HOSTS.map(([, p]) => p).find((p) => p === siteName) ?? null;
}

const metaContent = ($: CheerioAPI, name: string) => $(`meta[property="${name}"], meta[name="${name}"]`).first().attr('content')?.trim() || null;

function parseJson(text: string): Json | undefined {
	try {
		return JSON.parse(text) as Json;
	} catch {
		return undefined;
	}
}

/**
 * The object literal assigned to `name` in an inline script (`var ytInitialPlayerResponse = {…};`).
 * Scripts go on after the literal, so its end is found by balancing braces outside strings.
 */
function assignedObject($: CheerioAPI, name: string): Json | undefined {
	for (const el of $('script:not([src])').toArray()) {
		const code = $(el).text();
		const assignment = new RegExp(`${name}["'\\]]*\\s*=\\s*\\{`).exec(code);
		if (!assignment) continue;
		const start = assignment.index + assignment[0].length - 1;
		let depth = 0;
		let quote: string | null = null;
		for (let i = start; i < code.length; i++) {
			const c = code[i];
			if (quote) {
				if (c === '\\') i++;
				else if (c === quote) quote = null;
			} else if (c === '"' || c === "'") quote = c;
			else if (c === '{') depth++;
			else if (c === '}' && --depth === 0) return parseJson(code.slice(start, i + 1));
		}
	}
	return undefined;
}

const scriptJson = ($: CheerioAPI, id: string) => {
	const el = $(`script[id="${id}"]`).first();
	return el.length ? parseJson(el.text()) : undefined;
};

/**
 * Instagram wraps the caption in its meta description: `N likes, M comments - user on DATE: "caption".`
 * (og:title: `user on Instagram: "caption"`). The author is the first word after the counts.
 */
function unwrapInstagram(text: string | null): { caption: string; author: string | null } | null {
	const m = text ? /^([^\n"“]{1,200}?):\s*["“]([\s\S]*)["”]\s*\.?\s*$/.exec(text) : null;
	const [, head = '', caption = ''] = m ?? [];
	if (!caption.trim()) return null;
	const user = head.split(/\s[-–]\s/).pop()?.trim() ?? '';
	return { caption: caption.trim(), author: /^\S+(?=\s)/.exec(user)?.[0] ?? null };
}

/** The embed page (`/p/<code>/embed/captioned/`) shows the whole caption, with <br> for line breaks. */
function instagramEmbedCaption($: CheerioAPI): { caption: string; author: string | null } | null {
	const box = $('.Caption').first().clone();
	if (!box.length) return null;
	const author = box.find('.CaptionUsername').first().text().trim() || null;
	box.find('.CaptionUsername, .CaptionComments').remove();
	box.find('br').replaceWith('\n');
	const caption = box.text().replace(/[^\S\n]+/g, ' ').trim();
	return caption ? { caption, author } : null;
}

function readInstagram($: CheerioAPI, url: string): SocialPost {
	const found =
		instagramEmbedCaption($) ??
		unwrapInstagram(metaContent($, 'og:description')) ??
		unwrapInstagram(metaContent($, 'description')) ??
		unwrapInstagram(metaContent($, 'og:title'));
	const embedImage = $('img.EmbeddedMediaImage').first().attr('src');
	return { platform: 'instagram', caption: found?.caption ?? null, title: null, author: found?.author ?? null, image: absoluteUrl(embedImage, url), followUrl: null, media: null };
}

/** The video's item in TikTok's page state: today's rehydration JSON, or the older SIGI_STATE. */
function tiktokItem($: CheerioAPI): JsonObject | undefined {
	const universal = at(scriptJson($, '__UNIVERSAL_DATA_FOR_REHYDRATION__'), '__DEFAULT_SCOPE__', 'webapp.video-detail', 'itemInfo', 'itemStruct');
	if (isJsonObject(universal)) return universal;
	const modules = at(scriptJson($, 'SIGI_STATE'), 'ItemModule');
	const first = isJsonObject(modules) ? Object.values(modules)[0] : undefined;
	return isJsonObject(first) ? first : undefined;
}

function readTiktok($: CheerioAPI, url: string): SocialPost {
	const item = tiktokItem($);
	const author = at(item, 'author');
	return {
		platform: 'tiktok',
		caption: str(item?.desc) ?? metaContent($, 'og:description'),
		title: null,
		// The rehydration JSON nests the author; SIGI_STATE gives the handle and the nickname side by side.
		author: str(at(author, 'nickname')) ?? str(at(author, 'uniqueId')) ?? str(item?.nickname) ?? str(author),
		image: absoluteUrl(
			str(at(item, 'video', 'originCover')) ??
				str(at(item, 'video', 'cover')) ??
				str(at(item, 'imagePost', 'cover', 'imageURL', 'urlList', '0')),
			url
		),
		followUrl: null,
		media: null
	};
}

/** The largest of a list of `{url, width, height}` renditions. */
function largest(list: Json | undefined, base: string): string | null {
	const candidates = (Array.isArray(list) ? list : []).filter(isJsonObject);
	const area = (t: JsonObject) => (typeof t.width === 'number' && typeof t.height === 'number' ? t.width * t.height : 0);
	const best = candidates.reduce<JsonObject | null>((b, t) => (!b || area(t) > area(b) ? t : b), null);
	return best ? absoluteUrl(str(best.url), base) : null;
}

/**
 * The subtitle tracks the player lists (`captions.playerCaptionsTracklistRenderer.captionTracks`):
 * `kind: "asr"` marks automatic speech recognition; a person's own tracks come first.
 */
function youtubeCaptionTracks(player: Json | undefined, base: string): PostMedia['captionTracks'] {
	const list = at(player, 'captions', 'playerCaptionsTracklistRenderer', 'captionTracks');
	const tracks = (Array.isArray(list) ? list : []).filter(isJsonObject).flatMap((t) => {
		const trackUrl = absoluteUrl(str(t.baseUrl), base);
		return trackUrl ? [{ url: trackUrl, language: str(t.languageCode), automatic: t.kind === 'asr' }] : [];
	});
	return tracks.sort((a, b) => Number(a.automatic) - Number(b.automatic));
}

function readYoutube($: CheerioAPI, url: string): SocialPost {
	const player = assignedObject($, 'ytInitialPlayerResponse');
	const captionTracks = youtubeCaptionTracks(player, url);
	const details = at(player, 'videoDetails');
	const micro = at(player, 'microformat', 'playerMicroformatRenderer');
	return {
		platform: 'youtube',
		caption: str(at(details, 'shortDescription')) ?? str(at(micro, 'description', 'simpleText')) ?? metaContent($, 'og:description') ?? metaContent($, 'description'),
		title: str(at(details, 'title')) ?? str(at(micro, 'title', 'simpleText')) ?? metaContent($, 'og:title') ?? metaContent($, 'title'),
		author: str(at(details, 'author')) ?? str(at(micro, 'ownerChannelName')) ?? $('link[itemprop="name"]').first().attr('content')?.trim() ?? null,
		image: largest(at(details, 'thumbnail', 'thumbnails'), url) ?? largest(at(micro, 'thumbnail', 'thumbnails'), url),
		followUrl: null,
		media: captionTracks.length ? { videoUrl: null, captionTracks, slides: [] } : null
	};
}

const isPinterest = (href: string) => HOSTS.some(([pattern, p]) => p === 'pinterest' && pattern.test(new URL(href).hostname));

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

function readPinterest($: CheerioAPI, url: string): SocialPost {
	const pinId = /\/pin\/(\d+)/.exec(new URL(url).pathname)?.[1] ?? null;
	const candidates = [
		metaContent($, 'pinterestapp:source'),
		metaContent($, 'og:see_also'),
		...$('script[type="application/json"]')
			.toArray()
			.map((el) => pinLinkInState(parseJson($(el).text()), pinId))
	];
	const source = candidates.map((c) => absoluteUrl(c, url)).find((c): c is string => !!c && !isPinterest(c));
	return {
		platform: 'pinterest',
		caption: metaContent($, 'og:description') ?? metaContent($, 'description'),
		title: null,
		author: null,
		image: null,
		followUrl: source ?? null,
		media: null
	};
}

const READERS: Record<Platform, ($: CheerioAPI, url: string) => SocialPost> = {
	instagram: readInstagram,
	tiktok: readTiktok,
	youtube: readYoutube,
	pinterest: readPinterest
};

/** The post a platform's page shows; null for pages that are not from one of these platforms. */
export function readSocialPost($: CheerioAPI, url: string): SocialPost | null {
	const platform = platformOf($, url);
	return platform ? READERS[platform]($, url) : null;
}
