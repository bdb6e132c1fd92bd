import type { PhaseDefinition } from '../../../queue/pipeline';
import { readPage } from './read-page';
import type { FetchedPage } from '../../../net/safe-fetch';

export type { ExtractedContent } from './read-page';

export interface ExtractionDeps {
	fetchPage(url: string, signal: AbortSignal): Promise<FetchedPage>;
}

/** Fetches the shared page (through the safe fetcher) and keeps what later phases need. */
export function extractionPhase(deps: ExtractionDeps): PhaseDefinition {
	return {
		name: 'extraction',
		async run({ item, signal, progress }) {
			progress(10, 'fetching the page');
			const page = await deps.fetchPage(item.url, signal);
			progress(70, 'reading the page');
			const content = readPage(page.body, page.url);
			if (!content.followUrl) return content;
			// A pin only points at the recipe: read the page it points at. One hop, so pages cannot send us around.
			progress(75, 'fetching the pin\'s source');
			const source = await deps.fetchPage(content.followUrl, signal);
			progress(90, 'reading the page');
			return readPage(source.body, source.url);
		}
	};
}
