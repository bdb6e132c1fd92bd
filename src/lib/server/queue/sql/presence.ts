import { sql } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { at } from './util';

export interface WorkerPresence {
	id: string;
	hostname: string;
	pid: number;
	concurrency: number;
	heartbeatMs: number;
}

/**
 * The worker says it is alive: its row is made on the first call and only `last_seen_at` moves
 * after that. One upsert on a primary key, every heartbeat, whether or not anything runs.
 */
export async function announceWorker(database: Database, args: { worker: WorkerPresence; now: Date }): Promise<void> {
	const w = args.worker;
	await database.rows(sql`
		insert into workers (id, hostname, pid, concurrency, heartbeat_ms, started_at, last_seen_at)
		values (${w.id}, ${w.hostname}, ${w.pid}, ${w.concurrency}, ${w.heartbeatMs}, ${at(args.now)}, ${at(args.now)})
		on conflict (id) do update set last_seen_at = excluded.last_seen_at`);
}

/** A clean stop: the worker is gone at once rather than going stale. */
export async function retireWorker(database: Database, id: string): Promise<void> {
	await database.rows(sql`delete from workers where id = ${id}`);
}
