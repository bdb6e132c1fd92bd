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
	at: number;
}

/**
 * The share target: the installed app's POST (a form, maybe with pictures) or the bookmarklet's
 * GET. Online, the server takes it (and may send a signed-out person to log in). Offline, a link
 * is kept on the device and sent later: no share is lost to a bad connection. Pictures are not
 * kept (megabytes in the browser's storage, sent later without the person watching): they are
 * asked for again.
 */
async function share(request: Request, url: URL): Promise<Response> {
	// A body can be read once: a copy for when the network is not there.
	const copy = request.method === 'POST' ? request.clone() : null;
	try {
		return await fetch(request);
	} catch {
		const received: FormData | URLSearchParams = copy ? await copy.formData().catch(() => new FormData()) : url.searchParams;
		if (received.getAll('images').some((f) => typeof f !== 'string' && f.size > 0)) {
			return htmlPage('You are offline', 'Pictures cannot be kept until you are back online: share them again then.');
		}
		const field = (name: string) => {
			const value = received.get(name);
			return typeof value === 'string' ? value : null;
		};
		const pending: PendingShare = { id: crypto.randomUUID(), url: field('url'), text: field('text'), title: field('title'), at: Date.now() };
		const hasLink = [pending.url, pending.text, pending.title].some((v) => v && /https?:\/\/\S/i.test(v));
		if (!hasLink) return htmlPage('No link found', 'There was no web link in what was shared, so there is nothing to save.');
		await putShare(pending);
		try {
			await (sw.registration as ServiceWorkerRegistration & { sync?: { register(tag: string): Promise<void> } }).sync?.register(SYNC_TAG);
		} catch {
			// no Background Sync here: the app sends it the next time it opens
		}
		return htmlPage('Saved', 'It will be sent to Cookmark when you are back online.');
	}
}

/** Sends the shares kept while offline. Each has its own Idempotency-Key, so a retry never queues it twice. */
async function flushShares(): Promise<void> {
	for (const pending of await allShares()) {
		let res: Response;
		try {
			res = await fetch('/api/queue', {
				method: 'POST',
				credentials: 'same-origin',
				headers: { 'content-type': 'application/json', 'idempotency-key': `offline-share-${pending.id}` },
				body: JSON.stringify({ url: pending.url ?? undefined, text: pending.text ?? undefined, title: pending.title ?? undefined })
			});
		} catch {
			return; // still offline: keep everything for the next try
		}
		// Kept for later when signed out or rate-limited; anything else is settled (sent, or unusable).
		if (res.status === 401 || res.status === 429 || res.status >= 500) return;
		await deleteShare(pending.id);
		for (const client of await sw.clients.matchAll()) client.postMessage({ type: 'share-sent', ok: res.ok });
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

function htmlPage(title: string, message: string): Response {
	const escape = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
	const body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark"><title>${escape(title)} · Cookmark</title>
<style>:root{color-scheme:light dark;font-family:system-ui,sans-serif;background:#fffaf5;color:#1c1917}@media (prefers-color-scheme:dark){:root{background:#141210;color:#f5f5f4}}main{max-width:24rem;margin:4rem auto;padding:1rem;text-align:center}a{color:#c2410c;font-weight:700}</style>
</head><body><main><h1>${escape(title)}</h1><p role="status">${escape(message)}</p><p><a href="/">Open Cookmark</a></p></main></body></html>`;
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
