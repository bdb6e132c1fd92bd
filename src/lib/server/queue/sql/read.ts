import { and, asc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { itemAttempts, itemPhases, queueItems } from '../../db/schema';
import { ITEM_COLUMNS } from './columns';
import { textArray } from './util';

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

/** Several of the user's items (those that exist), in no particular order. */
export async function findItems(database: Database, where: { userId: string; itemIds: readonly string[] }): Promise<ItemRow[]> {
	if (where.itemIds.length === 0) return [];
	return database.db
		.select()
		.from(queueItems)
		.where(and(eq(queueItems.userId, where.userId), inArray(queueItems.id, [...where.itemIds])));
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

/** Where a page of a listing ends: the last item's exact created_at (as PostgreSQL prints it) and id. */
export interface PageEnd {
	createdAt: string;
	id: string;
}

/**
 * A page of a user's items, newest first, read off the (user_id, created_at, id) index: after a
 * page end (keyset paging, as fast on page 500 as on page 1) or, for old clients, at an offset.
 * The total comes from queue_counts, not from counting the user's items.
 */
export async function listItems(
	database: Database,
	q: { userId: string; statuses?: readonly string[]; batchId?: string; limit: number; offset?: number; after?: PageEnd }
): Promise<{ rows: ItemRow[]; total: number; next: PageEnd | null }> {
	const filters: SQL[] = [sql`user_id = ${q.userId}`];
	if (q.statuses?.length) filters.push(sql`status = any(${textArray(q.statuses)})`);
	if (q.batchId) filters.push(sql`batch_id = ${q.batchId}`);
	const where = sql.join(filters, sql` and `);
	const after = q.after ? sql` and (created_at, id) < (${q.after.createdAt}::timestamptz, ${q.after.id}::uuid)` : sql``;
	const [rows, total] = await Promise.all([
		database.rows<ItemRow & { cursorAt: string }>(sql`
			select ${ITEM_COLUMNS}, created_at::text as "cursorAt" from queue_items
			where ${where}${after}
			order by created_at desc, id desc
			limit ${q.limit + 1} offset ${q.after ? 0 : (q.offset ?? 0)}`),
		q.batchId
			? database.rows<{ n: number | string }>(sql`select count(*) as n from queue_items where ${where}`)
			: database.rows<{ n: number | string | null }>(sql`
				select sum(n) as n from queue_counts
				where user_id = ${q.userId} ${q.statuses?.length ? sql`and status = any(${textArray(q.statuses)})` : sql``}`)
	]);
	const page = rows.slice(0, q.limit);
	const last = page.at(-1);
	return {
		rows: page.map(({ cursorAt: _, ...row }) => row),
		total: Number(total[0]?.n ?? 0),
		next: rows.length > q.limit && last ? { createdAt: last.cursorAt, id: last.id } : null
	};
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
