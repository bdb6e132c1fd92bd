import { hostOf } from './format';

const platforms: Array<{ host: RegExp; name: (url: URL) => string }> = [
	{
		host: /(^|\.)tiktok\.com$/,
		name: (u) => {
			const author = /^\/@([^/]+)/.exec(u.pathname)?.[1];
			return author ? `TikTok video by @${decodeURIComponent(author)}` : 'TikTok video';
		}
	},
	{
		host: /(^|\.)instagram\.com$/,
		name: (u) => {
			const [first, kind] = u.pathname.split('/').filter(Boolean);
			const isKind = (s?: string) => s === 'p' || s === 'reel' || s === 'reels' || s === 'tv';
			const what = (isKind(first) ? first : kind)?.startsWith('reel') ? 'Instagram reel' : 'Instagram post';
			return first && !isKind(first) && isKind(kind) ? `${what} by @${first}` : what;
		}
	},
	{ host: /(^|\.)(youtube\.com|youtu\.be)$/, name: (u) => (u.pathname.startsWith('/shorts/') ? 'YouTube Short' : 'YouTube video') },
	{ host: /(^|\.)pinterest\.[a-z.]+$|(^|\.)pin\.it$/, name: () => 'Pinterest pin' },
	{ host: /(^|\.)facebook\.com$|(^|\.)fb\.watch$/, name: () => 'Facebook post' }
];

/** A page's slug as words: "/recipes/best-carrot-soup.html" → "Best carrot soup"; null when it has none. */
function slugName(url: URL): string | null {
	const segments = url.pathname.split('/').filter(Boolean).map((s) => {
		try {
			return decodeURIComponent(s);
		} catch {
			return s;
		}
	});
	for (const segment of segments.reverse()) {
		const words = segment
			.replace(/\.[a-z0-9]{2,5}$/i, '')
			.split(/[-_+\s]+/)
			.filter((w) => w && !/^\d+$/.test(w));
		// An id ("a8f3k2"), a lone word like "recipe" or "amp" says nothing: look further up.
		if (words.length >= 2 || (words.length === 1 && words[0]!.length > 3 && !/\d/.test(words[0]!) && !/^(recipes?|amp|index|post|posts|print)$/i.test(words[0]!))) {
			const text = words.join(' ').toLowerCase();
			return text.charAt(0).toUpperCase() + text.slice(1);
		}
	}
	return null;
}

/**
 * What to call an item before its recipe has a title: the title the share came with, else what the
 * link says (a post's platform and author, a page's slug), and only then its host.
 */
export function nameFromLink(link: string): string {
	let url: URL;
	try {
		url = new URL(link);
	} catch {
		return link;
	}
	const host = hostOf(link);
	const platform = platforms.find((p) => p.host.test(host));
	return platform ? platform.name(url) : (slugName(url) ?? host);
}

/** An item's name wherever it is shown: its recipe's title once read, else the share's, else the link's (or the text's first line, the pictures' count). */
export function itemTitle(item: { url: string | null; label: string; title: string | null; results: unknown }): string {
	const read = (item.results as { title?: unknown } | null)?.title;
	return typeof read === 'string' && read ? read : (item.title ?? (item.url ? nameFromLink(item.url) : item.label));
}

/** Where an item came from, in a word: the link's host, else what was shared. */
export function itemSource(item: { kind: 'link' | 'text' | 'images'; url: string | null; label: string }): string {
	if (item.url) return hostOf(item.url);
	return item.kind === 'text' ? 'Shared text' : item.label;
}
