import { sql } from 'drizzle-orm';
import { Gauge, type Registry } from 'prom-client';
import type { Logger } from 'pino';
import { itemStatuses } from '../../contract/queue';
import type { Database } from '../db/client';

/** Scrapes within this long of each other share one read: several Prometheus servers do not each hit the database. */
const CACHE_MS = 3_000;

interface SharedState {
	byStatus: Map<string, number>;
	due: number;
	oldestDueSeconds: number;
	leases: number;
}

/**
 * Gauges of the queue as the database holds it: the same from every process (aggregate them with
 * max, not sum). Read when scraped, one statement for all of them, from the per-user counts table
 * and partial indexes (pending by next run, running by lease expiry), so a scrape stays cheap
 * however long the queue. When the database does not answer, they are left out of the scrape.
 */
export function sharedStateMetrics(registry: Registry, database: Database, log: Logger): void {
	let cached: { at: number; state: Promise<SharedState | null> } | null = null;
	const read = () => {
		const now = Date.now();
		if (!cached || now - cached.at > CACHE_MS) {
			cached = {
				at: now,
				state: readState(database).catch((err) => {
					log.warn({ err }, 'queue gauges not read for this scrape');
					return null;
				})
			};
		}
		return cached.state;
	};
	const registers = [registry];
	const gauge = (name: string, help: string, pick: (s: SharedState, g: Gauge) => void, labelNames: string[] = []) =>
		new Gauge({
			name,
			help,
			labelNames,
			registers,
			async collect() {
				const state = await read();
				this.reset();
				if (state) pick(state, this);
			}
		});
	gauge(
		'cookmark_items',
		'Items by status, all users (shared state: the same from every process).',
		(s, g) => itemStatuses.forEach((status) => g.set({ status }, s.byStatus.get(status) ?? 0)),
		['status']
	);
	gauge('cookmark_queue_due_items', 'Pending items due to run now (shared state).', (s, g) => g.set(s.due));
	gauge('cookmark_queue_oldest_due_age_seconds', 'How long the longest-waiting due item has been due; 0 when none (shared state).', (s, g) =>
		g.set(s.oldestDueSeconds)
	);
	gauge('cookmark_leases_active', 'Running items whose lease has not expired (shared state).', (s, g) => g.set(s.leases));
}

async function readState(database: Database): Promise<SharedState> {
	const rows = await database.rows<{ kind: string; key: string | null; value: number | string }>(sql`
		select 'status' as kind, status as key, sum(n)::float8 as value from queue_counts group by status
		union all
		select 'due', null, count(*)::float8 from queue_items where status = 'pending' and next_run_at <= now()
		union all
		select 'oldest', null, coalesce(extract(epoch from now() - min(next_run_at)), 0)::float8
			from queue_items where status = 'pending' and next_run_at <= now()
		union all
		select 'leases', null, count(*)::float8 from queue_items where status = 'in_progress' and lease_expires_at > now()`);
	const state: SharedState = { byStatus: new Map(), due: 0, oldestDueSeconds: 0, leases: 0 };
	for (const row of rows) {
		const value = Number(row.value);
		if (row.kind === 'status') state.byStatus.set(row.key!, value);
		else if (row.kind === 'due') state.due = value;
		else if (row.kind === 'oldest') state.oldestDueSeconds = Math.max(0, value);
		else state.leases = value;
	}
	return state;
}
