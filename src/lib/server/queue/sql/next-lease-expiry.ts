import { sql } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { at } from './util';

/**
 * When the next lease still running will expire (ms since the epoch), so an idle worker can
 * wake exactly then and take over a crashed worker's item without waiting for its poll.
 */
export async function nextLeaseExpiry(database: Database, now: Date): Promise<number | null> {
	const [row] = await database.rows<{ ms: number | string | null }>(sql`
		select (extract(epoch from min(lease_expires_at)) * 1000)::float8 as ms
		from queue_items where status = 'in_progress' and lease_expires_at >= ${at(now)}`);
	return row?.ms == null ? null : Number(row.ms);
}
