import { z } from 'zod';

/** A recipe as a page describes it: its own lines, not yet parsed into amounts and units. */
export const ExtractedRecipe = z.object({
	title: z.string().nullable(),
	ingredients: z.array(z.string()),
	instructions: z.array(z.string()),
	yields: z.string().nullable(),
	/** Minutes. */
	totalTime: z.number().nullable(),
	image: z.string().nullable(),
	author: z.string().nullable(),
	description: z.string().nullable(),
	/** Where it came from, most trusted first. */
	source: z.enum(['json-ld', 'microdata', 'markup', 'caption']),
	// Further facts structured data may carry (absent in outputs saved before they were read).
	prepTime: z.number().nullable().optional(),
	cookTime: z.number().nullable().optional(),
	keywords: z.array(z.string()).optional(),
	/** Per serving, by schema.org NutritionInformation's names ("calories" → "250 kcal"). */
	nutrition: z.record(z.string(), z.string()).nullable().optional(),
	/** The lines of `instructions` that head a section (HowToSection names, step titles). */
	instructionHeadings: z.array(z.string()).optional(),
	/** The lines of `ingredients` that head a group (the headings the page prints over the data's lines). */
	ingredientHeadings: z.array(z.string()).optional()
});
export type ExtractedRecipe = z.infer<typeof ExtractedRecipe>;

/**
 * What a social post offers besides its words, for a recipe that is spoken in the video or written
 * on the pictures: read later only when the caption holds no recipe.
 */
export const PostMedia = z.object({
	/** The video file's address when the page names one (downloaded only to be transcribed). */
	videoUrl: z.string().nullable(),
	/** Subtitle tracks the platform lists for the video: a person's first, then automatic ones. */
	captionTracks: z.array(z.object({ url: z.string(), language: z.string().nullable(), automatic: z.boolean() })),
	/** Every picture of the post (a carousel's, a photo post's slides), the cover first. */
	slides: z.array(z.string())
});
export type PostMedia = z.infer<typeof PostMedia>;

/** What the extraction phase keeps of a page (its persisted output); the parsing phase reads only this. */
export const ExtractedContent = z.object({
	/** The page read; null for a text shared without a link (it has no address). */
	url: z.string().nullable(),
	canonicalUrl: z.string().nullable(),
	title: z.string().nullable(),
	description: z.string().nullable(),
	/** The picture the page chose to represent itself (og:image), else the recipe's. */
	image: z.string().nullable(),
	/** Every picture the page offers for itself, best first. */
	images: z.array(z.string()),
	author: z.string().nullable(),
	siteName: z.string().nullable(),
	/** The page's own words, for pages without a structured recipe (a post's caption, the main text). */
	text: z.string().nullable(),
	/** The recipe the page holds: structured data when it has some, else what its text yields. */
	recipe: ExtractedRecipe.nullable(),
	/** A social post (its text is a caption), rather than a web page. */
	isPost: z.boolean().optional(),
	/** A post's video, subtitles and pictures (absent for web pages, and in outputs saved before they were read). */
	media: PostMedia.nullable().optional(),
	/** The page a post's caption points at, whose recipe was used (the post stays the source). */
	recipeUrl: z.string().nullable().optional(),
	/** The page this one only points at, where the recipe is (a Pinterest pin's source): read that instead. */
	followUrl: z.string().nullable(),
	/** Pictures shared instead of a link: their stored files (ids, in the order shared) and the key the set is known by. */
	sharedPictures: z.object({ fileIds: z.array(z.uuid()).min(1), key: z.string() }).nullable().optional()
});
export type ExtractedContent = z.infer<typeof ExtractedContent>;
