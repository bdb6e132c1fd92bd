import type { Sql } from 'postgres';

type Handler = (payload: string) => void;
interface Subscription {
	handler: Handler;
	onResumed?: () => void;
}

export interface ListenerHooks {
	onnotify(channel: string, payload: string): void;
	onclose(): void;
}

const quote = (channel: string) => `"${channel.replace(/"/g, '""')}"`;
const FIRST_RETRY_MS = 100;
const MAX_RETRY_MS = 1_000;

/**
 * LISTEN on a PostgreSQL connection of its own that comes back soon after the database does.
 * postgres.js's own `listen()` retries on its reconnect backoff, which grows to 10–20 s within
 * seconds of an outage: notifications (worker wake-ups, cancels, live updates) stayed silent that
 * long after the database was back, and what happened meanwhile never reached a live stream.
 * Here each drop starts one retry loop, at most a second apart, that re-issues LISTEN for every
 * channel until it holds.
 */
export class PgListener {
	private readonly handlers = new Map<string, { ready: Promise<unknown>; subscriptions: Set<Subscription> }>();
	private readonly sql: Sql;
	/** Set by every drop; the retry loop runs until a LISTEN succeeds with no drop since. */
	private lost = false;
	private healing = false;
	private closed = false;

	constructor(connect: (hooks: ListenerHooks) => Sql) {
		this.sql = connect({
			onnotify: (channel, payload) => {
				for (const s of this.handlers.get(channel)?.subscriptions ?? []) s.handler(payload);
			},
			onclose: () => {
				this.lost = true;
				void this.heal();
			}
		});
	}

	async listen(channel: string, handler: Handler, onResumed?: () => void): Promise<() => Promise<void>> {
		let entry = this.handlers.get(channel);
		if (!entry) {
			entry = { ready: this.sql.unsafe(`listen ${quote(channel)}`), subscriptions: new Set() };
			this.handlers.set(channel, entry);
			entry.ready.catch(() => this.handlers.delete(channel));
		}
		const subscription: Subscription = { handler, onResumed };
		entry.subscriptions.add(subscription);
		await entry.ready;
		const own = entry;
		return async () => {
			own.subscriptions.delete(subscription);
			if (own.subscriptions.size > 0 || this.handlers.get(channel) !== own) return;
			this.handlers.delete(channel);
			await this.sql.unsafe(`unlisten ${quote(channel)}`).catch(() => {});
		};
	}

	async close(): Promise<void> {
		this.closed = true;
		await this.sql.end({ timeout: 5 });
	}

	private async heal(): Promise<void> {
		if (this.healing) return;
		this.healing = true;
		try {
			for (let wait = FIRST_RETRY_MS; this.lost && !this.closed; wait = Math.min(wait * 2, MAX_RETRY_MS)) {
				this.lost = false;
				const channels = [...this.handlers.keys()];
				if (channels.length === 0) return;
				try {
					await this.sql.unsafe(channels.map((c) => `listen ${quote(c)}`).join('; '));
					for (const entry of this.handlers.values()) for (const s of entry.subscriptions) s.onResumed?.();
				} catch {
					this.lost = true;
					await new Promise((resolve) => setTimeout(resolve, wait).unref());
				}
			}
		} finally {
			this.healing = false;
		}
	}
}
