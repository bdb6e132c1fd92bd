import type { PostMedia } from '../content';
import type { Platform } from './links';

export type { Platform };

/**
 * Social platforms' post pages, as they are served to a logged-out fetch. They carry no
 * structured recipe: what matters is the caption, its author and the post's picture, each
 * kept in a platform-specific place (meta tags, an embedded JSON state).
 */
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
	/** A video's chapter titles, in order (YouTube's markers or the description's timestamps). */
	chapters: string[];
}
