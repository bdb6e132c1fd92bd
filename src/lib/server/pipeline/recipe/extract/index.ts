import { readPage } from './read-page';
import type { FetchedPage } from '../../../net/safe-fetch';
import { classifyError, PermanentError } from '../../../failures/errors';
import { HttpStatusError } from '../../../net/errors';
import type { ExtractedContent } from './content';
import { instagramEmbedUrl, platformOfHost, postLink } from './social/links';
import { recipeLinkInCaption } from './recipe-link';
import { readSharedText } from './shared-text';
import { extractPictures, type LoadSharedPictures } from './shared-pictures';

export { ExtractedContent } from './content';

export interface ExtractionDeps {
	/** `owner`: whose item it is, so a session they saved for the link's platform can be sent along. */
	fetchPage(url: string, signal: AbortSignal, owner?: { userId: string }): Promise<FetchedPage>;
	/** The page HTML the owner's browser sent with the link (shared_files); null when it is gone. */
	sharedHtml(userId: string, fileId: string): Promise<string | null>;
	/** The owner's shared pictures (shared_files), for a share of pictures. */
	loadSharedPictures: LoadSharedPictures;
}

type Progress = (percent: number, message: string) => void;
type FetchPage = ExtractionDeps['fetchPage'];

/** A page fetched for a second look; null when it cannot be had for good (a 404), so the first one stands. A passing fault still retries the item. */
async function fetchOptional(url: string, fetchPage: FetchPage, signal: AbortSignal): Promise<FetchedPage | null> {
	try {
		return await fetchPage(url, signal);
	} catch (err) {
		if (classifyError(err).kind === 'retryable') throw err;
		return null;
	}
}

const isLoginPage = (url: string | null) => url !== null && /^\/(?:accounts\/login|login)\b/.test(new URL(url).pathname);
const hasMedia = (c: ExtractedContent) => !!(c.media?.videoUrl || c.media?.slides.length);

export const INSTAGRAM_LOGIN_WALL =
	'Instagram showed its login page instead of the post. Share it again with the caption text (copy the caption in Instagram), or save an Instagram session in Settings.';

/**
 * Instagram often serves a logged-out fetch its login page, or a post page without the caption.
 * The post's public embed page (`/p/<code>/embed/captioned/`, reels included) still shows the
 * caption, author and pictures; the post page's own metadata is the last resort.
 */
async function instagramPost(content: ExtractedContent, postUrl: string, fetchPage: FetchPage, signal: AbortSignal, progress: Progress): Promise<ExtractedContent> {
	const loginPage = isLoginPage(content.url);
	if (content.text && !loginPage) return content;
	const embedUrl = instagramEmbedUrl(postUrl);
	if (embedUrl) {
		progress(40, 'reading the embedded post');
		const embed = await fetchOptional(embedUrl, fetchPage, signal);
		const read = embed ? readPage(embed.body, embed.url) : null;
		// The post, not its embed page, is what the recipe came from; the post page's pictures (not the login page's) stay.
		const images = [...new Set([...(read?.images ?? []), ...(loginPage ? [] : content.images)])];
		if (read && (read.text || hasMedia(read))) return { ...read, url: postUrl, canonicalUrl: postUrl, image: images[0] ?? null, images };
	}
	if (!loginPage && (content.text || hasMedia(content) || content.image)) return content;
	throw new PermanentError('instagram_login_wall', INSTAGRAM_LOGIN_WALL);
}

/**
 * A post whose caption sends the reader elsewhere for the recipe ("full recipe at example.com/…"):
 * that page's recipe, with the post's picture and author, the post still the source. One hop.
 */
async function recipeElsewhere(content: ExtractedContent, fetchPage: FetchPage, signal: AbortSignal, progress: Progress): Promise<ExtractedContent> {
	const link = recipeLinkInCaption(content.text, (content.recipe?.ingredients.length ?? 0) >= 2);
	if (!link) return content;
	progress(75, 'following the recipe link');
	const page = await fetchOptional(link, fetchPage, signal);
	const linked = page ? readPage(page.body, page.url) : null;
	if (!linked?.recipe || linked.isPost) return content;
	const image = content.image ?? linked.image;
	return {
		...linked,
		url: content.url,
		canonicalUrl: content.canonicalUrl,
		recipeUrl: linked.canonicalUrl,
		image,
		images: [...new Set([...content.images, ...linked.images])],
		author: content.author ?? linked.author,
		recipe: { ...linked.recipe, image: image ?? linked.recipe.image, author: content.author ?? linked.recipe.author },
		isPost: true,
		media: content.media
	};
}

export const BOT_WALL_HINT =
	'The site refuses servers: share it from the bookmarklet (desktop) or the iOS Shortcut, which send the page as your browser sees it.';

/**
 * The shared page itself. A 403 or 429 there is most often a wall against servers, which a
 * person's own browser gets past: the failure says how. The status, and so the retry, is kept.
 */
async function fetchShared(url: string, fetchPage: FetchPage, signal: AbortSignal): Promise<FetchedPage> {
	try {
		return await fetchPage(url, signal);
	} catch (err) {
		if (err instanceof HttpStatusError && (err.status === 403 || err.status === 429)) {
			throw new HttpStatusError(err.status, err.headers, err.url, `${err.message}. ${BOT_WALL_HINT}`);
		}
		throw err;
	}
}

/**
 * Reads a shared link: the page's HTML as the person's browser sent it when there is some (never
 * run, only parsed), else the page fetched through the safe fetcher. Pages it leads to (a pin's
 * source, an embed, a caption's recipe link) are always fetched.
 */
export async function extractLink(url: string, fetchPage: FetchPage, signal: AbortSignal, progress: Progress = () => {}, html: string | null = null) {
	// The post at its one address (tracking parameters dropped); short links are followed by the fetcher's redirects.
	const post = postLink(url);
	progress(10, html !== null ? 'reading the page you sent' : post ? 'fetching the post' : 'fetching the page');
	const page = html !== null ? { url: post?.url ?? url, body: html } : await fetchShared(post?.url ?? url, fetchPage, signal);
	progress(30, 'reading the page');
	// Where a short link landed, also without the tracking parameters the redirect added.
	const landed = postLink(page.url)?.url ?? page.url;
	let content = readPage(page.body, landed);
	if (content.followUrl) {
		// A pin only points at the recipe: read the page it points at. One hop, so pages cannot send us around.
		progress(75, "fetching the pin's source");
		const source = await fetchPage(content.followUrl, signal);
		progress(90, 'reading the page');
		return readPage(source.body, source.url);
	}
	if (platformOfHost(new URL(landed).hostname) === 'instagram' || post?.platform === 'instagram') {
		content = await instagramPost(content, postLink(landed)?.url ?? post?.url ?? landed, fetchPage, signal, progress);
	}
	return content.isPost ? recipeElsewhere(content, fetchPage, signal, progress) : content;
}

/** What a share became, read: its pictures, or its text when it has no link, else its link (with the page HTML it came with). */
export async function extractShare(
	item: { userId: string; input: { url: string | null; text?: string | null; title?: string | null; htmlFileId?: string; imageFileIds?: string[] } },
	deps: ExtractionDeps,
	signal: AbortSignal,
	progress: Progress
): Promise<ExtractedContent> {
	const { url, text, htmlFileId, imageFileIds } = item.input;
	if (imageFileIds) return extractPictures({ ...item.input, userId: item.userId, fileIds: imageFileIds }, deps.loadSharedPictures);
	if (url === null) return readSharedText(text ?? '');
	// A file pruned since (retention) leaves the link to be fetched, as it would have been without one.
	const html = htmlFileId ? await deps.sharedHtml(item.userId, htmlFileId) : null;
	return extractLink(url, (url, signal) => deps.fetchPage(url, signal, { userId: item.userId }), signal, progress, html);
}
