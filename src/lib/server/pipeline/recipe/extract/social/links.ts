/**
 * The link shapes people share from the platforms' apps, and one address per post: tracking
 * parameters (`igsh`, `utm_*`, `si`, `fbclid`…) dropped, mobile and short hosts made the web host.
 * The protocol and port are kept, so a link is fetched where it points.
 */
export type Platform = 'instagram' | 'tiktok' | 'youtube' | 'facebook' | 'pinterest';

const HOSTS: [RegExp, Platform][] = [
	[/(?:^|\.)(?:instagram\.com|instagr\.am)$/, 'instagram'],
	[/(?:^|\.)tiktok\.com$/, 'tiktok'],
	[/(?:^|\.)(?:youtube\.com|youtu\.be|youtube-nocookie\.com)$/, 'youtube'],
	[/(?:^|\.)(?:facebook\.com|fb\.watch|fb\.com)$/, 'facebook'],
	[/(?:^|\.)pinterest\.(?:com|[a-z]{2}|com?\.[a-z]{2})$|^pin\.it$/, 'pinterest']
];

export const PLATFORMS: readonly Platform[] = HOSTS.map(([, p]) => p);

export function platformOfHost(hostname: string): Platform | null {
	const host = hostname.toLowerCase().replace(/\.$/, '');
	return HOSTS.find(([pattern]) => pattern.test(host))?.[1] ?? null;
}

export interface PostLink {
	platform: Platform;
	/** The address to fetch. */
	url: string;
	/** The post's code or id as the link names it; null for short links, resolved by their redirect. */
	id: string | null;
}

/** `host` with its name replaced, the port kept. */
const onHost = (url: URL, hostname: string) => `${url.protocol}//${hostname}${url.port ? `:${url.port}` : ''}`;

type Rule = (url: URL, path: string) => PostLink | null;

const instagram: Rule = (url, path) => {
	// `/p/<code>`, `/reel/<code>`, `/reels/<code>`, `/tv/<code>`, also behind a username (`/cook.jo/p/<code>`).
	const m = /^\/(?:[\w.]+\/)?(p|reels?|tv)\/([\w-]+)/.exec(path);
	if (!m) return null;
	const kind = m[1] === 'reels' ? 'reel' : m[1]!;
	const host = url.hostname === 'www.instagram.com' ? url.hostname : 'www.instagram.com';
	return { platform: 'instagram', url: `${onHost(url, host)}/${kind}/${m[2]}/`, id: m[2]! };
};

const tiktok: Rule = (url, path) => {
	const post = /^\/(@[\w.-]+)\/(video|photo)\/(\d+)/.exec(path);
	if (post) return { platform: 'tiktok', url: `${onHost(url, 'www.tiktok.com')}/${post[1]}/${post[2]}/${post[3]}`, id: post[3]! };
	// vm.tiktok.com/<code>, vt.tiktok.com/<code>, www.tiktok.com/t/<code>: redirects to the post.
	const short = /^(?:vm|vt)\.tiktok\.com$/.test(url.hostname) ? /^\/([\w-]+)/.exec(path) : /^\/t\/([\w-]+)/.exec(path);
	return short ? { platform: 'tiktok', url: `${onHost(url, url.hostname)}${short[0]}/`, id: null } : null;
};

const youtube: Rule = (url, path) => {
	const id =
		(url.hostname === 'youtu.be' ? /^\/([\w-]{6,})/.exec(path)?.[1] : null) ??
		(path === '/watch' ? url.searchParams.get('v') : null) ??
		/^\/(?:shorts|live|embed)\/([\w-]{6,})/.exec(path)?.[1];
	if (!id || !/^[\w-]+$/.test(id)) return null;
	const web = url.hostname === 'youtu.be' || url.hostname.endsWith('youtube-nocookie.com') ? 'www.youtube.com' : url.hostname.replace(/^(?:m\.|music\.)?(?:www\.)?/, 'www.');
	const shorts = path.startsWith('/shorts/');
	return { platform: 'youtube', url: `${onHost(url, web)}/${shorts ? `shorts/${id}` : `watch?v=${id}`}`, id };
};

const facebook: Rule = (url, path) => {
	const host = url.hostname === 'fb.watch' ? url.hostname : 'www.facebook.com';
	const base = onHost(url, host);
	if (url.hostname === 'fb.watch') return /^\/[\w-]+/.test(path) ? { platform: 'facebook', url: `${base}${path.replace(/\/?$/, '/')}`, id: null } : null;
	const reel = /^\/reel\/(\d+)/.exec(path);
	if (reel) return { platform: 'facebook', url: `${base}/reel/${reel[1]}/`, id: reel[1]! };
	const share = /^\/share\/(?:r|v|p)\/[\w-]+/.exec(path);
	if (share) return { platform: 'facebook', url: `${base}${share[0]}/`, id: null };
	const post = /^\/[\w.-]+\/(?:posts|videos)\/(?:[\w.-]+\/)?([\w-]+)/.exec(path);
	if (post) return { platform: 'facebook', url: `${base}${post[0]}/`, id: post[1]! };
	const watch = path === '/watch' || path === '/watch/' ? url.searchParams.get('v') : null;
	if (watch && /^\d+$/.test(watch)) return { platform: 'facebook', url: `${base}/watch/?v=${watch}`, id: watch };
	const story = path === '/permalink.php' || path === '/story.php' ? url.searchParams.get('story_fbid') : null;
	const owner = url.searchParams.get('id');
	if (story && owner) return { platform: 'facebook', url: `${base}/permalink.php?story_fbid=${encodeURIComponent(story)}&id=${encodeURIComponent(owner)}`, id: story };
	return null;
};

const RULES: Partial<Record<Platform, Rule>> = { instagram, tiktok, youtube, facebook };

/** A shared link's post on a platform, at its one address; null for any other link. */
export function postLink(raw: string): PostLink | null {
	let url: URL;
	try {
		url = new URL(raw.trim());
	} catch {
		return null;
	}
	if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
	url.hostname = url.hostname.toLowerCase().replace(/\.$/, '');
	const platform = platformOfHost(url.hostname);
	const rule = platform ? RULES[platform] : undefined;
	return rule ? rule(url, url.pathname.replace(/\/{2,}/g, '/')) : null;
}

/** The public embed page of an Instagram post (reels included), on the post's own origin. */
export function instagramEmbedUrl(raw: string): string | null {
	const link = postLink(raw);
	return link?.platform === 'instagram' && link.id ? `${new URL(link.url).origin}/p/${link.id}/embed/captioned/` : null;
}
