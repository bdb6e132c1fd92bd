import type { CheerioAPI } from 'cheerio';
import type { PostMedia } from '../content';
import { absoluteUrl, isJsonObject, type Json, type JsonObject } from '../values';
import { at, metaContent, scriptObject, str, stringifiedJson, uniqueUrls } from './page-data';
import type { SocialPost } from './post';

/**
 * Instagram wraps the caption in its meta description: `N likes, M comments - user on DATE: "caption".`
 * (og:title: `user on Instagram: "caption"`). The author is the first word after the counts.
 */
function unwrapMeta(text: string | null): { caption: string; author: string | null } | null {
	const m = text ? /^([^\n"“]{1,200}?):\s*["“]([\s\S]*)["”]\s*\.?\s*$/.exec(text) : null;
	const [, head = '', caption = ''] = m ?? [];
	if (!caption.trim()) return null;
	const user = head.split(/\s[-–]\s/).pop()?.trim() ?? '';
	return { caption: caption.trim(), author: /^\S+(?=\s)/.exec(user)?.[0] ?? null };
}

/** The embed page (`/p/<code>/embed/captioned/`) shows the whole caption, with <br> for line breaks. */
function embedCaption($: CheerioAPI): { caption: string; author: string | null } | null {
	const box = $('.Caption').first().clone();
	if (!box.length) return null;
	const author = box.find('.CaptionUsername').first().text().trim() || null;
	box.find('.CaptionUsername, .CaptionComments').remove();
	box.find('br').replaceWith('\n');
	const caption = box.text().replace(/[^\S\n]+/g, ' ').trim();
	return caption ? { caption, author } : null;
}

/**
 * The post's GraphQL object (`shortcode_media`) where Instagram's pages embed it, as yt-dlp's
 * instagram extractor reads them: the embed page's `contextJSON` string (`gql_data`), the
 * `window.__additionalDataLoaded(…)` call, older pages' `window._sharedData`.
 */
function shortcodeMedia($: CheerioAPI): JsonObject | null {
	const candidates: (Json | undefined)[] = [
		at(stringifiedJson($, 'contextJSON'), 'gql_data', 'shortcode_media'),
		at(stringifiedJson($, 'contextJSON'), 'context', 'media'),
		at(scriptObject($, String.raw`window\.__additionalDataLoaded\s*\(\s*[^,]+,\s*`), 'graphql', 'shortcode_media'),
		at(scriptObject($, String.raw`window\.__additionalDataLoaded\s*\(\s*[^,]+,\s*`), 'shortcode_media'),
		at(scriptObject($, String.raw`window\._sharedData\s*=\s*`), 'entry_data', 'PostPage', '0', 'graphql', 'shortcode_media')
	];
	return candidates.find(isJsonObject) ?? null;
}

const edges = (v: Json | undefined): JsonObject[] => (Array.isArray(v) ? v : []).map((e) => at(e, 'node')).filter(isJsonObject);

/**
 * Caption, author and media of a `shortcode_media`: a carousel's children are its slides, and a
 * single photo is its own one slide (a recipe card posted with a caption that is not the recipe
 * is read from it like a carousel's); a video has none.
 */
function fromMedia(media: JsonObject, url: string) {
	const children = edges(at(media, 'edge_sidecar_to_children', 'edges'));
	const cover = str(media.display_url) ?? str(media.display_src) ?? str(media.thumbnail_src);
	const slides = uniqueUrls([cover, ...children.map((c) => str(c.display_url))], url);
	const videoUrl = absoluteUrl(str(media.video_url) ?? children.map((c) => str(c.video_url)).find(Boolean), url);
	const video = media.is_video === true || str(media.__typename) === 'GraphVideo' || videoUrl !== null;
	return {
		caption: str(at(media, 'edge_media_to_caption', 'edges', '0', 'node', 'text')) ?? str(media.caption),
		author: str(at(media, 'owner', 'username')),
		image: slides[0] ?? null,
		media: { videoUrl, captionTracks: [], slides: children.length || !video ? slides : [] } satisfies PostMedia
	};
}

export function readInstagram($: CheerioAPI, url: string): SocialPost {
	const data = shortcodeMedia($);
	const fromData = data ? fromMedia(data, url) : null;
	const found =
		embedCaption($) ??
		(fromData?.caption ? { caption: fromData.caption, author: fromData.author } : null) ??
		unwrapMeta(metaContent($, 'og:description')) ??
		unwrapMeta(metaContent($, 'description')) ??
		unwrapMeta(metaContent($, 'og:title'));
	const media = fromData?.media.videoUrl || fromData?.media.slides.length ? fromData.media : null;
	return {
		platform: 'instagram',
		caption: found?.caption ?? null,
		title: null,
		author: found?.author ?? fromData?.author ?? null,
		image: fromData?.image ?? absoluteUrl($('img.EmbeddedMediaImage').first().attr('src'), url),
		followUrl: null,
		media,
		chapters: []
	};
}
