import type { CheerioAPI } from 'cheerio';
import { loadHtml } from './html-dom';
import { absoluteUrl } from './values';
import { metaUrl, pagePictures } from './picture';
import { cleanText, readStructuredRecipe } from './structured';
import type { ExtractedContent, ExtractedRecipe } from './content';
import { pageTitle, readHtmlRecipe, type HtmlRecipe } from './html-recipe';
import { readPageFacts, textFacts, type PageFacts } from './page-facts';
import { readSocialPost, type SocialPost } from './social';
import { mainText } from './page-text';
import { pageListIsBetter } from './list-choice';
import { pageIngredientGroups } from './ingredient-groups';
import { cleanTitle, readCaption } from './caption';


const clean = (s: string | undefined): string | null => (s ? cleanText(s) || null : null);

/**
 * Structured data wins, except where it is missing or visibly poorer than what the page shows
 * (list-choice.ts: lines lost, amounts left out, lines glued together or cut apart). Its
 * ingredient lines take the group headings the page prints over them (ingredient-groups.ts).
 */
function withPageLists($: CheerioAPI, structured: ExtractedRecipe | null, page: HtmlRecipe, facts: PageFacts): ExtractedRecipe | null {
	if (!structured) {
		if (page.ingredients.length < 2) return null;
		return {
			title: page.title,
			ingredients: page.ingredients,
			instructions: page.instructions,
			yields: facts.yields,
			totalTime: facts.totalMinutes,
			image: null,
			author: null,
			description: null,
			source: 'markup'
		};
	}
	const ingredients = pageListIsBetter(structured.ingredients, page.ingredients, { amounts: true })
		? { ingredients: page.ingredients }
		: (pageIngredientGroups($, structured.ingredients) ?? { ingredients: structured.ingredients });
	return {
		...structured,
		yields: structured.yields ?? facts.yields,
		totalTime: structured.totalTime ?? facts.totalMinutes,
		...ingredients,
		instructions: pageListIsBetter(structured.instructions, page.instructions, { amounts: false }) ? page.instructions : structured.instructions
	};
}

/** Reads a page: its structured recipe, and its own description of itself (OpenGraph, Twitter meta, <title>). */
export function readPage(html: string, url: string): ExtractedContent {
	const $ = loadHtml(html);
	const meta = (...names: string[]) => {
		for (const name of names) {
			const value = $(`meta[property="${name}"], meta[name="${name}"]`).first().attr('content');
			if (clean(value)) return clean(value);
		}
		return null;
	};
	const canonical = absoluteUrl($('link[rel="canonical"]').attr('href'), url) ?? absoluteUrl(meta('og:url') ?? undefined, url) ?? url;
	const recipe = withPageLists($, readStructuredRecipe($, url), readHtmlRecipe($), readPageFacts($));
	const title = pageTitle($);
	const ogImage = metaUrl(meta('og:image:secure_url', 'og:image', 'og:image:url', 'twitter:image', 'twitter:image:src'), url);
	const images = pagePictures($, url, ogImage, recipe?.image ?? null, recipe?.title ?? title);
	const content: ExtractedContent = {
		url,
		canonicalUrl: canonical,
		title,
		description: meta('og:description', 'twitter:description', 'description'),
		image: images[0] ?? null,
		images,
		author: recipe?.author ?? meta('author'),
		siteName: meta('og:site_name', 'application-name'),
		// Without a recipe in its data or lists, the page's prose is what a parser can still read.
		text: recipe ? null : mainText($),
		recipe,
		followUrl: null
	};
	// A social post has no structured data; its caption is its text, and may hold the recipe.
	const post = recipe?.source === 'json-ld' || recipe?.source === 'microdata' ? null : readSocialPost($, url);
	return post ? withSocialPost(content, post) : content;
}

/** What a social post adds to its page: the caption, its author, the post's picture and the caption's recipe. */
function withSocialPost(content: ExtractedContent, post: SocialPost): ExtractedContent {
	const read = post.caption ? readCaption(post.caption) : null;
	// A title the platform keeps apart (a video's) is the author's own choice; else the caption's.
	const title = (post.title && cleanTitle(post.title)) || read?.title || null;
	const images = [...new Set([...content.images, post.image].filter((i): i is string => !!i))];
	const recipe: ExtractedRecipe | null = read
		? { ...read, title, ...withChapters(read.instructions, post.chapters), ...captionFacts(post.caption!), image: images[0] ?? null, author: post.author, source: 'caption' }
		: content.recipe;
	return { ...content, title, description: read?.description ?? null, image: images[0] ?? null, images, author: post.author ?? content.author, text: post.caption, recipe, followUrl: post.followUrl, isPost: true, media: post.media };
}

/** Not a step of the recipe: a video's opening, closing or asides, as a whole chapter title ("Start the broth" is a step). */
const NOT_A_STEP = /^(?:intro(?:duction)?|outro|start|end(?:ing)?|(?:the )?(?:final )?(?:result|thoughts)|taste test|tasting|thanks?(?: for watching)?|subscribe|sponsor(?:ed)?|ad)\W*$/i;

/**
 * A video's chapters name its steps: when the description lists ingredients but no method, the
 * chapter titles are the steps; the opening and closing chapters are not.
 */
function withChapters(instructions: string[], chapters: string[]) {
	const steps = chapters.filter((c) => !NOT_A_STEP.test(c));
	return instructions.length || steps.length < 2 ? { instructions } : { instructions: steps };
}

export function captionFacts(caption: string) {
	const facts = textFacts(caption);
	return { yields: facts.yields, totalTime: facts.totalMinutes };
}

/** The contract output of `npm run extract` (shared/design.md): the recipe, with the page's own meta as fallback. */
export function extractionSummary(content: ExtractedContent) {
	const r = content.recipe;
	return {
		url: content.canonicalUrl,
		title: r?.title ?? content.title,
		// The foods alone, as recipe-scrapers' `ingredients` (group names are its `ingredient_groups`);
		// steps keep their section names, as its `instructions` do.
		ingredients: r?.ingredients.filter((line) => !r.ingredientHeadings?.includes(line)) ?? [],
		instructions: r?.instructions ?? [],
		yields: r?.yields ?? null,
		total_time: r?.totalTime ?? null,
		// The picture the site chose to represent the page first; the recipe's own as fallback.
		image: content.image,
		author: content.author,
		description: r?.description ?? content.description
	};
}
