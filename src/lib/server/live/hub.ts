import type { Logger } from 'pino';
import type { QueueDeleteEvent, QueueUpdateEvent } from '../../contract/queue';
import type { Database } from '../db/client';
import { isDatabaseUnavailable } from '../db/unavailable';
import { channels } from '../queue/channels';
import type { QueueService } from '../queue/service';
import { eventsAfter, latestEventId, pruneEvents, type ItemChange, type LoggedEvent } from './event-log';
import { sseFrame } from './sse';

export interface Subscriber {
	userId: string;
	/** Only this item (a `?itemId=` stream), or null for all of the user's items. */
	itemId: string | null;
	/** A frame about the item change with this event id. */
	send(frame: string, eventId: number): void;
}

const RETENTION_MS = 48 * 60 * 60 * 1000; // at least 24 h are promised
const PRUNE_EVERY_MS = 60 * 60 * 1000;
/** How soon a delivery that failed (the database did not answer) is tried again. */
const RETRY_MS = 1_000;

/**
 * This process's fan-out from the item event log to SSE streams. One LISTEN for the whole
 * process; changes are coalesced per user (at most one delivery per `coalesceMs`, always with
 * the item's state at delivery time, so a burst of progress becomes one update and the final
 * state is never dropped); each item is read once per delivery, however many tabs are open.
 */
export class LiveHub {
	private readonly subscribers = new Set<Subscriber>();
	private readonly pending = new Map<string, Map<string, ItemChange>>();
	private readonly timers = new Map<string, NodeJS.Timeout>();
	private readonly lastDelivery = new Map<string, number>();
	private listening: Promise<void> | null = null;
	private unlisten: (() => Promise<void>) | null = null;
	private pruneTimer: NodeJS.Timeout | null = null;
	/** The newest event this hub has heard of: where it catches up from after its LISTEN was lost. */
	private heard = 0;
	/** Deliveries and catch-ups, one after another (see `serially`). */
	private chain: Promise<void> = Promise.resolve();
	/** True from a failed delivery to the next one that goes through: the failure is logged once. */
	private failing = false;

	constructor(
		private readonly database: Database,
		private readonly queue: QueueService,
		private readonly log: Logger,
		private readonly coalesceMs = 100
	) {}

	get connectionCount(): number {
		return this.subscribers.size;
	}

	/** Registers a stream; resolves once changes are being listened for. Call the result to leave. */
	async subscribe(subscriber: Subscriber): Promise<() => void> {
		await this.start();
		this.subscribers.add(subscriber);
		return () => this.subscribers.delete(subscriber);
	}

	/** The frame that tells a client about one change, with the item as it is now. */
	async frameFor(userId: string, change: ItemChange): Promise<string> {
		const item = change.kind === 'delete' ? null : await this.queue.item(userId, change.itemId);
		return item ? updateFrame(item, change.eventId) : deleteFrame(change.itemId, change.eventId);
	}

	async close(): Promise<void> {
		for (const timer of this.timers.values()) clearTimeout(timer);
		this.timers.clear();
		if (this.pruneTimer) clearInterval(this.pruneTimer);
		await this.unlisten?.().catch(() => {});
		this.subscribers.clear();
	}

	private start(): Promise<void> {
		this.listening ??= (async () => {
			this.unlisten = await this.database.listen(
				channels.itemEvents,
				(payload) => this.onEvent(payload),
				() => {
					// From what had been heard when listening resumed, not when the catch-up gets its turn:
					// live events may arrive meanwhile, and they are newer than the missed ones.
					const from = this.heard;
					void this.serially(() => this.catchUp(from));
				}
			);
			this.heard = Math.max(this.heard, await latestEventId(this.database));
			const prune = () =>
				pruneEvents(this.database, new Date(Date.now() - RETENTION_MS)).catch((err) => this.log.warn({ err }, 'event pruning failed'));
			void prune();
			this.pruneTimer = setInterval(prune, PRUNE_EVERY_MS);
			this.pruneTimer.unref();
		})();
		return this.listening;
	}

	private onEvent(payload: string): void {
		let event: LoggedEvent;
		try {
			event = JSON.parse(payload);
		} catch {
			return;
		}
		this.note(event);
	}

	/**
	 * The changes made while LISTEN was down (a database outage) reached no stream: deliver them
	 * now. Event ids become visible in commit order (migration 0006), so they are those after the
	 * last one heard before listening resumed.
	 */
	private async catchUp(from: number): Promise<void> {
		try {
			const users = [...new Set([...this.subscribers].map((s) => s.userId))];
			for (const event of await eventsAfter(this.database, from, users)) this.note(event);
		} catch (err) {
			this.log.warn({ err }, 'could not catch up on the changes missed while the database was away');
		}
	}

	private note(event: LoggedEvent, delayMs?: number): void {
		this.heard = Math.max(this.heard, event.id);
		if (![...this.subscribers].some((s) => s.userId === event.userId)) return;
		const forUser = this.pending.get(event.userId) ?? new Map<string, ItemChange>();
		this.pending.set(event.userId, forUser);
		const previous = forUser.get(event.itemId);
		if (!previous || previous.eventId < event.id) forUser.set(event.itemId, { eventId: event.id, itemId: event.itemId, kind: event.kind });
		if (this.timers.has(event.userId)) return;
		const wait = delayMs ?? Math.max(0, this.coalesceMs - (Date.now() - (this.lastDelivery.get(event.userId) ?? 0)));
		this.timers.set(event.userId, setTimeout(() => void this.serially(() => this.deliver(event.userId)), wait));
	}

	/**
	 * Deliveries and catch-ups run one after another: a stream drops an event older than one it
	 * has sent, so a second delivery overtaking a slow first one would lose the first one's rest.
	 */
	private serially(work: () => Promise<void>): Promise<void> {
		this.chain = this.chain.then(work).catch((err) => this.log.error({ err }, 'live update work failed'));
		return this.chain;
	}

	/**
	 * Sends a user's pending changes, oldest event first, so a client's Last-Event-ID never skips
	 * one. When the database fails midway, the unsent rest waits for the next try: dropping it
	 * could drop an item's final state.
	 */
	private async deliver(userId: string): Promise<void> {
		this.timers.delete(userId);
		this.lastDelivery.set(userId, Date.now());
		const changes = [...(this.pending.get(userId)?.values() ?? [])].sort((a, b) => a.eventId - b.eventId);
		this.pending.delete(userId);
		let next = 0;
		try {
			for (; next < changes.length; next++) {
				const change = changes[next]!;
				const frame = await this.frameFor(userId, change);
				for (const s of this.subscribers) {
					if (s.userId === userId && (s.itemId === null || s.itemId === change.itemId)) s.send(frame, change.eventId);
				}
			}
		} catch (err) {
			// Not dropped: the unsent rest goes back to pending (a newer change of the same item heard
			// meanwhile wins) and is tried again shortly, whether or not LISTEN was lost too.
			if (!this.failing) {
				if (isDatabaseUnavailable(err)) this.log.warn('live updates held back until the database answers');
				else this.log.error({ err }, 'live update delivery failed; trying again shortly');
			}
			this.failing = true;
			for (const change of changes.slice(next)) this.note({ id: change.eventId, userId, itemId: change.itemId, kind: change.kind }, RETRY_MS);
			return;
		}
		this.failing = false;
	}
}

function updateFrame(item: QueueUpdateEvent['item'], eventId: number): string {
	const data: QueueUpdateEvent = {
		itemId: item.id,
		status: item.status,
		timestamp: new Date().toISOString(),
		phases: item.phases,
		results: item.results,
		error: item.error,
		item
	};
	return sseFrame('queue-update', data, eventId);
}

function deleteFrame(itemId: string, eventId: number): string {
	const data: QueueDeleteEvent = { itemId, timestamp: new Date().toISOString() };
	return sseFrame('queue-delete', data, eventId);
}
