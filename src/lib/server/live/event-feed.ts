import type { Logger } from 'pino';
import { sql } from 'drizzle-orm';
import type { Database } from '../db/client';
import { channels } from '../queue/channels';
import { latestEventId, type LoggedEvent } from './event-log';

/** How long an id missing below newer ones may still show up (its transaction committing late). */
const GAP_GRACE_MS = 5_000;
/** Ids read per statement; a longer backlog is read in several. */
const PAGE = 1_000;
/** Missing ids tracked at most: past that (a sequence jump), the rest is taken as never coming. */
const MAX_GAPS = 1_000;
const RETRY_MS = 1_000;

/**
 * The item event log, read in order by one process. Ids come from a sequence when rows are
 * written, but transactions commit in their own order: id 101 may be visible before 100. So the
 * feed reads what is new (`id > heard`) plus the ids still missing below it, and a missing id
 * counts as never coming (rolled back) only after a grace period. `floor` is the watermark: every
 * event up to it has been read — what a live stream's Last-Event-ID can safely name.
 */
export class EventFeed {
	private heard = 0;
	private readonly gaps = new Map<number, number>();
	private reading: Promise<void> | null = null;
	private again = false;
	private retryTimer: NodeJS.Timeout | null = null;
	private gapTimer: NodeJS.Timeout | null = null;
	private unlisten: (() => Promise<void>) | null = null;
	private failing = false;

	constructor(
		private readonly database: Database,
		private readonly log: Logger,
		private readonly onEvents: (events: LoggedEvent[]) => void
	) {}

	/** Listens (one NOTIFY per writing statement wakes it) and starts from the newest event. */
	async start(): Promise<void> {
		this.unlisten = await this.database.listen(
			channels.itemEvents,
			() => this.read(),
			// Back from a lost connection: what was written meanwhile is read like anything new.
			() => this.read()
		);
		this.heard = Math.max(this.heard, await latestEventId(this.database));
	}

	async close(): Promise<void> {
		if (this.retryTimer) clearTimeout(this.retryTimer);
		if (this.gapTimer) clearTimeout(this.gapTimer);
		await this.unlisten?.().catch(() => {});
		await this.reading;
	}

	/** Every event with an id up to this one has been read (or given up on). */
	get floor(): number {
		let lowest = this.heard + 1;
		for (const id of this.gaps.keys()) lowest = Math.min(lowest, id);
		return lowest - 1;
	}

	/** Reads what is new; calls made meanwhile run one more read after it, not one each. */
	read(): void {
		if (this.reading) {
			this.again = true;
			return;
		}
		this.reading = (async () => {
			do {
				this.again = false;
				try {
					if (await this.readPage()) this.again = true;
					this.failing = false;
				} catch (err) {
					if (!this.failing) this.log.warn({ err }, 'could not read the item event log; trying again shortly');
					this.failing = true;
					this.retryTimer ??= setTimeout(() => {
						this.retryTimer = null;
						this.read();
					}, RETRY_MS);
					break;
				}
			} while (this.again);
			this.reading = null;
		})();
	}

	/** One statement's worth; true when there may be more. */
	private async readPage(): Promise<boolean> {
		const missing = [...this.gaps.keys()];
		const rows = await this.database.rows<Omit<LoggedEvent, 'id'> & { id: number | string }>(sql`
			select id, user_id as "userId", item_id as "itemId", kind from item_events
			where id > ${this.heard} ${missing.length ? sql`or id = any(${`{${missing.join(',')}}`}::bigint[])` : sql``}
			order by id limit ${PAGE}`);
		const now = Date.now();
		const events = rows.map((r) => ({ ...r, id: Number(r.id) }));
		for (const event of events) {
			if (this.gaps.delete(event.id)) continue;
			if (event.id <= this.heard) continue;
			for (let id = this.heard + 1; id < event.id && this.gaps.size < MAX_GAPS; id++) this.gaps.set(id, now);
			this.heard = event.id;
		}
		this.expireGaps(now);
		if (events.length) this.onEvents(events);
		return rows.length === PAGE;
	}

	/** Forgets missing ids past the grace period, and looks once more when the next one is due. */
	private expireGaps(now: number): void {
		let next = Infinity;
		for (const [id, since] of this.gaps) {
			if (now - since >= GAP_GRACE_MS) this.gaps.delete(id);
			else next = Math.min(next, since + GAP_GRACE_MS);
		}
		if (this.gapTimer) clearTimeout(this.gapTimer);
		this.gapTimer = next === Infinity ? null : setTimeout(() => this.read(), next - now);
		this.gapTimer?.unref();
	}
}
