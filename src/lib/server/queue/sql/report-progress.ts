import { sql } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { touched, leaseHeld } from './util';

/** Records a running phase's progress; fenced on the lease, so a stale worker writes nothing. */
export async function reportProgress(
	database: Database,
	args: { itemId: string; token: string; phase: string; progress: number; message: string | null; now: Date }
): Promise<boolean> {
	const rows = await database.rows<{ ok: number }>(sql`
		with ok as (
			update queue_items set updated_at = ${touched(args.now)}
			where ${leaseHeld(args.itemId, args.token, args.now)}
			returning id
		)
		update item_phases p set progress = ${args.progress}, message = ${args.message}
		from ok where p.item_id = ok.id and p.name = ${args.phase} and p.status = 'in_progress'
		returning 1 as ok`);
	return rows.length > 0;
}
