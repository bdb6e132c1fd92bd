/** Link handling for shared text: finding the link, and the key that spots the same link twice. */

const LINK = /https?:\/\/[^\s<>"'`\u00a0\u201c\u201d]+/gi;
const TRAILING = new Set('.,;:!?\'"\u2019»›)]}>');
const BARE_DOMAIN = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,}(?:[/?#]\S*)?$/i;

/** The first link in one piece of text, without the punctuation a sentence puts after it. */
export function findLink(text: string | undefined | null): string | null {
	return text ? (eachLink(text).next().value ?? null) : null;
}

/** Every link in the text, in order, each as `findLink` would give it. */
export function findLinks(text: string | undefined | null): string[] {
	return text ? [...eachLink(text)] : [];
}

/** Lazily, so `findLink` stops at the first link of a long text. */
function* eachLink(text: string): Generator<string, undefined> {
	for (const match of text.matchAll(LINK)) {
		const link = withoutTrailingPunctuation(match[0]);
		if (isHttpUrl(link)) yield link;
	}
}

/**
 * "(see https://x.com/a)" keeps no ")" but "https://en.wikipedia.org/wiki/Pie_(food)" keeps it.
 * One pass from the end with the brackets counted once: a link may be the whole 64 KiB body, and
 * a regex anchored at its end (or a recount per character) is quadratic in a run of punctuation.
 */
function withoutTrailingPunctuation(link: string): string {
	let open = 0;
	let close = 0;
	for (const c of link) {
		if (c === '(') open++;
		else if (c === ')') close++;
	}
	let end = link.length;
	while (end > 0 && TRAILING.has(link[end - 1]!)) {
		if (link[end - 1] === ')') {
			if (open >= close) break;
			close--;
		}
		end--;
	}
	return link.slice(0, end);
}

export function isHttpUrl(value: string): boolean {
	try {
		const url = new URL(value);
		return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname.length > 0;
	} catch {
		return false;
	}
}

/** A domain typed without its scheme ("example.com/pie") as the https link it means, else null. */
export function bareDomainLink(text: string): string | null {
	if (!BARE_DOMAIN.test(text)) return null;
	// The pattern admits labels the URL parser refuses (an "xn--" label that is not Punycode).
	const link = `https://${text}`;
	return isHttpUrl(link) ? link : null;
}

/**
 * The first http(s) link in what a share sheet sent. `url` may also be a bare domain typed by
 * hand ("example.com/pie"); Android puts the link in `text`, some apps in `title`.
 */
export function linkFromShare(share: { url?: string | null; text?: string | null; title?: string | null }): string | null {
	const url = share.url?.trim();
	if (url) {
		if (isHttpUrl(url)) return findLink(url) ?? url;
		const bare = bareDomainLink(url);
		if (bare) return bare;
		const inside = findLink(url);
		if (inside) return inside;
	}
	return findLink(share.text) ?? findLink(share.title);
}

// Parameters that only say who shared what from where; they never change the page.
const TRACKING = new Set([
	'fbclid', 'gclid', 'dclid', 'gbraid', 'wbraid', 'msclkid', 'yclid', 'twclid', 'ttclid',
	'igshid', 'igsh', 'si', 'mc_cid', 'mc_eid', '_ga', '_gl', 'ref_src', 'ref_url',
	'_r', '_t', 'is_from_webapp', 'sender_device', 'sender_web_id', 'share_app_id', 'feature'
]);

/**
 * The dedupe key of a link: lower-case host without www./m., no fragment, no tracking
 * parameters, remaining parameters sorted, no trailing slash, youtu.be expanded.
 */
export function normalizeUrl(raw: string): string {
	const url = new URL(raw);
	url.hash = '';
	url.hostname = url.hostname.toLowerCase().replace(/^(www|m|mobile)\./, '');
	if (url.hostname === 'youtu.be' && url.pathname.length > 1) {
		const id = url.pathname.slice(1).split('/')[0]!;
		url.hostname = 'youtube.com';
		url.pathname = '/watch';
		url.searchParams.set('v', id);
	}
	const kept = [...url.searchParams.entries()]
		.filter(([k]) => !k.toLowerCase().startsWith('utm_') && !TRACKING.has(k.toLowerCase()))
		.sort(([a, av], [b, bv]) => (a === b ? av.localeCompare(bv) : a.localeCompare(b)));
	url.search = new URLSearchParams(kept).toString();
	if (url.pathname.length > 1) url.pathname = url.pathname.replace(/\/+$/, '');
	return url.href;
}

/**
 * The dedupe keys of the links that led to one recipe: the link shared first, then where it
 * redirected and the page's canonical URL (or og:url). A site's bare home page is left out of the
 * others: some sites name it canonical on every page, and keying it would make all their recipes
 * one. Links that are not URLs are skipped.
 */
export function sourceKeys(shared: string, ...seenAs: Array<string | null | undefined>): string[] {
	const keys = new Set<string>();
	for (const [i, link] of [shared, ...seenAs].entries()) {
		if (!link) continue;
		let key: string;
		try {
			key = normalizeUrl(link);
		} catch {
			continue;
		}
		const url = new URL(key);
		if (i > 0 && url.pathname === '/' && !url.search) continue;
		keys.add(key);
	}
	return [...keys];
}

/**
 * Where a notification's tap may go: an address on this app, else its home page. The payload is
 * data, so a URL to another site (or a javascript: one) never becomes a navigation.
 */
export function sameOriginHref(target: string | null | undefined, origin: string): string {
	try {
		const url = new URL(target || '/', origin);
		if (url.origin === origin) return url.href;
	} catch {
		// unreadable: home
	}
	return new URL('/', origin).href;
}
