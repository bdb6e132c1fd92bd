import type { PhaseDefinition } from '../../../queue/pipeline';
import type { ExtractedContent } from '../extract';

/** The recipe as later phases and the library see it (grows into the full model in parsing's issue). */
export interface ParsedRecipe {
	title: string;
	description: string | null;
	image: string | null;
	sourceUrl: string;
	siteName: string | null;
}

export function parseRecipe(content: ExtractedContent): ParsedRecipe {
	return {
		title: content.title ?? new URL(content.canonicalUrl).hostname,
		description: content.description,
		image: content.image,
		sourceUrl: content.canonicalUrl,
		siteName: content.siteName
	};
}

export const parsingPhase: PhaseDefinition = {
	name: 'parsing',
	async run({ outputs }) {
		const content = outputs.extraction as ExtractedContent | undefined;
		if (!content) throw new Error('parsing ran without an extraction output');
		return parseRecipe(content);
	}
};
