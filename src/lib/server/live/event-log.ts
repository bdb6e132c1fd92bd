import { eq, max, sql } from 'drizzle-orm';
import type { Database } from '../db/client';
import { itemEvents } from '../db/schema';

export interface ItemChange {
	eventId: number;
	itemId: string;
	kind: 'update' | 'delete';
}

/** The newest event id of this user, or of anyone (0 when none): where a fresh stream starts counting from. */
export async function latestEventId(database: Database, userId?: string): Promise<number> {
	const [row] = await database.db
		.select({ id: max(itemEvents.id) })
		.from(itemEvents)
		.where(userId ? eq(itemEvents.userId, userId) : undefined);
	return Number(row?.id ?? 0);
}

export interface LoggedEvent {
	id: number;
	userId: string;
	itemId: string;
	kind: 'update' | 'delete';
}

/**
 * What changed for this user after watermark `lastEventId` (live/event-feed.ts): the latest event
 * of each changed item, oldest first. 'gone' when events after it may have been pruned, or it
 * names an event that never was, so the caller sends a fresh snapshot instead of a replay with holes.
 */
export async function changesSince(
	database: Database,
	userId: string,
	lastEventId: number,
	itemId?: string
): Promise<ItemChange[] | 'gone'> {
	const [kept] = await database.rows<{ first: number | string | null; last: number | string | null }>(
		sql`select min(id) as first, max(id) as last from item_events`
	);
	if (kept?.first == null || lastEventId < Number(kept.first) - 1 || lastEventId > Number(kept.last)) return 'gone';
	const rows = await database.rows<{ eventId: number | string; itemId: string; kind: 'update' | 'delete' }>(sql`
		select distinct on (item_id) id as "eventId", item_id as "itemId", kind
		from item_events
		where user_id = ${userId} and id > ${lastEventId} ${itemId ? sql`and item_id = ${itemId}` : sql``}
		order by item_id, id desc`);
	return rows.map((r) => ({ ...r, eventId: Number(r.eventId) })).sort((a, b) => a.eventId - b.eventId);
}
