import { and, asc, eq, gt, lt, max, sql } from 'drizzle-orm';
import type { Database } from '../db/client';
import { itemEvents } from '../db/schema';

export interface ItemChange {
	eventId: number;
	itemId: string;
	kind: 'update' | 'delete';
}

/** The newest event id of this user, or of everyone (0 when none): where counting starts from. */
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

/** Every event after `afterId`, oldest first: what a hub missed while it was not listening. */
export async function eventsAfter(database: Database, afterId: number): Promise<LoggedEvent[]> {
	const rows = await database.db
		.select({ id: itemEvents.id, userId: itemEvents.userId, itemId: itemEvents.itemId, kind: itemEvents.kind })
		.from(itemEvents)
		.where(gt(itemEvents.id, afterId))
		.orderBy(asc(itemEvents.id));
	return rows.map((r) => ({ ...r, id: Number(r.id), kind: r.kind as LoggedEvent['kind'] }));
}

/**
 * What changed for this user after event `lastEventId`: the latest event of each changed item,
 * oldest first. 'gone' when that event was pruned (or never was this user's), so the caller
 * sends a fresh snapshot instead of a replay with holes.
 */
export async function changesSince(
	database: Database,
	userId: string,
	lastEventId: number,
	itemId?: string
): Promise<ItemChange[] | 'gone'> {
	if (lastEventId > 0) {
		const [known] = await database.db
			.select({ id: itemEvents.id })
			.from(itemEvents)
			.where(and(eq(itemEvents.id, lastEventId), eq(itemEvents.userId, userId)));
		if (!known) return 'gone';
	}
	const rows = await database.rows<{ eventId: number | string; itemId: string; kind: 'update' | 'delete' }>(sql`
		select distinct on (item_id) id as "eventId", item_id as "itemId", kind
		from item_events
		where user_id = ${userId} and id > ${lastEventId} ${itemId ? sql`and item_id = ${itemId}` : sql``}
		order by item_id, id desc`);
	return rows.map((r) => ({ ...r, eventId: Number(r.eventId) })).sort((a, b) => a.eventId - b.eventId);
}

/** Events are kept at least 24 h for Last-Event-ID replay; older ones go. */
export async function pruneEvents(database: Database, olderThan: Date): Promise<number> {
	const gone = await database.db.delete(itemEvents).where(lt(itemEvents.createdAt, olderThan)).returning({ id: itemEvents.id });
	return gone.length;
}
