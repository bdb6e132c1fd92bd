import { SNAPSHOT_SIZE, type ConnectionEvent } from '$lib/contract/queue';
import { api, currentUser, itemId as parseItemId, methodNotAllowed, notFound } from '$lib/server/http/api';
import { changesSince, latestEventId } from '$lib/server/live/event-log';
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
	if (itemId && !(await app.queue.item(user.id, itemId))) throw notFound();
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
			// Live changes wait until the connection event (or the replay) is out, and any change that
			// the snapshot already covers is dropped. A later change is sent even when its id is lower
			// than one already sent (a hub catching up after a database restart): dropping it could
			// drop an item's final state, while sending it costs at most a longer replay.
			let covered: number | null = null;
			const early: Array<[string, number]> = [];
			const live = (frame: string, eventId: number) => {
				if (covered === null) return void early.push([frame, eventId]);
				if (eventId > covered) send(frame);
			};
			const send = (frame: string) => {
				if (closed) return;
				try {
					controller.enqueue(encoder.encode(frame));
				} catch {
					stop();
				}
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
			// Listen before reading, so nothing that happens meanwhile is missed (a duplicate is harmless).
			leave = await app.live.subscribe({ userId: user.id, itemId, send: live });
			if (closed) return leave();
			try {
				const head = await latestEventId(app.database, user.id);
				const changes = lastEventId > 0 ? await changesSince(app.database, user.id, lastEventId, itemId ?? undefined) : 'gone';
				if (changes !== 'gone') {
					send(sseFrame('connection', { serverTime: new Date().toISOString(), resumed: true, items: [], total: changes.length } satisfies ConnectionEvent));
					for (const change of changes) send(await app.live.frameFor(user.id, change));
					covered = Math.max(lastEventId, ...changes.map((c) => c.eventId));
				} else {
					const snapshot = itemId
						? { items: [(await app.queue.item(user.id, itemId))!].filter(Boolean), total: 1 }
						: await app.queue.list({ userId: user.id, limit: SNAPSHOT_SIZE, offset: 0 });
					const connection: ConnectionEvent = { serverTime: new Date().toISOString(), resumed: false, items: snapshot.items, total: snapshot.total };
					send(sseFrame('connection', connection, head));
					covered = head;
				}
				for (const [frame, eventId] of early.splice(0)) live(frame, eventId);
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
