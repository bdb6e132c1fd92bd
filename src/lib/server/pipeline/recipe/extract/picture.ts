import type { CheerioAPI } from 'cheerio';
import { absoluteUrl } from './values';

/** A 1200×630 link-preview crop rather than a picture of the dish. */
const SHARE_CARD = /1200[-x_]630|w_?1200[-_,]h_?6[23]\d|h_630,w_1200|w1200h6[23]\d/i;

/** Media libraries of blog platforms whose recipe cards are plug-ins: WordPress, Shopify. */
const BLOG_MEDIA = /\/wp-content\/|cdn\.shopify\.com|\/cdn\/shop\//;

/** Pictures that are page furniture, never the dish. */
const FURNITURE_PICTURE = /logo|icon|\/cropped-|avatar|sprite|badge|banner|spinner|placeholder|blank\.|pixel|gravatar|emoji|\.svg(?:$|\?)|\.gif(?:$|\?)/i;

/**
 * A meta URL as written, repaired when a theme glued the site's address in front of an absolute
 * one ("http://example.comhttps://cdn.example.com/pie.jpg").
 */
export function metaUrl(value: string | null, base: string): string | null {
	if (!value) return null;
	// Only a bare host in front: a CDN's fetch URL ("…/image/fetch/w_1600/https://…") is whole.
	const glued = /^https?:\/\/[^/]+?(https?:\/\/.+)$/i.exec(value.trim());
	return absoluteUrl(glued ? glued[1] : value, base);
}

/**
 * The page's pictures, best first. The page's own share picture (og:image) leads on WordPress
 * sites: their recipe plugins list the recipe's picture as cropped renditions, while the SEO
 * plugin's og:image is the post's featured photo. Elsewhere the recipe's own picture is the
 * dish, and og:image is often a social crop; a link-preview card or a logo never leads. A page
 * with neither falls back to the first picture in its content.
 */
export function pagePictures($: CheerioAPI, url: string, ogImage: string | null, recipeImage: string | null, title: string | null): string[] {
	// A logo or icon as the page's share picture says nothing of the dish.
	const share = ogImage && !FURNITURE_PICTURE.test(ogImage) ? ogImage : null;
	const blogPlatform = BLOG_MEDIA.test(`${ogImage ?? ''} ${recipeImage ?? ''}`);
	const recipeFirst = share && recipeImage && (SHARE_CARD.test(share) || !blogPlatform);
	const chosen = (recipeFirst ? [recipeImage, share] : [share, recipeImage]).filter((i): i is string => !!i);
	if (!chosen.length) chosen.push(...[contentPicture($, url, title), ogImage].filter((i): i is string => !!i));
	return [...new Set(chosen)];
}

const words = (s: string) => s.toLowerCase().match(/[\p{L}\p{N}]{3,}/gu) ?? [];

/**
 * The dish's picture in a page that names none: the first content image captioned with the
 * recipe's title, else the first one that is not furniture and not declared small.
 */
function contentPicture($: CheerioAPI, url: string, title: string | null): string | null {
	const titleWords = new Set(words(title ?? ''));
	const candidates: { src: string; named: boolean }[] = [];
	$('body img').each((_, el) => {
		const img = $(el);
		if (img.closest('header, nav, footer').length) return;
		const src = absoluteUrl(img.attr('src') ?? img.attr('data-src') ?? img.attr('data-lazy-src'), url);
		if (!src || FURNITURE_PICTURE.test(src) || `${img.attr('class') ?? ''} ${img.attr('alt') ?? ''}`.match(/logo|icon|avatar/i)) return;
		const width = Number(img.attr('width'));
		const height = Number(img.attr('height'));
		if ((width > 0 && width < 200) || (height > 0 && height < 150)) return;
		const caption = words(`${img.attr('alt') ?? ''} ${img.attr('title') ?? ''}`);
		const shared = caption.filter((w) => titleWords.has(w)).length;
		candidates.push({ src, named: titleWords.size > 0 && shared >= Math.min(2, titleWords.size) });
	});
	return (candidates.find((c) => c.named) ?? candidates[0])?.src ?? null;
}
