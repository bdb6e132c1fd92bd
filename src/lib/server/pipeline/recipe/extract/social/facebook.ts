import type { CheerioAPI } from 'cheerio';
import { absoluteUrl, isJsonObject, type Json } from '../values';
import { at, metaContent, parseJson, str } from './page-data';
import type { SocialPost } from './post';

/** Every object in a JSON value, depth-first (bounded: Facebook's page data nests deeply). */
function* objects(value: Json | undefined, depth = 0): Generator<{ [key: string]: Json }> {
	if (depth > 40 || value === null || typeof value !== 'object') return;
	if (isJsonObject(value)) yield value;
	for (const v of Array.isArray(value) ? value : Object.values(value)) yield* objects(v, depth + 1);
}

/**
 * What Facebook's public reel and post pages carry, as yt-dlp's facebook extractor reads them:
 * the page data in `<script type="application/json">` (`message.text` for the post's words,
 * `playable_url_quality_hd`/`browser_native_hd_url`/`playable_url` for the video), and the meta tags.
 */
export function readFacebook($: CheerioAPI, url: string): SocialPost {
	let text: string | null = null;
	let author: string | null = null;
	let video: string | null = null;
	for (const el of $('script[type="application/json"]').toArray()) {
		for (const o of objects(parseJson($(el).text()))) {
			const message = str(at(o, 'message', 'text'));
			if (message && message.length > (text?.length ?? 0)) text = message;
			author ??= str(at(o, 'owner', 'name')) ?? str(at(o, 'actors', '0', 'name'));
			video ??= str(o.browser_native_hd_url) ?? str(o.playable_url_quality_hd) ?? str(o.browser_native_sd_url) ?? str(o.playable_url);
		}
	}
	const videoUrl = absoluteUrl(video ?? metaContent($, 'og:video:secure_url') ?? metaContent($, 'og:video'), url);
	return {
		platform: 'facebook',
		caption: text ?? metaContent($, 'og:description') ?? metaContent($, 'description'),
		title: null,
		author,
		image: absoluteUrl(metaContent($, 'og:image'), url),
		followUrl: null,
		media: videoUrl ? { videoUrl, captionTracks: [], slides: [] } : null,
		chapters: []
	};
}
