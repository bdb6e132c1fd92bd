import type { CheerioAPI } from 'cheerio';
import type { PostMedia } from '../content';
import { absoluteUrl, isJsonObject, type Json } from '../values';
import { assignedObject, at, largest, metaContent, str } from './page-data';
import type { SocialPost } from './post';

/**
 * The subtitle tracks the player lists (`captions.playerCaptionsTracklistRenderer.captionTracks`):
 * `kind: "asr"` marks automatic speech recognition; a person's own tracks come first.
 */
function captionTracks(player: Json | undefined, base: string): PostMedia['captionTracks'] {
	const list = at(player, 'captions', 'playerCaptionsTracklistRenderer', 'captionTracks');
	const tracks = (Array.isArray(list) ? list : []).filter(isJsonObject).flatMap((t) => {
		const trackUrl = absoluteUrl(str(t.baseUrl), base);
		return trackUrl ? [{ url: trackUrl, language: str(t.languageCode), automatic: t.kind === 'asr' }] : [];
	});
	return tracks.sort((a, b) => Number(a.automatic) - Number(b.automatic));
}

/**
 * Chapter markers in `ytInitialData` (the player bar's `multiMarkersPlayerBarRenderer`, as
 * yt-dlp's youtube extractor reads them): `chapterRenderer.title.simpleText`.
 */
function markerChapters(data: Json | undefined): string[] {
	const bar = at(data, 'playerOverlays', 'playerOverlayRenderer', 'decoratedPlayerBarRenderer', 'decoratedPlayerBarRenderer', 'playerBar', 'multiMarkersPlayerBarRenderer', 'markersMap');
	const markers = (Array.isArray(bar) ? bar : []).flatMap((m) => {
		const chapters = at(m, 'value', 'chapters');
		return Array.isArray(chapters) ? chapters : [];
	});
	return markers.map((c) => str(at(c, 'chapterRenderer', 'title', 'simpleText'))).filter((t): t is string => !!t);
}

/** The description's own chapter list: lines led by a timestamp ("0:00 Intro", "1:05 - Make the broth"). */
function descriptionChapters(description: string | null): string[] {
	const lines = (description ?? '').split('\n').flatMap((line) => {
		const m = /^\s*\(?(?:\d{1,2}:)?\d{1,2}:\d{2}\)?\s*[-–—:|]?\s*(.+?)\s*$/.exec(line);
		return m ? [m[1]!] : [];
	});
	// YouTube makes chapters of a list that starts at 0:00 and has three or more entries.
	return lines.length >= 3 ? lines : [];
}

export function readYoutube($: CheerioAPI, url: string): SocialPost {
	const player = assignedObject($, 'ytInitialPlayerResponse');
	const tracks = captionTracks(player, url);
	const details = at(player, 'videoDetails');
	const micro = at(player, 'microformat', 'playerMicroformatRenderer');
	const caption = str(at(details, 'shortDescription')) ?? str(at(micro, 'description', 'simpleText')) ?? metaContent($, 'og:description') ?? metaContent($, 'description');
	const markers = markerChapters(assignedObject($, 'ytInitialData'));
	return {
		platform: 'youtube',
		caption,
		title: str(at(details, 'title')) ?? str(at(micro, 'title', 'simpleText')) ?? metaContent($, 'og:title') ?? metaContent($, 'title'),
		author: str(at(details, 'author')) ?? str(at(micro, 'ownerChannelName')) ?? $('link[itemprop="name"]').first().attr('content')?.trim() ?? null,
		image: largest(at(details, 'thumbnail', 'thumbnails'), url) ?? largest(at(micro, 'thumbnail', 'thumbnails'), url),
		followUrl: null,
		media: tracks.length ? { videoUrl: null, captionTracks: tracks, slides: [] } : null,
		chapters: markers.length ? markers : descriptionChapters(caption)
	};
}
