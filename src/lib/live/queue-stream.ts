import type { ConnectionEvent, Item, QueueDeleteEvent, QueueUpdateEvent } from '$lib/contract/queue';
import { api } from '$lib/api/client';

export type LiveState = 'connecting' | 'live' | 'reconnecting' | 'polling' | 'offline';

export interface QueueStreamHandlers {
	onSnapshot(event: ConnectionEvent): void;
	onUpdate(item: Item): void;
	onDelete(itemId: string): void;
	onState(state: LiveState): void;
}

const POLL_MS = 5_000;
// After this many failed reconnects in a row, fall back to polling (a proxy that breaks SSE).
const MAX_FAILED_OPENS = 4;

/**
 * One EventSource per tab for all of the user's items (or one item). EventSource reconnects by
 * itself and sends Last-Event-ID; when the tab wakes from sleep or comes back online we reopen
 * with `lastEventId`, so the server replays what was missed. Where SSE does not work at all the
 * page polls the list instead.
 */
export function connectQueueStream(handlers: QueueStreamHandlers, opts: { itemId?: string } = {}): () => void {
	let source: EventSource | null = null;
	let lastEventId: string | null = null;
	let failedOpens = 0;
	let pollTimer: ReturnType<typeof setInterval> | null = null;
	let closed = false;

	const url = () => {
		const params = new URLSearchParams();
		if (opts.itemId) params.set('itemId', opts.itemId);
		if (lastEventId) params.set('lastEventId', lastEventId);
		const query = params.toString();
		return `/api/queue/stream${query ? `?${query}` : ''}`;
	};

	const remember = (e: MessageEvent) => {
		if (e.lastEventId) lastEventId = e.lastEventId;
	};

	function open() {
		if (closed) return;
		source?.close();
		if (!navigator.onLine) {
			// Opened without a connection (a cached page): wait for the browser's `online`.
			source = null;
			handlers.onState('offline');
			return;
		}
		handlers.onState(lastEventId ? 'reconnecting' : 'connecting');
		const es = new EventSource(url());
		source = es;
		es.addEventListener('connection', (e) => {
			remember(e as MessageEvent);
			failedOpens = 0;
			stopPolling();
			handlers.onState('live');
			handlers.onSnapshot(JSON.parse((e as MessageEvent).data) as ConnectionEvent);
		});
		es.addEventListener('queue-update', (e) => {
			remember(e as MessageEvent);
			handlers.onUpdate((JSON.parse((e as MessageEvent).data) as QueueUpdateEvent).item);
		});
		es.addEventListener('queue-delete', (e) => {
			remember(e as MessageEvent);
			handlers.onDelete((JSON.parse((e as MessageEvent).data) as QueueDeleteEvent).itemId);
		});
		es.onerror = () => {
			if (closed) return;
			failedOpens++;
			if (es.readyState === EventSource.CLOSED || failedOpens >= MAX_FAILED_OPENS) {
				es.close();
				startPolling();
				setTimeout(open, Math.min(30_000, 1000 * 2 ** failedOpens));
			} else {
				handlers.onState('reconnecting');
			}
		};
	}

	async function poll() {
		try {
			if (opts.itemId) handlers.onUpdate(await api.get(opts.itemId));
			else {
				const page = await api.list({ limit: 50 });
				handlers.onSnapshot({ serverTime: new Date().toISOString(), resumed: false, items: page.items, total: page.total });
			}
		} catch {
			// offline or signed out: try again at the next tick
		}
	}

	function startPolling() {
		if (pollTimer) return;
		handlers.onState('polling');
		void poll();
		pollTimer = setInterval(poll, POLL_MS);
	}

	function stopPolling() {
		if (pollTimer) clearInterval(pollTimer);
		pollTimer = null;
	}

	// A sleeping phone or a dropped network can leave the stream dead without an error: when the
	// browser says it is offline, let go of it, and resume from the last event once it is back.
	const revive = () => {
		if (document.visibilityState === 'visible' && navigator.onLine && (!source || source.readyState === EventSource.CLOSED)) open();
	};
	const offline = () => {
		source?.close();
		stopPolling();
		handlers.onState('offline');
	};
	const online = () => open();
	document.addEventListener('visibilitychange', revive);
	window.addEventListener('offline', offline);
	window.addEventListener('online', online);

	if (typeof EventSource === 'undefined') startPolling();
	else open();

	return () => {
		closed = true;
		source?.close();
		stopPolling();
		document.removeEventListener('visibilitychange', revive);
		window.removeEventListener('offline', offline);
		window.removeEventListener('online', online);
	};
}
