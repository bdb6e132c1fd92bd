import { sql } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { channels } from '../channels';
import { at, textArray } from './util';

export interface NewItem {
	userId: string;
	pipeline: string;
	phases: readonly string[];
	url: string;
	normalizedUrl: string;
	title: string | null;
	input: unknown;
	maxAttempts: number;
	correlationId: string;
	idempotencyKey: string | null;
	batchId?: string | null;
	replayOf?: string | null;
}

/**
 * Inserts an item with its phases and wakes a worker, in one statement. Returns the new id, or
 * null when a unique index refused it: the same active URL or the same Idempotency-Key.
 */
export async function insertItem(database: Database, item: NewItem, now: Date): Promise<string | null> {
	const rows = await database.rows<{ id: string }>(sql`
		with ins as (
			insert into queue_items (user_id, pipeline, url, normalized_url, title, input, max_attempts,
				correlation_id, idempotency_key, batch_id, replay_of, next_run_at, created_at, updated_at)
			values (${item.userId}, ${item.pipeline}, ${item.url}, ${item.normalizedUrl}, ${item.title},
				${JSON.stringify(item.input)}::jsonb, ${item.maxAttempts}, ${item.correlationId},
				${item.idempotencyKey}, ${item.batchId ?? null}, ${item.replayOf ?? null}, ${at(now)}, ${at(now)}, ${at(now)})
			on conflict do nothing
			returning id
		), phases as (
			insert into item_phases (item_id, name, position)
			select ins.id, p.name, p.position::int from ins, unnest(${textArray(item.phases)}) with ordinality as p(name, position)
		)
		select id, pg_notify(${channels.jobs}, id::text) from ins`);
	return rows[0]?.id ?? null;
}
