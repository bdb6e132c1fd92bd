import { SNAPSHOT_SIZE, type ConnectionEvent } from '$lib/contract/queue';
import { api, currentUser, itemId as parseItemId, methodNotAllowed, notFound } from '$lib/server/http/api';
import { changesSince } from '$lib/server/live/event-log';
import type { LiveChange } from '$lib/server/live/hub';
import { sseFrame, sseRetry } from '$lib/server/live/sse';

/**
 * GET /api/queue/stream[?itemId=]: the signed-in user's items, live. First a `connection` event
 * (server time and a snapshot), then `queue-update`/`queue-delete` on every change and `ping`
 * every LIVE_PING_MS. With Last-Event-ID (header, or `lastEventId` for clients that cannot set
 * it) the stream resumes: it sends the current state of everything changed since that event, or
 * a fresh snapshot when those events are no longer kept.
 */
export const GET = api(async ({ url, request, locals }) => {
	const user = currentUser(locals);
	const { app } = locals;
	const raw = url.searchParams.get('itemId');
	const itemId = raw === null ? null : parseItemId(raw);
	if (itemId && !(await app.items.item(user.id, itemId))) throw notFound();
	const lastRaw = request.headers.get('last-event-id') ?? url.searchParams.get('lastEventId');
	const lastEventId = lastRaw && /^\d{1,15}$/.test(lastRaw.trim()) ? Number(lastRaw) : 0;
	// Kit answers HEAD with this handler; a stream never ends, so a HEAD would never be answered.
	if (request.method === 'HEAD') return new Response(null, { headers: STREAM_HEADERS });

	const encoder = new TextEncoder();
	let stop = () => {};
	const stream = new ReadableStream<Uint8Array>({
		async start(controller) {
			let closed = false;
			let ping: NodeJS.Timeout | undefined;
			let leave: (() => void) | undefined;
			// Each item's newest version (updatedAt) sent: an older state of it is never sent after a
			// newer one, whatever order the snapshot, the replay and live deliveries arrive in. Live
			// changes wait until the connection event (or the replay) is out.
			const sent = new Map<string, number>();
			let early: Array<[readonly LiveChange[], number]> | null = [];
			const emit = (changes: readonly LiveChange[], watermark: number) => {
				const fresh = changes.filter((c) => c.version > (sent.get(c.itemId) ?? -Infinity));
				// Only the last frame names the watermark: a client that drops mid-way resumes before the rest.
				fresh.forEach((c, i) => {
					sent.set(c.itemId, c.version);
					app.metrics.sseEvent(c.event);
					if (i < fresh.length - 1) sendBytes(c.frame);
					else if (c.withId?.watermark === watermark) sendBytes(c.withId.frame);
					else (send(`id: ${watermark}\n`), sendBytes(c.frame)); // a field of the frame that follows
				});
			};
			const live = (changes: readonly LiveChange[], watermark: number) => (early ? early.push([changes, watermark]) : emit(changes, watermark));
			const sendBytes = (bytes: Uint8Array) => {
				if (closed) return;
				try {
					controller.enqueue(bytes);
				} catch {
					stop();
				}
			};
			const send = (text: string) => sendBytes(encoder.encode(text));
			const sendConnection = (event: ConnectionEvent, id?: number) => {
				send(sseFrame('connection', event, id));
				app.metrics.sseEvent('connection');
			};
			stop = () => {
				if (closed) return;
				closed = true;
				clearInterval(ping);
				leave?.();
				try {
					controller.close();
				} catch {
					// already closed by the client
				}
			};
			request.signal.addEventListener('abort', () => stop(), { once: true });

			send(sseRetry(3000));
			// Listen before reading, so nothing that happens meanwhile is missed (a duplicate is dropped by `sent`).
			leave = await app.live.subscribe({ userId: user.id, itemId, deliver: live });
			if (closed) return leave();
			try {
				// Every event up to it committed before the reads below began, so they show it.
				const watermark = app.live.watermark;
				const changes = lastEventId > 0 ? await changesSince(app.database, user.id, lastEventId, itemId ?? undefined) : 'gone';
				if (changes !== 'gone') {
					sendConnection({ serverTime: new Date().toISOString(), resumed: true, items: [], total: changes.length });
					emit(await app.live.changesFor(user.id, changes), watermark);
					if (changes.length === 0) send(`id: ${watermark}\n\n`);
				} else {
					const snapshot = itemId
						? { items: [(await app.items.item(user.id, itemId))!].filter(Boolean), total: 1 }
						: await app.items.list({ userId: user.id, limit: SNAPSHOT_SIZE, offset: 0 });
					for (const item of snapshot.items) sent.set(item.id, Date.parse(item.updatedAt));
					const connection: ConnectionEvent = { serverTime: new Date().toISOString(), resumed: false, items: snapshot.items, total: snapshot.total };
					sendConnection(connection, watermark);
				}
				for (const [changes, mark] of early.splice(0)) emit(changes, mark);
				early = null;
			} catch (err) {
				locals.log.error({ err }, 'stream start failed');
				stop();
				return;
			}
			// A client that left while the snapshot was read was stopped already: a timer set now would never be cleared.
			if (closed) return;
			ping = setInterval(() => send(sseFrame('ping', { time: new Date().toISOString() })), app.config.LIVE_PING_MS);
		},
		cancel() {
			stop();
		}
	});

	return new Response(stream, { headers: STREAM_HEADERS });
});

const STREAM_HEADERS = {
	'content-type': 'text/event-stream; charset=utf-8',
	'cache-control': 'no-cache, no-transform',
	connection: 'keep-alive',
	// Tell nginx and friends not to buffer the stream.
	'x-accel-buffering': 'no'
};

export const fallback = methodNotAllowed(['GET']);
