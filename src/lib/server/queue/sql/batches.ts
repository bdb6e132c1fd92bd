import { sql } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { at, uuidArray } from './util';

type Raw = Omit<BatchRow, 'createdAt' | 'finishedAt'> & { createdAt: Date | string; finishedAt: Date | string | null };
/** Times as ISO strings, whichever driver read them (postgres.js and PGlite both give Dates). */
const toRow = (r: Raw): BatchRow => ({ ...r, createdAt: new Date(r.createdAt).toISOString(), finishedAt: r.finishedAt ? new Date(r.finishedAt).toISOString() : null });

export interface BatchRow {
	id: string;
	userId: string;
	pipeline: string;
	label: string;
	total: number;
	summary: unknown;
	/** ISO times. */
	createdAt: string;
	finishedAt: string | null;
	/** Its items by status, from the items themselves (statuses with none are left out). */
	counts: Record<string, number>;
}

const BATCH_COLUMNS = sql`b.id, b.user_id as "userId", b.pipeline, b.label, b.total, b.summary,
	b.created_at as "createdAt", b.finished_at as "finishedAt",
	coalesce((select jsonb_object_agg(s.status, s.n) from (
		select status, count(*)::int as n from queue_items where batch_id = b.id group by status
	) s), '{}'::jsonb) as counts`;

export async function insertBatch(
	database: Database,
	batch: { id: string; userId: string; pipeline: string; label: string; summary: unknown; now: Date }
): Promise<void> {
	await database.rows(sql`
		insert into queue_batches (id, user_id, pipeline, label, summary, created_at)
		values (${batch.id}, ${batch.userId}, ${batch.pipeline}, ${batch.label}, ${JSON.stringify(batch.summary)}::jsonb, ${at(batch.now)})`);
}

/** Once every chunk of items is in: how many it made. */
export async function setBatchTotal(database: Database, batchId: string, total: number): Promise<void> {
	await database.rows(sql`update queue_batches set total = ${total} where id = ${batchId}`);
}

export async function findBatch(database: Database, args: { userId: string; batchId: string }): Promise<BatchRow | null> {
	const [row] = await database.rows<Raw>(sql`select ${BATCH_COLUMNS} from queue_batches b where b.id = ${args.batchId} and b.user_id = ${args.userId}`);
	return row ? toRow(row) : null;
}

/** The user's batches, newest first. */
export async function listBatches(database: Database, args: { userId: string; limit: number }): Promise<BatchRow[]> {
	const rows = await database.rows<Raw>(sql`
		select ${BATCH_COLUMNS} from queue_batches b where b.user_id = ${args.userId}
		order by b.created_at desc, b.id desc limit ${args.limit}`);
	return rows.map(toRow);
}

/**
 * Marks finished the batches (these, or every unfinished one) that no longer have an item waiting
 * or running, and returns them: each exactly once, however many processes ask at the same time
 * (the row lock and `finished_at is null` decide). Every caller asks after its own change
 * committed, so the last item's finish always sees the others'.
 */
export async function settleBatches(database: Database, args: { batchIds?: readonly string[]; now: Date }): Promise<BatchRow[]> {
	const which = args.batchIds ? sql`b.id = any(${uuidArray(args.batchIds)})` : sql`true`;
	const rows = await database.rows<Raw>(sql`
		with done as (
			update queue_batches b set finished_at = ${at(args.now)}
			where ${which} and b.finished_at is null
				and not exists (select 1 from queue_items q where q.batch_id = b.id and q.status in ('pending', 'in_progress'))
			returning b.*
		)
		select ${BATCH_COLUMNS} from done b`);
	return rows.map(toRow);
}

/** Some of its items run again (a retry): the batch is under way until they finish. */
export async function reopenBatch(database: Database, batchId: string): Promise<void> {
	await database.rows(sql`update queue_batches set finished_at = null where id = ${batchId}`);
}

/** What is left of a batch per concurrency key, and how many of its items finished since `since`: its pace. */
export async function batchPace(database: Database, args: { batchId: string; since: Date }): Promise<{ leftByKey: Map<string | null, number>; finishedSince: number }> {
	const rows = await database.rows<{ key: string | null; left: number; finished: number }>(sql`
		select concurrency_key as key,
			count(*) filter (where status in ('pending', 'in_progress'))::int as left,
			count(*) filter (where finished_at >= ${at(args.since)})::int as finished
		from queue_items where batch_id = ${args.batchId} group by concurrency_key`);
	return {
		leftByKey: new Map(rows.filter((r) => r.left > 0).map((r) => [r.key, r.left])),
		finishedSince: rows.reduce((n, r) => n + r.finished, 0)
	};
}
