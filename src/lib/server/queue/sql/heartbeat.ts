import { sql } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { after, at, uuidArray } from './util';

/**
 * Extends the leases this worker still holds, in one round trip for all of them. Returns the
 * tokens that are still valid; a missing one was canceled, reclaimed or ran out, and its run must
 * stop (a lease that ran out is not revived: another worker may be taking the item over).
 * Rows are locked in id order, as the batch of transitions locks them: locked in scan order, a
 * heartbeat and a batch could each hold a row the other waits for (a deadlock, seen under load).
 */
export async function extendLeases(
	database: Database,
	args: { tokens: readonly string[]; leaseMs: number; now: Date }
): Promise<Set<string>> {
	if (args.tokens.length === 0) return new Set();
	const rows = await database.rows<{ token: string }>(sql`
		with held as (
			select id from queue_items
			where lease_token = any(${uuidArray(args.tokens)}) and status = 'in_progress' and lease_expires_at > ${at(args.now)}
			order by id
			for update
		)
		update queue_items i set lease_expires_at = ${after(args.now, args.leaseMs)}
		from held where i.id = held.id
		returning i.lease_token as token`);
	return new Set(rows.map((r) => r.token));
}
