import { and, asc, eq, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { itemAttempts, itemPhases, queueItems } from '../../db/schema';
import { ITEM_COLUMNS } from './columns';
import { textArray, uuidArray } from './util';

export type ItemRow = typeof queueItems.$inferSelect;
export type PhaseRow = typeof itemPhases.$inferSelect;
export type AttemptRow = typeof itemAttempts.$inferSelect;

/** A phase as an item read carries it (dates as PostgreSQL prints them in JSON). */
export type PhaseJson = Pick<PhaseRow, 'name' | 'status' | 'progress' | 'message' | 'attempts' | 'errorKind' | 'errorCode' | 'error'> & {
	startedAt: string | null;
	completedAt: string | null;
};

/** An item with its phases in pipeline order: what every view of an item needs, in one read. */
export type ItemWithPhases = ItemRow & { phases: PhaseJson[] };

/** The item's phases as a JSON array, read in the same statement as the item (one round trip, not two). */
const PHASES = sql.raw(`(
	select coalesce(json_agg(json_build_object('name', p.name, 'status', p.status, 'progress', p.progress, 'message', p.message,
		'attempts', p.attempts, 'startedAt', p.started_at, 'completedAt', p.completed_at, 'errorKind', p.error_kind,
		'errorCode', p.error_code, 'error', p.error) order by p.position), '[]'::json)
	from item_phases p where p.item_id = queue_items.id) as phases`);

const itemsWhere = (where: SQL) => sql`select ${ITEM_COLUMNS}, ${PHASES} from queue_items where ${where}`;

export async function findItem(database: Database, where: { userId: string; itemId: string }): Promise<ItemWithPhases | undefined> {
	const [row] = await database.rows<ItemWithPhases>(itemsWhere(sql`id = ${where.itemId} and user_id = ${where.userId}`));
	return row;
}

/** Several of the user's items (those that exist), in no particular order. */
export async function findItems(database: Database, where: { userId: string; itemIds: readonly string[] }): Promise<ItemWithPhases[]> {
	if (where.itemIds.length === 0) return [];
	return database.rows<ItemWithPhases>(itemsWhere(sql`user_id = ${where.userId} and id = any(${uuidArray(where.itemIds)})`));
}

export async function findByIdempotencyKey(database: Database, where: { userId: string; key: string }): Promise<ItemWithPhases | undefined> {
	const [row] = await database.rows<ItemWithPhases>(itemsWhere(sql`user_id = ${where.userId} and idempotency_key = ${where.key}`));
	return row;
}

export async function findActiveByKey(database: Database, where: { userId: string; dedupeKey: string }): Promise<ItemWithPhases | undefined> {
	const [row] = await database.rows<ItemWithPhases>(
		itemsWhere(sql`user_id = ${where.userId} and dedupe_key = ${where.dedupeKey} and status in ('pending', 'in_progress')`)
	);
	return row;
}

/** The user's pending or running item under any of these dedupe keys (the partial unique index answers). */
export async function findActiveByKeys(database: Database, where: { userId: string; dedupeKeys: readonly string[] }): Promise<ItemWithPhases | undefined> {
	if (where.dedupeKeys.length === 0) return undefined;
	const [row] = await database.rows<ItemWithPhases>(
		sql`${itemsWhere(sql`user_id = ${where.userId} and dedupe_key = any(${textArray(where.dedupeKeys)}) and status in ('pending', 'in_progress')`)} limit 1`
	);
	return row;
}

/** Which of these dedupe keys the user has waiting or running. */
export async function activeDedupeKeys(database: Database, where: { userId: string; dedupeKeys: readonly string[] }): Promise<Set<string>> {
	if (where.dedupeKeys.length === 0) return new Set();
	const rows = await database.rows<{ key: string }>(
		sql`select dedupe_key as key from queue_items where user_id = ${where.userId} and dedupe_key = any(${textArray(where.dedupeKeys)}) and status in ('pending', 'in_progress')`
	);
	return new Set(rows.map((r) => r.key));
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
): Promise<{ rows: ItemWithPhases[]; total: number; next: PageEnd | null }> {
	const filters: SQL[] = [sql`user_id = ${q.userId}`];
	if (q.statuses?.length) filters.push(sql`status = any(${textArray(q.statuses)})`);
	if (q.batchId) filters.push(sql`batch_id = ${q.batchId}`);
	const where = sql.join(filters, sql` and `);
	const after = q.after ? sql` and (created_at, id) < (${q.after.createdAt}::timestamptz, ${q.after.id}::uuid)` : sql``;
	// The total rides on every row (one round trip); an empty page asks for it on its own.
	const total = q.batchId
		? sql`(select count(*) from queue_items where ${where})`
		: sql`(select coalesce(sum(n), 0) from queue_counts where user_id = ${q.userId} ${q.statuses?.length ? sql`and status = any(${textArray(q.statuses)})` : sql``})`;
	const rows = await database.rows<ItemWithPhases & { cursorAt: string; total: number | string }>(sql`
		select ${ITEM_COLUMNS}, ${PHASES}, created_at::text as "cursorAt", ${total} as total from queue_items
		where ${where}${after}
		order by created_at desc, id desc
		limit ${q.limit + 1} offset ${q.after ? 0 : (q.offset ?? 0)}`);
	const count = rows[0] ? rows[0].total : (await database.rows<{ n: number | string }>(sql`select ${total} as n`))[0]!.n;
	const page = rows.slice(0, q.limit);
	const last = page.at(-1);
	return {
		rows: page.map(({ cursorAt: _, total: __, ...row }) => row),
		total: Number(count),
		next: rows.length > q.limit && last ? { createdAt: last.cursorAt, id: last.id } : null
	};
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
