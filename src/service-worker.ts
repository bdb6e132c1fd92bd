/// <reference types="@sveltejs/kit" />
/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />
import { build, files, version } from '$service-worker';
import type { PushMessage } from '$lib/contract/push';
import { sameOriginHref } from '$lib/links';

const sw = self as unknown as ServiceWorkerGlobalScope;

/** The app shell of this build: replaced as a whole when a new version activates. */
const SHELL = `cookmark-shell-${version}`;
/** The last copy of each page visited, for opening the app without a connection. */
const PAGES = 'cookmark-pages';
const OFFLINE_PAGE = '/offline.html';
const SHELL_FILES = [...build, ...files];
const SHELL_SET = new Set(SHELL_FILES);
/** Pages that must never come from a cache: they act, or belong to a signed-out visitor. */
const NEVER_CACHED = new Set(['/share', '/login', '/signup', '/logout']);
const SYNC_TAG = 'cookmark-shares';

sw.addEventListener('install', (event) => {
	event.waitUntil(
		caches
			.open(SHELL)
			.then((cache) => cache.addAll(SHELL_FILES))
			.then(() => sw.skipWaiting())
	);
});

sw.addEventListener('activate', (event) => {
	event.waitUntil(
		(async () => {
			for (const key of await caches.keys()) if (key.startsWith('cookmark-shell-') && key !== SHELL) await caches.delete(key);
			await sw.clients.claim();
			await flushShares();
		})()
	);
});

sw.addEventListener('fetch', (event) => {
	const { request } = event;
	const url = new URL(request.url);
	const ours = url.origin === sw.location.origin;
	// The installed app's share target posts (manifest.webmanifest); a share is kept even offline.
	if (request.method === 'POST' && request.mode === 'navigate' && ours && url.pathname === '/share') {
		event.respondWith(share(request, url));
		return;
	}
	// Other posts, the API (JSON and the SSE stream) and anything not ours always go to the network.
	if (request.method !== 'GET' || !ours || url.pathname.startsWith('/api/')) return;
	if (SHELL_SET.has(url.pathname)) {
		event.respondWith(caches.match(request).then((hit) => hit ?? fetch(request)));
		return;
	}
	if (request.mode !== 'navigate') return;
	event.respondWith(url.pathname === '/share' ? share(request, url) : page(request, url));
});

/** Pages: the network first; without it, the last copy of this page, or the offline page. */
async function page(request: Request, url: URL): Promise<Response> {
	try {
		const response = await fetch(request);
		if (response.ok && response.type === 'basic' && !NEVER_CACHED.has(url.pathname)) {
			const copy = response.clone();
			void caches.open(PAGES).then((cache) => cache.put(url.pathname + url.search, copy));
		}
		return response;
	} catch {
		return (await caches.match(url.pathname + url.search, { cacheName: PAGES })) ?? (await caches.match(OFFLINE_PAGE)) ?? Response.error();
	}
}

interface PendingShare {
	id: string;
	url: string | null;
	text: string | null;
	title: string | null;
	/** Pictures shared (IndexedDB keeps the files themselves); absent in shares an older version kept. */
	images?: File[];
	at: number;
}

/**
 * The share target: the installed app's POST (a form, maybe with pictures) or the bookmarklet's
 * GET. Online and signed in, the server takes it. What the server cannot take now is kept on the
 * device and sent later, so no share is lost: offline, anything; signed out, what cannot ride
 * through signing in (the server answers 401 for pictures or a long text; a link rides along).
 */
async function share(request: Request, url: URL): Promise<Response> {
	// A body can be read once: a copy for when the server cannot take it.
	const copy = request.method === 'POST' ? request.clone() : null;
	let response: Response;
	try {
		response = await fetch(request);
	} catch {
		return keep(await sharedIn(copy, url), 'offline');
	}
	if (response.status === 401 && copy) return keep(await sharedIn(copy, url), 'signed-out');
	return response;
}

/** What a share carries: the POSTed form (the share target's), else the address's query (the bookmarklet's). */
async function sharedIn(copy: Request | null, url: URL): Promise<PendingShare & { images: File[] }> {
	const received: FormData | URLSearchParams = copy ? await copy.formData().catch(() => new FormData()) : url.searchParams;
	const field = (name: string) => {
		const value = received.get(name);
		return typeof value === 'string' && value.trim() ? value : null;
	};
	const images = received.getAll('images').filter((f): f is File => typeof f !== 'string' && f.size > 0);
	return { id: crypto.randomUUID(), url: field('url'), text: field('text'), title: field('title'), images, at: Date.now() };
}

async function keep(pending: PendingShare & { images: File[] }, why: 'offline' | 'signed-out'): Promise<Response> {
	const words = [pending.url, pending.text, pending.title].some((v) => v && /[\p{L}\p{N}]/u.test(v));
	if (!words && pending.images.length === 0) {
		return htmlPage('Nothing to save', 'There was no link, text or picture in what was shared, so there is nothing to save.');
	}
	await putShare(pending);
	const what = pending.images.length === 1 ? 'The picture' : pending.images.length ? `The ${pending.images.length} pictures` : 'What you shared';
	if (why === 'signed-out') {
		return htmlPage('Sign in to save this', `${what} ${pending.images.length > 1 ? 'are' : 'is'} kept on this device and sent to Cookmark once you sign in.`, {
			href: '/login',
			label: 'Sign in'
		});
	}
	try {
		await (sw.registration as ServiceWorkerRegistration & { sync?: { register(tag: string): Promise<void> } }).sync?.register(SYNC_TAG);
	} catch {
		// no Background Sync here: the app sends it the next time it opens
	}
	return htmlPage('Saved', `${pending.images.length ? what : 'It'} will be sent to Cookmark when you are back online.`);
}

/** A kept share as the API takes it: pictures as a multipart form, anything else as JSON. */
function requestBody(pending: PendingShare): { body: BodyInit; headers: Record<string, string> } {
	// Only the fields that came: the API takes no nulls.
	const fields = Object.entries({ url: pending.url, text: pending.text, title: pending.title }).filter((e): e is [string, string] => e[1] !== null);
	if (!pending.images?.length) return { body: JSON.stringify(Object.fromEntries(fields)), headers: { 'content-type': 'application/json' } };
	const form = new FormData();
	for (const [name, value] of fields) form.append(name, value);
	for (const image of pending.images) form.append('images', image, image.name);
	return { body: form, headers: {} };
}

/** Sends the shares kept on the device. Each has its own Idempotency-Key, so a retry never queues it twice. */
async function flushShares(): Promise<void> {
	for (const pending of await allShares()) {
		const { body, headers } = requestBody(pending);
		let res: Response;
		try {
			res = await fetch('/api/queue', {
				method: 'POST',
				credentials: 'same-origin',
				headers: { ...headers, 'idempotency-key': `offline-share-${pending.id}` },
				body
			});
		} catch {
			return; // still offline: keep everything for the next try
		}
		// Kept for later when signed out or rate-limited; anything else is settled (sent, or refused: the page says why).
		if (res.status === 401 || res.status === 429 || res.status >= 500) return;
		const problem = res.ok ? null : ((await res.json().catch(() => null)) as { error?: { message?: string } } | null)?.error?.message ?? `refused (${res.status})`;
		await deleteShare(pending.id);
		for (const client of await sw.clients.matchAll()) client.postMessage({ type: 'share-sent', ok: res.ok, problem });
	}
}

sw.addEventListener('sync', (event) => {
	const e = event as ExtendableEvent & { tag: string };
	if (e.tag === SYNC_TAG) e.waitUntil(flushShares());
});

sw.addEventListener('message', (event) => {
	if (event.data?.type === 'flush-shares') event.waitUntil(flushShares());
	if (event.data?.type === 'forget-pages') event.waitUntil(caches.delete(PAGES));
});

/** A push from the server (src/lib/server/push/notifier.ts): show it. */
sw.addEventListener('push', (event) => {
	let message: PushMessage;
	try {
		message = event.data?.json() as PushMessage;
	} catch {
		message = { kind: 'test', title: 'Cookmark', body: event.data?.text() ?? '', url: '/', tag: 'cookmark' };
	}
	event.waitUntil(
		sw.registration.showNotification(message.title, {
			body: message.body,
			tag: message.tag,
			icon: '/icons/icon-192.png',
			badge: '/icons/icon-192.png',
			data: { url: message.url, itemId: message.itemId ?? null },
			// `image` and `actions` are not in every browser's typings yet, but Chromium shows them.
			...({ image: message.image ?? undefined, actions: message.actions ?? [] } as NotificationOptions)
		})
	);
});

/**
 * A tap opens Cookmark at the item (focusing a window that is already open); the Retry button
 * retries the item first and then opens its page.
 */
sw.addEventListener('notificationclick', (event) => {
	event.notification.close();
	const data = (event.notification.data ?? {}) as { url?: string; itemId?: string | null };
	event.waitUntil(
		(async () => {
			let target = data.url ?? '/';
			if (event.action === 'retry' && data.itemId) {
				await fetch(`/api/queue/${data.itemId}/retry`, { method: 'POST', credentials: 'same-origin' }).catch(() => {});
				target = `/items/${data.itemId}`;
			}
			const url = sameOriginHref(target, sw.location.origin);
			const windows = await sw.clients.matchAll({ type: 'window', includeUncontrolled: true });
			const open = windows.find((w) => new URL(w.url).origin === sw.location.origin);
			if (open) {
				// Focus may be refused (no user activation); navigating is what matters.
				await open.focus().catch(() => {});
				await open.navigate(url);
			} else {
				await sw.clients.openWindow(url);
			}
		})()
	);
});

function htmlPage(title: string, message: string, link = { href: '/', label: 'Open Cookmark' }): Response {
	const escape = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
	const body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark"><title>${escape(title)} · Cookmark</title>
<style>:root{color-scheme:light dark;font-family:system-ui,sans-serif;background:#fffaf5;color:#1c1917}@media (prefers-color-scheme:dark){:root{background:#141210;color:#f5f5f4}}main{max-width:24rem;margin:4rem auto;padding:1rem;text-align:center}a{display:inline-flex;align-items:center;min-height:44px;padding:0 1.25rem;border-radius:10px;background:#c2410c;color:#fff7ed;font-weight:700;text-decoration:none}@media (prefers-color-scheme:dark){a{background:#fb923c;color:#1c1917}}</style>
</head><body><main><h1>${escape(title)}</h1><p role="status">${escape(message)}</p><p><a href="${escape(link.href)}">${escape(link.label)}</a></p></main></body></html>`;
	return new Response(body, { headers: { 'content-type': 'text/html; charset=utf-8' } });
}

// A tiny IndexedDB store for shares made offline.
function db(): Promise<IDBDatabase> {
	return new Promise((resolve, reject) => {
		const open = indexedDB.open('cookmark', 1);
		open.onupgradeneeded = () => open.result.createObjectStore('shares', { keyPath: 'id' });
		open.onsuccess = () => resolve(open.result);
		open.onerror = () => reject(open.error);
	});
}

async function withStore<T>(mode: IDBTransactionMode, work: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
	const database = await db();
	return new Promise<T>((resolve, reject) => {
		const request = work(database.transaction('shares', mode).objectStore('shares'));
		request.onsuccess = () => resolve(request.result);
		request.onerror = () => reject(request.error);
	}).finally(() => database.close());
}

const putShare = (share: PendingShare) => withStore('readwrite', (s) => s.put(share));
const deleteShare = (id: string) => withStore('readwrite', (s) => s.delete(id));
const allShares = () => withStore('readonly', (s) => s.getAll() as IDBRequest<PendingShare[]>).then((all) => all.sort((a, b) => a.at - b.at));
