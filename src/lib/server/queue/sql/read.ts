import { and, asc, count, desc, eq, inArray, type SQL } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { itemAttempts, itemPhases, queueItems } from '../../db/schema';

export type ItemRow = typeof queueItems.$inferSelect;
export type PhaseRow = typeof itemPhases.$inferSelect;
export type AttemptRow = typeof itemAttempts.$inferSelect;

export async function findItem(database: Database, where: { userId: string; itemId: string }): Promise<ItemRow | undefined> {
	const [row] = await database.db
		.select()
		.from(queueItems)
		.where(and(eq(queueItems.id, where.itemId), eq(queueItems.userId, where.userId)));
	return row;
}

export async function findByIdempotencyKey(
	database: Database,
	where: { userId: string; key: string }
): Promise<ItemRow | undefined> {
	const [row] = await database.db
		.select()
		.from(queueItems)
		.where(and(eq(queueItems.userId, where.userId), eq(queueItems.idempotencyKey, where.key)));
	return row;
}

export async function findActiveByKey(
	database: Database,
	where: { userId: string; dedupeKey: string }
): Promise<ItemRow | undefined> {
	const [row] = await database.db
		.select()
		.from(queueItems)
		.where(
			and(
				eq(queueItems.userId, where.userId),
				eq(queueItems.dedupeKey, where.dedupeKey),
				inArray(queueItems.status, ['pending', 'in_progress'])
			)
		);
	return row;
}

export async function listItems(
	database: Database,
	q: { userId: string; statuses?: readonly string[]; batchId?: string; limit: number; offset: number }
): Promise<{ rows: ItemRow[]; total: number }> {
	const filters: SQL[] = [eq(queueItems.userId, q.userId)];
	if (q.statuses?.length) filters.push(inArray(queueItems.status, [...q.statuses]));
	if (q.batchId) filters.push(eq(queueItems.batchId, q.batchId));
	const where = and(...filters);
	const [rows, [totals]] = await Promise.all([
		database.db
			.select()
			.from(queueItems)
			.where(where)
			.orderBy(desc(queueItems.createdAt), desc(queueItems.id))
			.limit(q.limit)
			.offset(q.offset),
		database.db.select({ n: count() }).from(queueItems).where(where)
	]);
	return { rows, total: Number(totals?.n ?? 0) };
}

/** Phases of several items, in pipeline order, grouped by item id. */
export async function phasesOf(database: Database, itemIds: readonly string[]): Promise<Map<string, PhaseRow[]>> {
	const byItem = new Map<string, PhaseRow[]>(itemIds.map((id) => [id, []]));
	if (itemIds.length === 0) return byItem;
	const rows = await database.db
		.select()
		.from(itemPhases)
		.where(inArray(itemPhases.itemId, [...itemIds]))
		.orderBy(asc(itemPhases.itemId), asc(itemPhases.position));
	for (const row of rows) byItem.get(row.itemId)?.push(row);
	return byItem;
}

export async function attemptsOf(database: Database, itemId: string): Promise<AttemptRow[]> {
	return database.db.select().from(itemAttempts).where(eq(itemAttempts.itemId, itemId)).orderBy(asc(itemAttempts.id));
}

/** A completed phase's persisted output, for the item's owner; undefined when it has none yet. */
export async function findPhaseOutput(database: Database, where: { userId: string; itemId: string; phase: string }): Promise<unknown> {
	const [row] = await database.db
		.select({ output: itemPhases.output })
		.from(itemPhases)
		.innerJoin(queueItems, eq(queueItems.id, itemPhases.itemId))
		.where(
			and(
				eq(itemPhases.itemId, where.itemId),
				eq(itemPhases.name, where.phase),
				eq(itemPhases.status, 'completed'),
				eq(queueItems.userId, where.userId)
			)
		);
	return row?.output ?? undefined;
}
