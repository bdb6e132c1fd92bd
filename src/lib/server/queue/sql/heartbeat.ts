import { sql } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { after, at, uuidArray } from './util';

/**
 * Extends the leases this worker still holds, in one round trip for all of them. Returns the
 * tokens that are still valid; a missing one was canceled, reclaimed or ran out, and its run must
 * stop (a lease that ran out is not revived: another worker may be taking the item over).
 */
export async function extendLeases(
	database: Database,
	args: { tokens: readonly string[]; leaseMs: number; now: Date }
): Promise<Set<string>> {
	if (args.tokens.length === 0) return new Set();
	const rows = await database.rows<{ token: string }>(sql`
		update queue_items set lease_expires_at = ${after(args.now, args.leaseMs)}
		where lease_token = any(${uuidArray(args.tokens)}) and status = 'in_progress' and lease_expires_at > ${at(args.now)}
		returning lease_token as token`);
	return new Set(rows.map((r) => r.token));
}
