import { sql } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { channels } from '../channels';

/** Deletes an item (phases and attempts cascade) and aborts it if it is running. */
export async function removeItem(database: Database, args: { userId: string; itemId: string }): Promise<boolean> {
	const rows = await database.rows<{ id: string }>(sql`
		with d as (
			delete from queue_items where id = ${args.itemId} and user_id = ${args.userId}
			returning id
		)
		select id, pg_notify(${channels.cancel}, id::text) from d`);
	return rows.length > 0;
}
