import { and, eq, lt, max, sql } from 'drizzle-orm';
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

/** The latest event of each item of these users changed after event `afterId`: what a listener that lost its connection missed. */
export async function eventsAfter(database: Database, afterId: number, userIds: readonly string[]): Promise<LoggedEvent[]> {
	if (userIds.length === 0) return [];
	const rows = await database.rows<Omit<LoggedEvent, 'id'> & { id: number | string }>(sql`
		select distinct on (item_id) id, user_id as "userId", item_id as "itemId", kind
		from item_events
		where id > ${afterId} and user_id in (${sql.join(userIds.map((u) => sql`${u}`), sql`, `)})
		order by item_id, id desc`);
	return rows.map((r) => ({ ...r, id: Number(r.id) }));
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
