import { sql } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { channels } from '../channels';
import { at } from './util';
import { ITEM_COLUMNS } from './columns';
import type { ItemRow } from './read';

export interface NewItem {
	/** Chosen by the caller, so an answer can be matched to its request whatever the row order. */
	id: string;
	userId: string;
	pipeline: string;
	phases: readonly string[];
	input: unknown;
	dedupeKey: string | null;
	maxAttempts: number;
	correlationId: string;
	idempotencyKey: string | null;
	batchId?: string | null;
	replayOf?: string | null;
	/** 0 (the default) for what a person waits on; more for bulk work, claimed after it. */
	priority?: number;
	/** Items with the same key run a limited number at once (see claimItems); null: no limit. */
	concurrencyKey?: string | null;
}

/**
 * Inserts items with their phases and wakes the workers, however many, in one statement (one
 * NOTIFY). Returns the rows inserted; an item a unique index refused (the same active dedupe key,
 * the same Idempotency-Key, also within this batch) is simply not among them.
 */
export async function insertItems(database: Database, items: readonly NewItem[], now: Date): Promise<ItemRow[]> {
	if (items.length === 0) return [];
	const records = items.map((i, position) => ({
		position,
		id: i.id,
		user_id: i.userId,
		pipeline: i.pipeline,
		phases: i.phases,
		input: i.input,
		dedupe_key: i.dedupeKey,
		max_attempts: i.maxAttempts,
		correlation_id: i.correlationId,
		idempotency_key: i.idempotencyKey,
		batch_id: i.batchId ?? null,
		replay_of: i.replayOf ?? null,
		priority: i.priority ?? 0,
		concurrency_key: i.concurrencyKey ?? null
	}));
	const t = at(now);
	return database.rows<ItemRow>(sql`
		with src as (
			select * from jsonb_to_recordset(${JSON.stringify(records)}::jsonb) as s(position int, id uuid, user_id uuid, pipeline text,
				phases text[], input jsonb, dedupe_key text, max_attempts int, correlation_id text, idempotency_key text, batch_id uuid, replay_of uuid,
				priority smallint, concurrency_key text)
		), ins as (
			insert into queue_items (id, user_id, pipeline, input, dedupe_key, max_attempts, correlation_id, idempotency_key,
				batch_id, replay_of, priority, concurrency_key, next_run_at, created_at, updated_at)
			select id, user_id, pipeline, input, dedupe_key, max_attempts, correlation_id, idempotency_key, batch_id, replay_of,
				priority, concurrency_key, ${t}, ${t}, ${t}
			from src order by position
			on conflict do nothing
			returning *
		), phases as (
			insert into item_phases (item_id, name, position)
			select ins.id, p.name, p.position::int from ins join src using (id), unnest(src.phases) with ordinality as p(name, position)
		)
		select ${ITEM_COLUMNS}, pg_notify(${channels.jobs}, '') from ins`);
}
