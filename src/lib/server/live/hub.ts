import type { Logger } from 'pino';
import type { Item, QueueDeleteEvent, QueueUpdateEvent } from '../../contract/queue';
import type { Database } from '../db/client';
import { isDatabaseUnavailable } from '../db/unavailable';
import type { ItemService } from '../shares/items';
import { EventFeed } from './event-feed';
import type { ItemChange, LoggedEvent } from './event-log';

/** One item's change, ready to send: the same encoded frame for every stream that shows it. */
export interface LiveChange {
	itemId: string;
	event: 'queue-update' | 'queue-delete';
	/** The item's updatedAt (ms); Infinity once deleted. A stream never sends an item older than it has sent. */
	version: number;
	data: string;
	/** `event:` and `data:` lines and the blank line that ends the frame, encoded once for all streams. */
	frame: Uint8Array;
	/** The same frame led by `id: <watermark>`, for the last one a stream gets of a delivery (one write, not two). */
	withId?: { watermark: number; frame: Uint8Array };
}

export interface Subscriber {
	userId: string;
	/** Only this item (a `?itemId=` stream), or null for all of the user's items. */
	itemId: string | null;
	/** Changes to send, oldest event first; every event up to `watermark` is among them or was sent before. */
	deliver(changes: readonly LiveChange[], watermark: number): void;
}

/** How soon a delivery that failed (the database did not answer) is tried again. */
const RETRY_MS = 1_000;

/**
 * This process's fan-out from the item event log to SSE streams. One feed (one LISTEN) for the
 * whole process; changes are coalesced per user (at most one delivery per `coalesceMs`, always
 * with the item's state at delivery time, so a burst of progress becomes one update and the final
 * state is never dropped); each item is read and serialised once per delivery, however many tabs
 * are open.
 */
export class LiveHub {
	/** By user: a delivery visits only the streams of the user whose items changed. */
	private readonly subscribers = new Map<string, Set<Subscriber>>();
	private readonly pending = new Map<string, Map<string, ItemChange>>();
	private readonly timers = new Map<string, NodeJS.Timeout>();
	private readonly lastDelivery = new Map<string, number>();
	private readonly feed: EventFeed;
	private listening: Promise<void> | null = null;
	/** Each user's deliveries one after another (see `serially`); different users' run side by side. */
	private readonly chains = new Map<string, Promise<void>>();
	/** True from a failed delivery to the next one that goes through: the failure is logged once. */
	private failing = false;

	constructor(
		database: Database,
		private readonly items: ItemService,
		private readonly log: Logger,
		private readonly coalesceMs = 100
	) {
		this.feed = new EventFeed(database, log, (events) => events.forEach((e) => this.note(e)));
	}

	get connectionCount(): number {
		let n = 0;
		for (const streams of this.subscribers.values()) n += streams.size;
		return n;
	}

	/** Every event up to this id has reached the streams it concerns, or is on its way in order. */
	get watermark(): number {
		return this.feed.floor;
	}

	/** Registers a stream; resolves once changes are being listened for. Call the result to leave. */
	async subscribe(subscriber: Subscriber): Promise<() => void> {
		await this.start();
		const streams = this.subscribers.get(subscriber.userId) ?? new Set<Subscriber>();
		this.subscribers.set(subscriber.userId, streams);
		streams.add(subscriber);
		return () => {
			streams.delete(subscriber);
			if (streams.size === 0 && this.subscribers.get(subscriber.userId) === streams) this.subscribers.delete(subscriber.userId);
		};
	}

	/** Changes with their items as they are now, in the order given; two reads however many. */
	async changesFor(userId: string, changes: ReadonlyArray<Pick<ItemChange, 'itemId' | 'kind'>>): Promise<LiveChange[]> {
		const wanted = changes.filter((c) => c.kind !== 'delete').map((c) => c.itemId);
		const items = wanted.length ? await this.items.many(userId, wanted) : new Map<string, Item>();
		return changes.map((c) => {
			const item = c.kind === 'delete' ? undefined : items.get(c.itemId);
			return item ? updateChange(item) : deleteChange(c.itemId);
		});
	}

	async close(): Promise<void> {
		for (const timer of this.timers.values()) clearTimeout(timer);
		this.timers.clear();
		await this.feed.close();
		this.subscribers.clear();
	}

	private start(): Promise<void> {
		// Old events are deleted by retention (retention/retention.ts), at least a day after they were written.
		this.listening ??= this.feed.start();
		return this.listening;
	}

	private note(event: LoggedEvent, delayMs?: number): void {
		if (!this.subscribers.has(event.userId)) return;
		const forUser = this.pending.get(event.userId) ?? new Map<string, ItemChange>();
		this.pending.set(event.userId, forUser);
		const previous = forUser.get(event.itemId);
		if (!previous || previous.eventId < event.id) forUser.set(event.itemId, { eventId: event.id, itemId: event.itemId, kind: event.kind });
		if (this.timers.has(event.userId)) return;
		const wait = delayMs ?? Math.max(0, this.coalesceMs - (Date.now() - (this.lastDelivery.get(event.userId) ?? 0)));
		this.timers.set(event.userId, setTimeout(() => void this.serially(event.userId, () => this.deliver(event.userId)), wait));
	}

	/** A user's deliveries run one after another, so a stream gets their changes in the order they were read. */
	private serially(userId: string, work: () => Promise<void>): Promise<void> {
		const chain = (this.chains.get(userId) ?? Promise.resolve()).then(work).catch((err) => this.log.error({ err }, 'live update work failed'));
		this.chains.set(userId, chain);
		void chain.then(() => {
			if (this.chains.get(userId) === chain) this.chains.delete(userId);
		});
		return chain;
	}

	/**
	 * Sends a user's pending changes, oldest event first. When the database fails midway, nothing
	 * is sent and the changes wait for the next try: dropping them could drop an item's final state.
	 */
	private async deliver(userId: string): Promise<void> {
		this.timers.delete(userId);
		this.lastDelivery.set(userId, Date.now());
		const changes = [...(this.pending.get(userId)?.values() ?? [])].sort((a, b) => a.eventId - b.eventId);
		this.pending.delete(userId);
		// Taken before reading: the events up to it are among `changes` or were delivered before.
		const watermark = this.feed.floor;
		let ready: LiveChange[];
		try {
			ready = await this.changesFor(userId, changes);
		} catch (err) {
			if (!this.failing) {
				if (isDatabaseUnavailable(err)) this.log.warn('live updates held back until the database answers');
				else this.log.error({ err }, 'live update delivery failed; trying again shortly');
			}
			this.failing = true;
			// A newer change of the same item heard meanwhile wins.
			for (const c of changes) this.note({ id: c.eventId, userId, itemId: c.itemId, kind: c.kind }, RETRY_MS);
			return;
		}
		this.failing = false;
		for (const change of ready) change.withId = { watermark, frame: withId(change.frame, watermark) };
		for (const s of this.subscribers.get(userId) ?? []) {
			const mine = s.itemId === null ? ready : ready.filter((c) => c.itemId === s.itemId);
			if (mine.length) s.deliver(mine, watermark);
		}
	}
}

function updateChange(item: Item): LiveChange {
	const data: QueueUpdateEvent = {
		itemId: item.id,
		status: item.status,
		timestamp: new Date().toISOString(),
		phases: item.phases,
		results: item.results,
		error: item.error,
		item
	};
	return encoded({ itemId: item.id, event: 'queue-update', version: Date.parse(item.updatedAt), data: JSON.stringify(data) });
}

function deleteChange(itemId: string): LiveChange {
	const data: QueueDeleteEvent = { itemId, timestamp: new Date().toISOString() };
	return encoded({ itemId, event: 'queue-delete', version: Infinity, data: JSON.stringify(data) });
}

const encoder = new TextEncoder();

function withId(frame: Uint8Array, watermark: number): Uint8Array {
	return Buffer.concat([encoder.encode(`id: ${watermark}\n`), frame]);
}

function encoded(change: Omit<LiveChange, 'frame'>): LiveChange {
	// JSON.stringify never emits a raw newline, so the data fits on one `data:` line.
	return { ...change, frame: encoder.encode(`event: ${change.event}\ndata: ${change.data}\n\n`) };
}
