import { sql } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { after, uuidArray } from './util';

/**
 * Extends the leases this worker still holds, in one round trip for all of them. Returns the
 * tokens that are still valid; a missing one was canceled or reclaimed, and its run must stop.
 */
export async function extendLeases(
	database: Database,
	args: { tokens: readonly string[]; leaseMs: number; now: Date }
): Promise<Set<string>> {
	if (args.tokens.length === 0) return new Set();
	const rows = await database.rows<{ token: string }>(sql`
		update queue_items set lease_expires_at = ${after(args.now, args.leaseMs)}
		where lease_token = any(${uuidArray(args.tokens)}) and status = 'in_progress'
		returning lease_token as token`);
	return new Set(rows.map((r) => r.token));
}
