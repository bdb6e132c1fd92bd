import { sql } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { channels } from '../channels';

/**
 * Deletes an item (phases and attempts cascade) and aborts it if it is running. Returns its batch
 * id (null when it had none), or undefined when there was no such item of this user.
 */
export async function removeItem(database: Database, args: { userId: string; itemId: string }): Promise<string | null | undefined> {
	const [row] = await database.rows<{ batchId: string | null }>(sql`
		with d as (
			delete from queue_items where id = ${args.itemId} and user_id = ${args.userId}
			returning id, batch_id
		)
		select batch_id as "batchId", pg_notify(${channels.cancel}, id::text) from d`);
	return row ? row.batchId : undefined;
}
