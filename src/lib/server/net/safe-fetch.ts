import { isIP } from 'node:net';
import { Agent, fetch, type Dispatcher } from 'undici';
import { formatDuration } from '../../format';
import { decodeHtml } from './charset';
import { BlockedAddressError, fetchOutcome, HttpStatusError, isCutOff, networkError, safeHost, type FetchOutcome } from './errors';
import { guardedLookupWith, lanPolicy, systemPolicy, type AddressPolicy } from './guarded-lookup';
import { JobError, PermanentError, RetryableError } from '../failures/errors';
import type { Config } from '../config';

export { guardedLookup } from './guarded-lookup';

export interface SafeFetchOptions {
	signal?: AbortSignal;
	/** Body bytes read at most; more is refused rather than silently cut. */
	maxBytes: number;
	/** The whole fetch: connecting, every redirect hop, and reading the body. */
	timeoutMs: number;
	/** Opening one connection, DNS lookup included (default 10 s). */
	connectTimeoutMs?: number;
	/** Only for tests against fixture sites on 127.0.0.1 (FETCH_ALLOW_PRIVATE). */
	allowPrivate: boolean;
	/** Accepted media types (lower case, without parameters). */
	accept?: readonly string[];
	maxRedirects?: number;
	/**
	 * A login to send as the Cookie header, only to the hosts it belongs to: from the first hop
	 * whose host is not one of them (a redirect elsewhere), it is never sent again. Only over
	 * https (an http link's first hop goes without it, and the platform's redirect to https gets
	 * it), except on a staged network (`policy`), which has no TLS.
	 */
	cookie?: { header: string; sendTo(hostname: string): boolean };
	/**
	 * Test-only seam: stands in for the system resolver and the public-address rule, so a test can
	 * stage DNS answers (rebinding, a fixture on 127.0.0.1 playing a public site). No configuration
	 * reaches it; the app never sets it.
	 */
	policy?: AddressPolicy;
	/** Told how each fetch ended (the metrics count them). */
	observe?(outcome: FetchOutcome): void;
}

/** The fetch limits a deployment configures, as options for safeFetch. */
export function configuredLimits(config: Config): Pick<SafeFetchOptions, 'timeoutMs' | 'connectTimeoutMs' | 'maxBytes' | 'allowPrivate'> {
	return {
		timeoutMs: config.FETCH_TIMEOUT_MS,
		connectTimeoutMs: config.FETCH_CONNECT_TIMEOUT_MS,
		maxBytes: config.FETCH_MAX_BYTES,
		allowPrivate: config.FETCH_ALLOW_PRIVATE
	};
}

export interface FetchedPage {
	/** The URL after redirects. */
	url: string;
	status: number;
	contentType: string;
	body: string;
}

/** A fetched resource as bytes (a picture, a file), not decoded. */
export interface FetchedBytes extends Omit<FetchedPage, 'body'> {
	bytes: Uint8Array;
}

export const USER_AGENT =
	'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36 Cookmark/0.1';

const HTML_TYPES = ['text/html', 'application/xhtml+xml'];

const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

// One keep-alive pool per setting the app uses; the settings come from configuration, so few.
const agents = new Map<string, Dispatcher>();

/** The dispatcher for these options and how to let go of it (test policies and `fresh` get their own, closed after use). */
export function dispatcherFor(
	options: Pick<SafeFetchOptions, 'connectTimeoutMs' | 'allowPrivate' | 'policy'> & { fresh?: boolean }
): { dispatcher: Dispatcher; release(): void } {
	const timeout = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
	const lookup = guardedLookupWith(options.allowPrivate ? lanPolicy : (options.policy ?? systemPolicy));
	if (options.fresh || (options.policy && !options.allowPrivate)) {
		const agent = new Agent({ connect: { timeout, lookup } });
		return { dispatcher: agent, release: () => void agent.destroy() };
	}
	const key = `${options.allowPrivate}:${timeout}`;
	let agent = agents.get(key);
	if (!agent) agents.set(key, (agent = new Agent({ connect: { timeout, lookup } })));
	return { dispatcher: agent, release: () => {} };
}

/** Parses and checks a URL to be fetched: http(s), no credentials, and (unless allowed) no private address. */
export function checkUrl(raw: string, options: Pick<SafeFetchOptions, 'allowPrivate' | 'policy'>): URL {
	let url: URL;
	try {
		url = new URL(raw);
	} catch {
		throw new PermanentError('invalid_url', `not a valid URL: ${raw.slice(0, 200)}`);
	}
	if (url.protocol !== 'http:' && url.protocol !== 'https:') {
		throw new PermanentError('invalid_url', `only http and https links can be fetched, not ${url.protocol}`);
	}
	if (url.username || url.password) throw new PermanentError('invalid_url', 'links with credentials are not fetched');
	// IP literals never reach the lookup, so they are checked here. The URL parser has already
	// turned every IPv4 spelling (2130706433, 0x7f.1, 0177.0.0.1, 127.1) into dotted decimal.
	const host = url.hostname.replace(/^\[|\]$/g, '');
	const isPublic = (options.allowPrivate ? lanPolicy : (options.policy ?? systemPolicy)).isPublic;
	if (isIP(host) && !isPublic(host)) throw new BlockedAddressError(host);
	if (options.allowPrivate) return url;
	const name = host.replace(/\.$/, '');
	if (name === 'localhost' || name.endsWith('.localhost')) throw new BlockedAddressError(host);
	return url;
}

/**
 * GETs an untrusted URL for the server: http(s) only, public addresses only (each redirect hop
 * checked again), bounded in time and size, HTML by default, decoded in the page's own charset.
 */
export async function safeFetch(raw: string, options: SafeFetchOptions): Promise<FetchedPage> {
	const { bytes, ...page } = await safeFetchBytes(raw, options);
	return { ...page, body: decodeHtml(bytes, page.contentType) };
}

/** safeFetch's rules, the body left as bytes: for pictures and other files (pass `accept`). */
export async function safeFetchBytes(raw: string, options: SafeFetchOptions): Promise<FetchedBytes> {
	try {
		const fetched = await fetchBytes(raw, options);
		options.observe?.('ok');
		return fetched;
	} catch (err) {
		options.observe?.(fetchOutcome(err, options.signal?.aborted ?? false));
		throw err;
	}
}

async function fetchBytes(raw: string, options: SafeFetchOptions): Promise<FetchedBytes> {
	const timeout = AbortSignal.timeout(options.timeoutMs);
	const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
	const { dispatcher, release } = dispatcherFor(options);
	const progress = { answered: false };
	try {
		return await fetchFollowing(raw, options, dispatcher, signal, progress).catch((err) => {
			// A site retires idle kept-alive connections on its own clock; when our event loop is
			// busy (a big page being parsed) we can still send on one it has just closed. Like
			// browsers, ask again once, on a connection of its own, if nothing had been answered.
			if (progress.answered || signal.aborted || !isCutOff(err)) throw err;
			const fresh = dispatcherFor({ ...options, fresh: true });
			return fetchFollowing(raw, options, fresh.dispatcher, signal, progress).finally(fresh.release);
		});
	} catch (err) {
		if (err instanceof JobError || err instanceof HttpStatusError) throw err;
		// The caller's own abort (timeout, cancel) is the caller's to explain.
		if (options.signal?.aborted) throw options.signal.reason;
		if (timeout.aborted) {
			const limit = formatDuration(options.timeoutMs);
			throw new RetryableError(
				'timeout',
				progress.answered ? `${safeHost(raw)} sent the page too slowly (not done within ${limit})` : `${safeHost(raw)} did not answer within ${limit}`
			);
		}
		throw networkError(err, raw);
	} finally {
		release();
	}
}

async function fetchFollowing(
	raw: string,
	options: SafeFetchOptions,
	dispatcher: Dispatcher,
	signal: AbortSignal,
	progress: { answered: boolean }
): Promise<FetchedBytes> {
	const accept = options.accept ?? HTML_TYPES;
	const maxRedirects = options.maxRedirects ?? 5;
	let url = checkUrl(raw, options);
	let cookie = options.cookie;

	for (let hop = 0; ; hop++) {
		if (cookie && !cookie.sendTo(url.hostname)) cookie = undefined;
		const res = await fetch(url, {
			redirect: 'manual',
			signal,
			dispatcher,
			headers: {
				'user-agent': USER_AGENT,
				accept: 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.5',
				'accept-language': 'en-US,en;q=0.9',
				...(cookie && (url.protocol === 'https:' || options.policy) ? { cookie: cookie.header } : {})
			}
		});
		if (res.status >= 300 && res.status < 400 && res.headers.has('location')) {
			await res.body?.cancel();
			if (hop >= maxRedirects) throw new PermanentError('too_many_redirects', `more than ${maxRedirects} redirects from ${safeHost(raw)}`);
			url = checkUrl(new URL(res.headers.get('location')!, url).href, options);
			continue;
		}
		if (!res.ok) {
			await res.body?.cancel();
			throw new HttpStatusError(res.status, res.headers, url.href);
		}
		const contentType = (res.headers.get('content-type') ?? '').toLowerCase();
		const mediaType = contentType.split(';')[0]!.trim();
		if (accept.length && !accept.includes(mediaType)) {
			await res.body?.cancel();
			throw new PermanentError('unsupported_content', `${safeHost(url.href)} sent ${mediaType || 'no content type'}, not a web page`);
		}
		const declared = Number(res.headers.get('content-length') ?? NaN);
		if (declared > options.maxBytes) {
			await res.body?.cancel();
			throw new PermanentError('too_large', `the page is larger than ${Math.round(options.maxBytes / 1024)} KiB`);
		}
		progress.answered = true;
		return { url: url.href, status: res.status, contentType, bytes: await readLimited(res.body, options.maxBytes) };
	}
}

export async function readLimited(
	body: (AsyncIterable<Uint8Array> & { cancel(): Promise<void> }) | null,
	maxBytes: number
): Promise<Uint8Array> {
	if (!body) return new Uint8Array();
	const chunks: Uint8Array[] = [];
	let size = 0;
	for await (const chunk of body) {
		size += chunk.byteLength;
		if (size > maxBytes) {
			await body.cancel().catch(() => {});
			throw new PermanentError('too_large', `the page is larger than ${Math.round(maxBytes / 1024)} KiB`);
		}
		chunks.push(chunk);
	}
	return Buffer.concat(chunks);
}
