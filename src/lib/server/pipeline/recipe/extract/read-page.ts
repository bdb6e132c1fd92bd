import * as cheerio from 'cheerio';

/** What the extraction phase keeps of a page; the parsing phase reads only this. */
export interface ExtractedContent {
	url: string;
	canonicalUrl: string;
	title: string | null;
	description: string | null;
	image: string | null;
	siteName: string | null;
}

function absolute(href: string | undefined, base: string): string | null {
	if (!href?.trim()) return null;
	try {
		const url = new URL(href.trim(), base);
		return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
	} catch {
		return null;
	}
}

const clean = (s: string | undefined): string | null => {
	const text = s?.replace(/\s+/g, ' ').trim();
	return text ? text : null;
};

/** Reads a page's own description of itself: OpenGraph and Twitter meta, then <title>. */
export function readPage(html: string, url: string): ExtractedContent {
	const $ = cheerio.load(html);
	const meta = (...names: string[]) => {
		for (const name of names) {
			const value = $(`meta[property="${name}"], meta[name="${name}"]`).first().attr('content');
			if (clean(value)) return clean(value);
		}
		return null;
	};
	const canonical = absolute($('link[rel="canonical"]').attr('href'), url) ?? absolute(meta('og:url') ?? undefined, url) ?? url;
	return {
		url,
		canonicalUrl: canonical,
		title: meta('og:title', 'twitter:title') ?? clean($('title').first().text()) ?? clean($('h1').first().text()),
		description: meta('og:description', 'twitter:description', 'description'),
		image: absolute(meta('og:image', 'og:image:url', 'twitter:image') ?? undefined, url),
		siteName: meta('og:site_name', 'application-name')
	};
}
