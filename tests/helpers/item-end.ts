import type { App } from '../../src/lib/server/app';
import type { ItemDetail } from '../../src/lib/contract/queue';
import { channels } from '../../src/lib/server/queue/channels';
import { waitUntil } from './deferred';

/** The item once it has ended (saved, failed, dead or canceled), woken by its events rather than polled. */
export function itemEnded(app: App, userId: string, id: string, ms = 15_000): Promise<ItemDetail> {
	return waitUntil(
		async () => {
			const item = await app.items.get(userId, id);
			return item && ['success', 'error', 'dead', 'canceled'].includes(item.status) ? item : null;
		},
		(onChange) => app.database.listen(channels.itemEvents, onChange),
		ms,
		`item ${id} to finish`
	);
}
