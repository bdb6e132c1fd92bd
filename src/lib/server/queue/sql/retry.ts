import { sql } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { channels } from '../channels';
import { at, touched } from './util';

/**
 * A person's retry of a failed, dead or canceled item: runnable now, with a fresh budget for
 * every phase that has not completed — completed phases keep their outputs and are not re-run.
 * Throws a unique violation when the same URL is already active in another item.
 */
export async function retryItem(database: Database, args: { userId: string; itemId: string; now: Date }): Promise<boolean> {
	const now = at(args.now);
	const rows = await database.rows<{ id: string }>(sql`
		with r as (
			update queue_items
			set status = 'pending', next_run_at = ${now}, updated_at = ${touched(args.now)}, finished_at = null,
				error = null, error_kind = null, error_code = null
			where id = ${args.itemId} and user_id = ${args.userId} and status in ('error', 'dead', 'canceled')
			returning id
		), ph as (
			update item_phases
			set status = 'pending', attempts = 0, progress = 0, message = null, error = null, error_kind = null, error_code = null
			where item_id in (select id from r) and status <> 'completed'
		)
		select id, pg_notify(${channels.jobs}, '') from r`);
	return rows.length > 0;
}
