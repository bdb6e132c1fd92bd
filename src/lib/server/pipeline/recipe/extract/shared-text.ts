import { readCaption } from './caption';
import type { ExtractedContent } from './content';
import { captionFacts } from './read-page';

/**
 * A text shared without a link (a message, a note, a caption copied by hand), read as a post's
 * caption is: nothing is fetched, and it has no address to show or to fetch later.
 */
export function readSharedText(text: string): ExtractedContent {
	const read = readCaption(text);
	return {
		url: null,
		canonicalUrl: null,
		title: read?.title ?? null,
		description: read?.description ?? null,
		image: null,
		images: [],
		author: null,
		siteName: null,
		text,
		recipe: read ? { ...read, ...captionFacts(text), image: null, author: null, source: 'caption' } : null,
		followUrl: null
	};
}
