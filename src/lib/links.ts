/** Link handling for shared text: finding the link, and the key that spots the same link twice. */

const LINK = /https?:\/\/[^\s<>"'`\u00a0\u201c\u201d]+/i;
const TRAILING = /[.,;:!?'"\u2019»›)\]}>]+$/;
const BARE_DOMAIN = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,}(?:[/?#]\S*)?$/i;

/** The link in one piece of text, without the punctuation a sentence puts after it. */
export function findLink(text: string | undefined | null): string | null {
	if (!text) return null;
	const match = LINK.exec(text);
	if (!match) return null;
	let link = match[0];
	// "(see https://x.com/a)" keeps no ")" but "https://en.wikipedia.org/wiki/Pie_(food)" keeps it.
	while (TRAILING.test(link)) {
		const last = link.at(-1)!;
		if (last === ')' && (link.match(/\(/g)?.length ?? 0) >= (link.match(/\)/g)?.length ?? 0)) break;
		link = link.slice(0, -1);
	}
	return isHttpUrl(link) ? link : null;
}

export function isHttpUrl(value: string): boolean {
	try {
		const url = new URL(value);
		return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname.length > 0;
	} catch {
		return false;
	}
}

/**
 * The first http(s) link in what a share sheet sent. `url` may also be a bare domain typed by
 * hand ("example.com/pie"); Android puts the link in `text`, some apps in `title`.
 */
export function linkFromShare(share: { url?: string | null; text?: string | null; title?: string | null }): string | null {
	const url = share.url?.trim();
	if (url) {
		if (isHttpUrl(url)) return findLink(url) ?? url;
		if (BARE_DOMAIN.test(url)) return `https://${url}`;
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
