import { sql } from 'drizzle-orm';
import type { WorkerInfo } from '../../contract/admin';
import type { Database } from '../db/client';
import { textArray } from '../db/sql-values';

/** Missed heartbeats after which a worker counts as gone (crashed, or cut off from the database). */
const MISSED_BEATS = 3;

const iso = (value: string | Date) => new Date(value).toISOString();

function hostOf(link: string | null): string | null {
	try {
		return link ? new URL(link).host : null;
	} catch {
		return null;
	}
}

/**
 * The worker processes from their heartbeat rows, newest first, and what each runs now: its
 * in-progress items (by lease owner), their phase since when, and whose (a username, and the
 * shared link's host only).
 */
export async function listWorkers(database: Database, now: Date): Promise<WorkerInfo[]> {
	const rows = await database.rows<{
		id: string;
		hostname: string;
		pid: number;
		concurrency: number;
		heartbeatMs: number;
		startedAt: string;
		lastSeenAt: string;
	}>(sql`
		select id, hostname, pid, concurrency, heartbeat_ms as "heartbeatMs", started_at as "startedAt", last_seen_at as "lastSeenAt"
		from workers order by started_at desc, id`);
	if (rows.length === 0) return [];
	const running = await database.rows<{
		owner: string;
		itemId: string;
		userId: string;
		username: string;
		link: string | null;
		phase: string | null;
		since: string | null;
	}>(sql`
		select q.lease_owner as owner, q.id as "itemId", u.id as "userId", u.username, q.input->>'url' as link,
			q.current_phase as phase, p.started_at as since
		from queue_items q
		join users u on u.id = q.user_id
		left join item_phases p on p.item_id = q.id and p.name = q.current_phase
		where q.status = 'in_progress' and q.lease_owner = any(${textArray(rows.map((r) => r.id))})
		order by p.started_at nulls last, q.id`);
	return rows.map((w) => ({
		id: w.id,
		hostname: w.hostname,
		pid: w.pid,
		concurrency: w.concurrency,
		startedAt: iso(w.startedAt),
		lastSeenAt: iso(w.lastSeenAt),
		online: now.getTime() - new Date(w.lastSeenAt).getTime() <= MISSED_BEATS * w.heartbeatMs,
		running: running
			.filter((r) => r.owner === w.id)
			.map((r) => ({
				itemId: r.itemId,
				user: { id: r.userId, username: r.username },
				host: hostOf(r.link),
				phase: r.phase,
				since: r.since ? iso(r.since) : null
			}))
	}));
}
