import { readPage } from './read-page';
import type { FetchedPage } from '../../../net/safe-fetch';

export { ExtractedContent } from './content';

export interface ExtractionDeps {
	/** `owner`: whose item it is, so a session they saved for the link's platform can be sent along. */
	fetchPage(url: string, signal: AbortSignal, owner?: { userId: string }): Promise<FetchedPage>;
}

type Progress = (percent: number, message: string) => void;

/** Fetches a shared link (through the safe fetcher) and reads what later phases need. */
export async function extractLink(url: string, fetchPage: ExtractionDeps['fetchPage'], signal: AbortSignal, progress: Progress = () => {}) {
	progress(10, 'fetching the page');
	const page = await fetchPage(url, signal);
	progress(70, 'reading the page');
	const content = readPage(page.body, page.url);
	if (!content.followUrl) return content;
	// A pin only points at the recipe: read the page it points at. One hop, so pages cannot send us around.
	progress(75, "fetching the pin's source");
	const source = await fetchPage(content.followUrl, signal);
	progress(90, 'reading the page');
	return readPage(source.body, source.url);
}
