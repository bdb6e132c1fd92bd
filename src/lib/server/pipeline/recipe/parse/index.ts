import type { PhaseDefinition } from '../../../queue/pipeline';
import type { ExtractedContent } from '../extract';

/** The recipe as later phases and the library see it (grows into the full model in parsing's issue). */
export interface ParsedRecipe {
	title: string;
	description: string | null;
	image: string | null;
	sourceUrl: string;
	siteName: string | null;
	/** The page's own lines for now; the parsing issue turns them into amounts, units and foods. */
	ingredients: string[];
	instructions: string[];
	yields: string | null;
	totalMinutes: number | null;
}

export function parseRecipe(content: ExtractedContent): ParsedRecipe {
	const r = content.recipe;
	return {
		title: r?.title ?? content.title ?? new URL(content.canonicalUrl).hostname,
		description: r?.description ?? content.description,
		image: content.image ?? r?.image ?? null,
		sourceUrl: content.canonicalUrl,
		siteName: content.siteName,
		ingredients: r?.ingredients ?? [],
		instructions: r?.instructions ?? [],
		yields: r?.yields ?? null,
		totalMinutes: r?.totalTime ?? null
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
