import type { CheerioAPI } from 'cheerio';
import { absoluteUrl, isJsonObject, type JsonObject } from '../values';
import { at, metaContent, scriptJson, str, uniqueUrls } from './page-data';
import type { SocialPost } from './post';

/** The post's item in TikTok's page state: today's rehydration JSON, or the older SIGI_STATE. */
function tiktokItem($: CheerioAPI): JsonObject | undefined {
	const universal = at(scriptJson($, '__UNIVERSAL_DATA_FOR_REHYDRATION__'), '__DEFAULT_SCOPE__', 'webapp.video-detail', 'itemInfo', 'itemStruct');
	if (isJsonObject(universal)) return universal;
	const modules = at(scriptJson($, 'SIGI_STATE'), 'ItemModule');
	const first = isJsonObject(modules) ? Object.values(modules)[0] : undefined;
	return isJsonObject(first) ? first : undefined;
}

/** The video file: `playAddr`, else `downloadAddr`, else the first of the bitrate renditions (as yt-dlp's tiktok extractor). */
function videoAddress(item: JsonObject | undefined, base: string): string | null {
	const video = at(item, 'video');
	return absoluteUrl(
		str(at(video, 'playAddr')) ?? str(at(video, 'downloadAddr')) ?? str(at(video, 'bitrateInfo', '0', 'PlayAddr', 'UrlList', '0')),
		base
	);
}

export function readTiktok($: CheerioAPI, url: string): SocialPost {
	const item = tiktokItem($);
	const author = at(item, 'author');
	// A photo post (slideshow): every picture, the cover first.
	const photos = at(item, 'imagePost', 'images');
	const cover = str(at(item, 'imagePost', 'cover', 'imageURL', 'urlList', '0'));
	const slides = Array.isArray(photos) ? uniqueUrls([cover, ...photos.map((p) => str(at(p, 'imageURL', 'urlList', '0')))], url) : [];
	const videoUrl = slides.length ? null : videoAddress(item, url);
	return {
		platform: 'tiktok',
		caption: str(item?.desc) ?? metaContent($, 'og:description'),
		title: null,
		// The rehydration JSON nests the author; SIGI_STATE gives the handle and the nickname side by side.
		author: str(at(author, 'nickname')) ?? str(at(author, 'uniqueId')) ?? str(item?.nickname) ?? str(author),
		image: absoluteUrl(str(at(item, 'video', 'originCover')) ?? str(at(item, 'video', 'cover')), url) ?? slides[0] ?? null,
		followUrl: null,
		media: videoUrl || slides.length ? { videoUrl, captionTracks: [], slides } : null,
		chapters: []
	};
}
