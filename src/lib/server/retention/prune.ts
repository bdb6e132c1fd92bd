import { sql } from 'drizzle-orm';
import type { Database } from '../db/client';

/**
 * What retention deletes, each in bounded chunks: every chunk is its own short statement, so a
 * table of millions is worked through without a long lock or a long transaction, and other
 * writers slip in between chunks. Nothing here touches recipes, their pictures or their sources:
 * a saved recipe is the person's, kept until they delete it.
 */

/** Rows per statement. */
export const CHUNK = 2_000;

const at = (d: Date) => sql`${d.toISOString()}::timestamptz`;

/** Deletes item events created before `before` (they serve only Last-Event-ID replay). Returns how many. */
export async function pruneEvents(database: Database, before: Date): Promise<number> {
	let total = 0;
	for (;;) {
		const [row] = await database.rows<{ n: number }>(sql`
			with gone as (
				delete from item_events where id in (
					select id from item_events where created_at < ${at(before)} order by id limit ${CHUNK})
				returning 1
			)
			select count(*)::int as n from gone`);
		total += row!.n;
		if (row!.n < CHUNK) return total;
	}
}

/** Where output pruning got to: items finished up to here (in finished_at, id order) are done. */
export interface OutputMark {
	finishedAt: string;
	id: string;
}

/**
 * Clears the phase outputs (a fetched page's text, a parsed draft: the bulk of item_phases) of
 * items saved before `before`. Only saved items: their recipe is in the library and their result
 * (recipe id, title) stays on the item, and a saved item is never run again (a retry takes only
 * failed items, Import again makes a new one), so no phase will read these outputs. Items that
 * failed keep theirs: a retry resumes from them.
 *
 * Walks items in finished_at order from `from` (the previous run's end), so each run reads only
 * what finished since, through the finished_at index. Returns the outputs cleared and the new mark.
 */
export async function pruneOutputs(
	database: Database,
	before: Date,
	from: OutputMark | null
): Promise<{ cleared: number; mark: OutputMark | null }> {
	let cleared = 0;
	let mark = from;
	for (;;) {
		const after = mark ? sql`and (finished_at, id) > (${mark.finishedAt}::timestamptz, ${mark.id}::uuid)` : sql``;
		const [row] = await database.rows<{ cleared: number; scanned: number; finishedAt: string | null; id: string | null }>(sql`
			with chunk as (
				select id, finished_at from queue_items
				where finished_at is not null and finished_at < ${at(before)} ${after}
				order by finished_at, id limit ${CHUNK}
			), last as (
				select finished_at, id from chunk order by finished_at desc, id desc limit 1
			), emptied as (
				update item_phases set output = null
				where output is not null and item_id in (
					select c.id from chunk c join queue_items q on q.id = c.id where q.status = 'success')
				returning 1
			)
			select (select count(*) from emptied)::int as cleared, (select count(*) from chunk)::int as scanned,
				(select finished_at::text from last) as "finishedAt", (select id from last) as id`);
		cleared += row!.cleared;
		if (row!.finishedAt && row!.id) mark = { finishedAt: row!.finishedAt, id: row!.id };
		if (row!.scanned < CHUNK) return { cleared, mark };
	}
}

/** How old a file no item names must be to go: an enqueue stores the file a moment before its item. */
export const UNCLAIMED_FILE_GRACE_MS = 60 * 60 * 1000;

/**
 * Deletes the files people shared (page HTML, pictures) that no item needs: those no item names
 * (its item deleted; an enqueue that never made one), and those whose items were all saved before
 * `savedBefore` (null: kept as long as their items), as the phase outputs read from them are.
 * A failed item keeps its files, so a retry reads them again. Returns how many.
 */
export async function pruneSharedFiles(database: Database, savedBefore: Date | null, now: Date): Promise<number> {
	const done = savedBefore ? sql`q.status = 'success' and q.finished_at < ${at(savedBefore)}` : sql`false`;
	let total = 0;
	for (;;) {
		const [row] = await database.rows<{ n: number }>(sql`
			with gone as (
				delete from shared_files where id in (
					select f.id from shared_files f
					where f.created_at < ${at(new Date(now.getTime() - UNCLAIMED_FILE_GRACE_MS))}
					and not exists (
						select 1 from queue_items q
						where q.user_id = f.user_id
						and (q.input->>'htmlFileId' = f.id::text or coalesce(q.input->'imageFileIds', '[]'::jsonb) @> to_jsonb(f.id::text))
						and not (${done}))
					limit ${CHUNK})
				returning 1
			)
			select count(*)::int as n from gone`);
		total += row!.n;
		if (row!.n < CHUNK) return total;
	}
}

/** Deletes the rows of workers not heard from since `before` (crashed ones; a clean stop deletes its own). */
export async function pruneWorkers(database: Database, before: Date): Promise<number> {
	const [row] = await database.rows<{ n: number }>(sql`
		with gone as (delete from workers where last_seen_at < ${at(before)} returning 1)
		select count(*)::int as n from gone`);
	return row!.n;
}
