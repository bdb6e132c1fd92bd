import type { Logger } from 'pino';
import type { Item } from '../../contract/queue';
import { hostOf } from '../../format';
import type { Database } from '../db/client';
import { getPreferences } from './preferences';
import type { ItemService } from '../shares/items';
import type { PushMessage, PushSender, SendOptions } from './sender';
import { subscriptionsOf } from './subscriptions';

const DAY = 24 * 60 * 60;

/**
 * Tells people when their items finish. Finishes within `windowMs` of each other are gathered per
 * person: one item gets its own notification ("Recipe saved: …", or "Couldn't import …" with a
 * Retry button), several get one summary ("12 recipes saved, 1 failed"), never a flood.
 */
export class Notifier {
	private readonly pending = new Map<string, Set<string>>();
	private readonly timers = new Map<string, NodeJS.Timeout>();

	constructor(
		private readonly deps: { database: Database; queue: ItemService; sender: PushSender; log: Logger },
		private readonly windowMs = 3_000
	) {}

	/** An item reached success, error or dead. Returns at once; delivery happens on its own. */
	itemFinished(userId: string, itemId: string): void {
		const ids = this.pending.get(userId) ?? new Set<string>();
		ids.add(itemId);
		this.pending.set(userId, ids);
		if (!this.timers.has(userId)) {
			const timer = setTimeout(() => void this.flush(userId), this.windowMs);
			timer.unref();
			this.timers.set(userId, timer);
		}
	}

	/**
	 * A bulk import finished: one notification for all of it ("212 recipes saved, 9 failed"), in
	 * place of one per item (the items of a batch are not announced one by one).
	 */
	async batchFinished(userId: string, batch: { id: string; label: string; saved: number; failed: number; canceled: number }): Promise<void> {
		try {
			const prefs = await getPreferences(this.deps.database, userId);
			if (!(batch.failed ? prefs.failure || prefs.success : prefs.success)) return;
			const message = composeBatch(batch);
			await this.broadcast(userId, message, { ttl: DAY, urgency: batch.failed ? 'high' : 'normal' });
		} catch (err) {
			this.deps.log.error({ err, userId }, 'notification not sent');
		}
	}

	/** "Send test" in Settings: to every device of this person; returns how many there are. */
	async sendTest(userId: string): Promise<number> {
		const message: PushMessage = {
			kind: 'test',
			title: 'Cookmark notifications work',
			body: 'You will hear from Cookmark here when a recipe is saved or an import fails.',
			url: '/settings',
			tag: 'test'
		};
		return this.broadcast(userId, message, { ttl: 60, urgency: 'normal' });
	}

	/** Shutdown: what is still gathering goes out now rather than being lost. */
	async close(): Promise<void> {
		for (const timer of this.timers.values()) clearTimeout(timer);
		this.timers.clear();
		await Promise.all([...this.pending.keys()].map((userId) => this.flush(userId)));
	}

	private async flush(userId: string): Promise<void> {
		this.timers.delete(userId);
		const ids = [...(this.pending.get(userId) ?? [])];
		this.pending.delete(userId);
		try {
			const prefs = await getPreferences(this.deps.database, userId);
			// A bulk import's items are told of together, when it ends (batchFinished).
			const items = (await Promise.all(ids.map((id) => this.deps.queue.item(userId, id)))).filter((i): i is Item => i !== null && !i.batchId);
			const saved = prefs.success ? items.filter((i) => i.status === 'success') : [];
			const failed = prefs.failure ? items.filter((i) => i.status === 'error' || i.status === 'dead') : [];
			const message = compose(saved, failed);
			if (message) await this.broadcast(userId, message, { ttl: DAY, urgency: failed.length ? 'high' : 'normal' });
		} catch (err) {
			this.deps.log.error({ err, userId }, 'notification not sent');
		}
	}

	private async broadcast(userId: string, message: PushMessage, options: SendOptions): Promise<number> {
		const devices = await subscriptionsOf(this.deps.database, userId);
		for (const device of devices) this.deps.sender.send(device, message, options);
		return devices.length;
	}
}

/** What the item was made from, as a notification says it: the link's host, "the text you shared", "3 pictures". */
const origin = (item: Item) => (item.url ? hostOf(item.url) : item.kind === 'text' ? 'the text you shared' : item.label);
const titleOf = (item: Item) => ((item.results as { title?: string } | null)?.title ?? item.title ?? origin(item)).slice(0, 100);

/** The one notification for what finished together, or null when there is nothing to say. */
export function compose(saved: Item[], failed: Item[]): PushMessage | null {
	const total = saved.length + failed.length;
	if (total === 0) return null;
	if (total > 1) {
		const parts = [
			saved.length ? `${saved.length} ${saved.length === 1 ? 'recipe' : 'recipes'} saved` : null,
			failed.length ? `${failed.length} failed` : null
		].filter(Boolean);
		return {
			kind: 'summary',
			title: parts.join(', '),
			body: failed.length ? 'Tap to see what went wrong.' : 'Tap to see them.',
			url: failed.length && !saved.length ? '/?show=failed' : '/',
			tag: 'summary'
		};
	}
	const item = (saved[0] ?? failed[0])!;
	if (saved.length) {
		return {
			kind: 'item',
			title: `Recipe saved: ${titleOf(item)}`,
			body: `From ${origin(item)}`,
			url: `/?highlight=${item.id}`,
			tag: `item-${item.id}`,
			image: (item.results as { image?: string | null } | null)?.image ?? null,
			itemId: item.id,
			actions: [{ action: 'open', title: 'Open' }]
		};
	}
	return {
		kind: 'item',
		title: `Couldn't import ${origin(item)}`,
		body: item.error?.message ?? 'Something went wrong.',
		url: `/?highlight=${item.id}`,
		tag: `item-${item.id}`,
		itemId: item.id,
		actions: [{ action: 'retry', title: 'Retry' }]
	};
}

/** The one notification of a finished import. */
export function composeBatch(batch: { id: string; label: string; saved: number; failed: number; canceled: number }): PushMessage {
	const parts = [
		`${batch.saved.toLocaleString('en')} ${batch.saved === 1 ? 'recipe' : 'recipes'} saved`,
		batch.failed ? `${batch.failed.toLocaleString('en')} failed` : null,
		batch.canceled ? `${batch.canceled.toLocaleString('en')} canceled` : null
	].filter(Boolean);
	return {
		kind: 'batch',
		title: parts.join(', '),
		body: `Import “${batch.label.slice(0, 80)}” finished.${batch.failed ? ' Tap to see what failed.' : ''}`,
		url: `/imports/${batch.id}`,
		tag: `batch-${batch.id}`
	};
}
