import { sql } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { channels } from '../channels';
import { at, elapsedMs, lockThen, touched, uuidArray } from './util';

export interface Reclaimed {
	id: string;
	userId: string;
	status: 'pending' | 'dead';
	batchId: string | null;
}

/**
 * Returns items whose worker stopped heart-beating (crashed, killed, partitioned) to the queue.
 * The interrupted attempt is closed as `lost` and counts against the phase's budget: an item
 * whose phase has used every attempt this way (it kills its worker each time) is dead, instead of
 * looping for ever.
 */
export async function reclaimExpired(database: Database, now: Date): Promise<Reclaimed[]> {
	const t = at(now);
	return lockThen<Reclaimed>(
		database,
		// Skips rows a worker holds this moment (its heartbeat may be saving the lease); the next sweep sees them.
		sql`select id from queue_items where status = 'in_progress' and lease_expires_at < ${t} for update skip locked`,
		(ids) => sql`
		with cur as (
			select i.id, i.max_attempts, p.name, p.attempts, p.attempts >= i.max_attempts as spent
			from queue_items i join item_phases p on p.item_id = i.id and p.name = i.current_phase
			where i.id = any(${uuidArray(ids)})
		), exp as (
			update queue_items i
			set status = case when cur.spent then 'dead' else 'pending' end, next_run_at = ${t}, updated_at = ${touched(now, 'i.updated_at')},
				finished_at = case when cur.spent then ${t} end,
				error = case when cur.spent then 'gave up after ' || cur.attempts || ' interrupted attempts of ' || cur.name else i.error end,
				error_kind = case when cur.spent then 'retryable' else i.error_kind end,
				error_code = case when cur.spent then 'interrupted' else i.error_code end,
				lease_owner = null, lease_token = null, lease_expires_at = null
			from cur where i.id = cur.id
			returning i.id, i.user_id, i.status, i.batch_id
		), ph as (
			update item_phases p
			set status = case when cur.spent then 'error' else 'pending' end, message = null,
				error = case when cur.spent then 'gave up after ' || cur.attempts || ' interrupted attempts' else p.error end,
				error_kind = case when cur.spent then 'retryable' else p.error_kind end,
				error_code = case when cur.spent then 'interrupted' else p.error_code end
			from cur where p.item_id = cur.id and p.status = 'in_progress'
		), att as (
			update item_attempts a
			set outcome = 'lost', finished_at = ${t}, error_kind = 'retryable', error_code = 'lease_expired',
				message = 'the worker stopped responding; its lease expired',
				duration_ms = ${elapsedMs(t)}
			where a.item_id in (select id from exp) and a.outcome = 'running'
		)
		select id, user_id as "userId", status, batch_id as "batchId", pg_notify(${channels.jobs}, '') from exp`
	);
}
