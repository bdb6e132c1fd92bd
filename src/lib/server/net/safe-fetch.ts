import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { isIP } from 'node:net';
import { Agent, fetch, type Dispatcher } from 'undici';
import { formatDuration } from '../../format';
import { isPublicAddress } from './address';
import { BlockedAddressError, HttpStatusError, networkError, safeHost } from './errors';
import { JobError, PermanentError, RetryableError } from '../queue/errors';

export interface SafeFetchOptions {
	signal?: AbortSignal;
	/** Body bytes read at most; more is refused rather than silently cut. */
	maxBytes: number;
	timeoutMs: number;
	/** Only for tests against fixture sites on 127.0.0.1 (FETCH_ALLOW_PRIVATE). */
	allowPrivate: boolean;
	/** Accepted media types (lower case, without parameters). */
	accept?: readonly string[];
	maxRedirects?: number;
}

export interface FetchedPage {
	/** The URL after redirects. */
	url: string;
	status: number;
	contentType: string;
	body: string;
}

const USER_AGENT =
	'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36 Cookmark/0.1';

const HTML_TYPES = ['text/html', 'application/xhtml+xml'];

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A DNS lookup that refuses non-public answers. It runs inside the connection, so the socket
 * goes to exactly the address that was checked: no gap for DNS rebinding.
 */
export function guardedLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
	dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
		if (err) return callback(err, []);
		const list = addresses as LookupAddress[];
		const blocked = list.find((a) => !isPublicAddress(a.address));
		if (blocked) return callback(new BlockedAddressError(hostname, blocked.address) as unknown as NodeJS.ErrnoException, []);
		if (options.all) return callback(null, list);
		const first = list[0];
		if (!first) return callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), []);
		callback(null, first.address, first.family);
	});
}

let guardedAgent: Dispatcher | undefined;
let openAgent: Dispatcher | undefined;

function agentFor(allowPrivate: boolean): Dispatcher {
	if (allowPrivate) return (openAgent ??= new Agent({ connect: { timeout: 10_000 } }));
	return (guardedAgent ??= new Agent({ connect: { timeout: 10_000, lookup: guardedLookup as never } }));
}

function checkUrl(raw: string, allowPrivate: boolean): URL {
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
	// IP literals never reach the lookup, so they are checked here.
	const host = url.hostname.replace(/^\[|\]$/g, '');
	if (!allowPrivate && isIP(host) && !isPublicAddress(host)) throw new BlockedAddressError(host, host);
	if (!allowPrivate && (host === 'localhost' || host.endsWith('.localhost'))) throw new BlockedAddressError(host, 'loopback');
	return url;
}

/**
 * GETs an untrusted URL for the server: http(s) only, public addresses only (each redirect hop
 * checked again), bounded in time and size, HTML by default.
 */
export async function safeFetch(raw: string, options: SafeFetchOptions): Promise<FetchedPage> {
	const timeout = AbortSignal.timeout(options.timeoutMs);
	const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
	try {
		return await fetchFollowing(raw, options, signal);
	} catch (err) {
		if (err instanceof JobError || err instanceof HttpStatusError) throw err;
		// The caller's own abort (timeout, cancel) is the caller's to explain.
		if (options.signal?.aborted) throw options.signal.reason;
		if (timeout.aborted) {
			throw new RetryableError('timeout', `${safeHost(raw)} did not answer within ${formatDuration(options.timeoutMs)}`);
		}
		throw networkError(err, raw);
	}
}

async function fetchFollowing(raw: string, options: SafeFetchOptions, signal: AbortSignal): Promise<FetchedPage> {
	const accept = options.accept ?? HTML_TYPES;
	const maxRedirects = options.maxRedirects ?? 5;
	let url = checkUrl(raw, options.allowPrivate);

	for (let hop = 0; ; hop++) {
		const res = await fetch(url, {
			redirect: 'manual',
			signal,
			dispatcher: agentFor(options.allowPrivate),
			headers: {
				'user-agent': USER_AGENT,
				accept: 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.5',
				'accept-language': 'en-US,en;q=0.9'
			}
		});
		if (res.status >= 300 && res.status < 400 && res.headers.has('location')) {
			await res.body?.cancel();
			if (hop >= maxRedirects) throw new PermanentError('too_many_redirects', `more than ${maxRedirects} redirects from ${safeHost(raw)}`);
			url = checkUrl(new URL(res.headers.get('location')!, url).href, options.allowPrivate);
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
		const bytes = await readLimited(res.body, options.maxBytes);
		return { url: url.href, status: res.status, contentType, body: decode(bytes, contentType) };
	}
}

async function readLimited(
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

function decode(bytes: Uint8Array, contentType: string): string {
	const charset = /charset="?([\w-]+)/i.exec(contentType)?.[1];
	try {
		return new TextDecoder(charset ?? 'utf-8').decode(bytes);
	} catch {
		return new TextDecoder('utf-8').decode(bytes);
	}
}
