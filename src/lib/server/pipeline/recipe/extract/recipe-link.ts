import { platformOfHost } from './social/links';

/** A line that talks about the recipe or its link ("Full recipe at …", "Recipe: …", "link in bio"). */
const CUE = /\b(?:recipes?|rezept|receta|recette|ricetta|recept|link in (?:my |the )?bio)\b/iu;
/** Words by which a caption hands the recipe to another page, even when it shows part of it. */
const DEFERS = /\b(?:(?:full|printable|complete|detailed|whole|entire)\s+recipe|recipe\s+link|link\s+in\s+(?:my\s+|the\s+)?bio|(?:get|find|grab)\s+the\s+recipe|recipe\s+(?:is\s+)?(?:on|at)\s+(?:my|the|our)\s+(?:blog|website|site))\b/iu;
/** A web address as captions write it: with its scheme, or a bare domain with a path ("example.com/soup"). */
const LINK = /\b(?:https?:\/\/[^\s<>"')\]]+|(?:www\.)?(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24}\/[^\s<>"')\]]*)/giu;

const links = (line: string) =>
	[...line.matchAll(LINK)].flatMap(([raw]) => {
		const href = raw.replace(/[.,;:!?…]+$/u, '');
		try {
			const url = new URL(/^https?:\/\//i.test(href) ? href : `https://${href}`);
			// A link back into the platforms is another post or a profile, not the recipe.
			return platformOfHost(url.hostname) ? [] : [url.href];
		} catch {
			return [];
		}
	});

/**
 * The page a post's caption sends the reader to for the recipe: a link on a line that speaks of
 * the recipe (or on the line after it: "Full recipe 👇"). Only when the caption holds no recipe
 * itself, or clearly defers to the link.
 */
export function recipeLinkInCaption(caption: string | null, captionHasRecipe: boolean): string | null {
	if (!caption || (captionHasRecipe && !DEFERS.test(caption))) return null;
	const lines = caption.split('\n');
	const linkNear = (cue: RegExp) => {
		for (const [i, line] of lines.entries()) {
			const found = cue.test(line) ? (links(line)[0] ?? links(lines[i + 1] ?? '')[0]) : undefined;
			if (found) return found;
		}
		return null;
	};
	// The line that hands the recipe over names the right link before any other line about the recipe.
	return linkNear(DEFERS) ?? linkNear(CUE);
}
