import { randomUUID } from 'node:crypto';
import type { Database } from '../db/client';
import { isUniqueViolation } from '../db/unique-violation';
import { Batcher } from '../db/batcher';
import { uuidv7 } from './ids';
import { systemClock, type Clock } from './clock';
import type { PipelineRegistry } from './pipeline';
import { cancelItem } from './sql/cancel';
import { insertItems, type NewItem } from './sql/enqueue';
import {
	attemptsOf,
	findActiveByKey,
	findActiveByKeys,
	findByIdempotencyKey,
	findItem,
	findItems,
	findPhaseOutput,
	listItems,
	type ItemRow,
	type PageEnd
} from './sql/read';
import { removeItem } from './sql/remove';
import { retryItem } from './sql/retry';
import { freshPhases, toAttempt, toJob, viewOf, type JobDetail, type JobStatus, type JobView } from './view';

export interface EnqueueInput {
	userId: string;
	pipeline: string;
	/** Checked against the pipeline's input schema. */
	input: unknown;
	/** One active item per user and key; null or absent: no dedupe. */
	dedupeKey?: string | null;
	idempotencyKey?: string | null;
	correlationId?: string;
}

export type EnqueueResult =
	| { kind: 'created'; job: JobView }
	/** An item with the same dedupe key is already pending or running for this user. */
	| { kind: 'duplicate'; job: JobView }
	/** A repeated request with the same Idempotency-Key. */
	| { kind: 'replayed'; job: JobView }
	/** The Idempotency-Key was used before with a different dedupe key. */
	| { kind: 'key_reused'; job: JobView };

export type ActionResult = { kind: 'ok'; job: JobDetail } | { kind: 'not_found' } | { kind: 'conflict'; status: JobStatus; reason?: 'duplicate_active' };

/** Inserts under way at once; each holds a connection while the rest of the pool serves reads. */
const ENQUEUE_BATCH = { maxBatch: 500, maxInFlight: 3 };

/** What people (through the API) can do with the queue. Workers use the statements directly. */
export class QueueService {
	/** Concurrent enqueues join one INSERT (group commit): one statement, one NOTIFY. */
	private readonly inserts: Batcher<NewItem, ItemRow | null>;

	constructor(
		private readonly database: Database,
		private readonly registry: PipelineRegistry,
		private readonly options: { maxAttempts: number; clock?: Clock }
	) {
		this.inserts = new Batcher({
			...ENQUEUE_BATCH,
			flush: async (items) => {
				const rows = new Map((await insertItems(database, items, this.now())).map((r) => [r.id, r]));
				return items.map((i) => rows.get(i.id) ?? null);
			}
		});
	}

	private now(): Date {
		return (this.options.clock ?? systemClock).now();
	}

	async enqueue(request: EnqueueInput): Promise<EnqueueResult> {
		const pipeline = this.registry.get(request.pipeline);
		if (!pipeline) throw new Error(`pipeline "${request.pipeline}" is not registered`);
		const input = pipeline.input.parse(request.input);
		const key = request.idempotencyKey ?? null;
		const dedupeKey = request.dedupeKey ?? null;
		const phases = pipeline.phases.map((p) => p.name);
		// A conflict can race with the other item finishing; a second pass then inserts.
		for (let pass = 0; pass < 3; pass++) {
			const row = await this.inserts.add({
				id: uuidv7(),
				userId: request.userId,
				pipeline: pipeline.name,
				phases,
				input,
				dedupeKey,
				maxAttempts: this.options.maxAttempts,
				correlationId: request.correlationId ?? randomUUID(),
				idempotencyKey: key
			});
			if (row) return { kind: 'created', job: toJob(row, freshPhases(phases)) };
			const replayed = key ? await this.replay(request.userId, key, dedupeKey) : null;
			if (replayed) return replayed;
			const active = dedupeKey ? await findActiveByKey(this.database, { userId: request.userId, dedupeKey }) : undefined;
			if (active) return { kind: 'duplicate', job: viewOf(active) };
		}
		throw new Error('enqueue: could not insert or find a conflicting item');
	}

	/**
	 * The answer to a request that repeats an Idempotency-Key: the item it made first, or a refusal
	 * when the key came with another dedupe key; null when the key is new.
	 */
	async replay(userId: string, idempotencyKey: string, dedupeKey: string | null): Promise<EnqueueResult | null> {
		const previous = await findByIdempotencyKey(this.database, { userId, key: idempotencyKey });
		if (!previous) return null;
		const job = viewOf(previous);
		return previous.dedupeKey === dedupeKey ? { kind: 'replayed', job } : { kind: 'key_reused', job };
	}

	/** The user's pending or running item under any of these dedupe keys, or null. */
	async activeByKeys(userId: string, dedupeKeys: readonly string[]): Promise<JobView | null> {
		const row = await findActiveByKeys(this.database, { userId, dedupeKeys });
		return row ? viewOf(row) : null;
	}

	/**
	 * A page of the user's items, newest first. Pass the previous page's `nextCursor` for the next
	 * one (keyset paging); `offset` is still understood. Null when the cursor is not one of ours.
	 */
	async list(q: { userId: string; statuses?: readonly JobStatus[]; batchId?: string; limit: number; offset?: number; cursor?: string }) {
		const after = q.cursor ? decodeCursor(q.cursor) : undefined;
		if (after === null) return null;
		const { rows, total, next } = await listItems(this.database, { ...q, after });
		const jobs = rows.map(viewOf);
		return { jobs, total, hasMore: next !== null, nextCursor: next ? encodeCursor(next) : null };
	}

	/** The item without its attempt rows (what lists and live updates show). */
	async job(userId: string, itemId: string): Promise<JobView | null> {
		const row = await findItem(this.database, { userId, itemId });
		return row ? viewOf(row) : null;
	}

	/** Several items in one read, whatever their number (live updates read a user's changes so). */
	async jobs(userId: string, itemIds: readonly string[]): Promise<Map<string, JobView>> {
		const rows = await findItems(this.database, { userId, itemIds });
		return new Map(rows.map((r) => [r.id, viewOf(r)]));
	}

	async get(userId: string, itemId: string): Promise<JobDetail | null> {
		const row = await findItem(this.database, { userId, itemId });
		if (!row) return null;
		const attempts = await attemptsOf(this.database, row.id);
		return { ...viewOf(row), attempts: attempts.map(toAttempt) };
	}

	/** What a completed phase of the user's item produced (the item page shows it before the item is done). */
	phaseOutput(userId: string, itemId: string, phase: string): Promise<unknown> {
		return findPhaseOutput(this.database, { userId, itemId, phase });
	}

	async retry(userId: string, itemId: string): Promise<ActionResult> {
		let changed: boolean;
		try {
			changed = await retryItem(this.database, { userId, itemId, now: this.now() });
		} catch (err) {
			if (!isUniqueViolation(err)) throw err;
			return this.refused(userId, itemId, 'duplicate_active');
		}
		return changed ? this.changed(userId, itemId) : this.refused(userId, itemId);
	}

	async cancel(userId: string, itemId: string): Promise<ActionResult> {
		const changed = await cancelItem(this.database, { userId, itemId, now: this.now() });
		return changed ? this.changed(userId, itemId) : this.refused(userId, itemId);
	}

	async remove(userId: string, itemId: string): Promise<boolean> {
		return removeItem(this.database, { userId, itemId });
	}

	private async changed(userId: string, itemId: string): Promise<ActionResult> {
		const job = await this.get(userId, itemId);
		return job ? { kind: 'ok', job } : { kind: 'not_found' };
	}

	/** The statement changed nothing: the item is not this user's, or its state forbids the action. */
	private async refused(userId: string, itemId: string, reason?: 'duplicate_active'): Promise<ActionResult> {
		const row = await findItem(this.database, { userId, itemId });
		return row ? { kind: 'conflict', status: row.status as JobStatus, ...(reason ? { reason } : {}) } : { kind: 'not_found' };
	}

}

/** A page end as an opaque token for clients. */
const encodeCursor = (end: PageEnd): string => Buffer.from(JSON.stringify([end.createdAt, end.id])).toString('base64url');

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PG_TIMESTAMP = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?[+-]\d{2}(:\d{2})?$/;

function decodeCursor(cursor: string): PageEnd | null {
	try {
		const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
		if (!Array.isArray(value) || value.length !== 2) return null;
		const [createdAt, id] = value as unknown[];
		return typeof createdAt === 'string' && PG_TIMESTAMP.test(createdAt) && typeof id === 'string' && UUID.test(id) ? { createdAt, id } : null;
	} catch {
		return null;
	}
}
