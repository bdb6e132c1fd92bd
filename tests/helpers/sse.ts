import type { ServerProcess } from './server';

export interface SseEvent {
	id?: string;
	event: string;
	data: any;
}

/**
 * A real streaming HTTP client for /api/queue/stream: parses frames as they arrive and lets the
 * test wait for the one it needs (no sleeps). `close()` drops the connection.
 */
export async function openStream(
	server: ServerProcess,
	path = '/api/queue/stream',
	headers: Record<string, string> = {},
	/** Called with each event as it arrives (long-lived watchers), after `lastEventId` moved. */
	onEvent?: (event: SseEvent) => void
) {
	const controller = new AbortController();
	const res = await server.api(path, { headers: { accept: 'text/event-stream', ...headers }, signal: controller.signal });
	const events: SseEvent[] = [];
	const waiters: Array<{ match: (e: SseEvent) => boolean; resolve: (e: SseEvent) => void }> = [];
	let lastId: string | undefined;
	let ended = false;

	const pump = async (): Promise<void> => {
		if (!res.body) return;
		const reader = res.body.getReader();
		const decoder = new TextDecoder();
		let buffer = '';
		try {
			for (;;) {
				const { value, done } = await reader.read();
				if (done) break;
				buffer += decoder.decode(value, { stream: true });
				let cut: number;
				while ((cut = buffer.indexOf('\n\n')) >= 0) {
					const block = buffer.slice(0, cut);
					buffer = buffer.slice(cut + 2);
					const fields = Object.fromEntries(
						block.split('\n').filter((l) => l && !l.startsWith(':')).map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trimStart()])
					);
					if (!fields.event && !fields.data) continue; // e.g. the retry: line
					if (fields.id !== undefined) lastId = fields.id;
					const event: SseEvent = { id: fields.id, event: fields.event ?? 'message', data: fields.data ? JSON.parse(fields.data) : null };
					events.push(event);
					onEvent?.(event);
					for (const w of [...waiters]) if (w.match(event)) (waiters.splice(waiters.indexOf(w), 1), w.resolve(event));
				}
			}
		} catch {
			// aborted
		} finally {
			ended = true;
		}
	};
	// An error answer is a JSON body, read whole; only a stream is pumped.
	const errorBody = res.ok ? '' : await res.text().catch(() => '');
	const done = res.ok ? pump() : Promise.resolve();

	return {
		status: res.status,
		/** The body of an error answer ('' for a stream). */
		errorBody,
		headers: res.headers,
		events,
		get lastEventId() {
			return lastId;
		},
		get ended() {
			return ended;
		},
		/** Resolves when the stream ends (closed, or the server went away). */
		done,
		/** The first event (already received or still to come) that matches; fails after `ms`. */
		next(match: (e: SseEvent) => boolean, ms = 15_000, what = 'an event'): Promise<SseEvent> {
			const seen = events.find(match);
			if (seen) return Promise.resolve(seen);
			return new Promise((resolve, reject) => {
				const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}; got ${JSON.stringify(events.map((e) => [e.event, e.data?.status]))}`)), ms);
				waiters.push({ match, resolve: (e) => (clearTimeout(timer), resolve(e)) });
			});
		},
		close() {
			controller.abort();
		}
	};
}
