import { randomUUID } from 'node:crypto';
import type { Database } from '../db/client';
import { isUniqueViolation } from '../db/unique-violation';
import { Batcher } from '../db/batcher';
import { uuidv7 } from './ids';
import { systemClock, type Clock } from './clock';
import type { PipelineRegistry } from './pipeline';
import { cancelItems } from './sql/cancel';
import { insertItems, type NewItem } from './sql/enqueue';
import {
	activeDedupeKeys,
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
import { batchPace, findBatch, insertBatch, listBatches, reopenBatch, setBatchTotal, settleBatches, type BatchRow } from './sql/batches';
import { retryItems } from './sql/retry';
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
	/** Items with the same key run a limited number at once, across every worker (for recipes: the link's host). */
	concurrencyKey?: string | null;
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

/** One item of a batch: what enqueue takes, less what the batch says for all of them. */
export interface BatchItemInput {
	input: unknown;
	dedupeKey?: string | null;
	concurrencyKey?: string | null;
}

/** What a batch's items are claimed after: anything a person is waiting on (priority 0) goes first. */
export const BULK_PRIORITY = 10;
/** Items inserted per statement when a batch is made: each chunk is its own short transaction. */
const BATCH_CHUNK = 500;
/** How long item ends are gathered before their batches are checked. */
const BATCH_SETTLE_MS = 100;

/** Inserts under way at once; each holds a connection while the rest of the pool serves reads. */
const ENQUEUE_BATCH = { maxBatch: 500, maxInFlight: 3 };

/** What people (through the API) can do with the queue. Workers use the statements directly. */
export class QueueService {
	/** Concurrent enqueues join one INSERT (group commit): one statement, one NOTIFY. */
	private readonly inserts: Batcher<NewItem, ItemRow | null>;

	constructor(
		private readonly database: Database,
		private readonly registry: PipelineRegistry,
		private readonly options: {
			maxAttempts: number;
			clock?: Clock;
			/** A batch's last item ended (success, failure, cancel or delete): called once per batch, in one process. */
			onBatchFinished?: (batch: BatchRow) => void;
			/** Settling batches failed (the database went away): the start-up sweep finishes them later. */
			onSettleError?: (err: unknown) => void;
		}
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
				idempotencyKey: key,
				concurrencyKey: request.concurrencyKey ?? null
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
			changed = (await retryItems(this.database, { owner: { userId }, scope: { itemId }, now: this.now() })).length > 0;
		} catch (err) {
			if (!isUniqueViolation(err)) throw err;
			return this.refused(userId, itemId, 'duplicate_active');
		}
		if (!changed) return this.refused(userId, itemId);
		const result = await this.changed(userId, itemId);
		// An item of a finished batch runs again: the batch is under way until it ends.
		if (result.kind === 'ok' && result.job.batchId) await reopenBatch(this.database, result.job.batchId);
		return result;
	}

	async cancel(userId: string, itemId: string): Promise<ActionResult> {
		const changed = (await cancelItems(this.database, { userId, scope: { itemId }, now: this.now() })).length > 0;
		const result = changed ? await this.changed(userId, itemId) : await this.refused(userId, itemId);
		if (result.kind === 'ok' && result.job.batchId) this.batchItemEnded(result.job.batchId);
		return result;
	}

	async remove(userId: string, itemId: string): Promise<boolean> {
		const batchId = await removeItem(this.database, { userId, itemId });
		if (batchId) this.batchItemEnded(batchId);
		return batchId !== undefined;
	}

	private readonly endedBatches = new Set<string>();
	/** A settle run is waiting for its moment: ended batches join it. */
	private settleScheduled = false;
	/** Settle runs not yet done (one waiting, and one in its statement at most). */
	private readonly settleRuns = new Set<Promise<void>>();

	/**
	 * An item of this batch ended: the batch may be finished. Items ending together (a batch's
	 * last hundred, a cancel) are settled in one statement a moment later, not one each.
	 */
	batchItemEnded(batchId: string): void {
		this.endedBatches.add(batchId);
		if (this.settleScheduled) return;
		this.settleScheduled = true;
		const run = new Promise<void>((resolve) => setTimeout(resolve, BATCH_SETTLE_MS).unref())
			.then(async () => {
				// From here, an item ending joins the next run: this one has taken its batches.
				this.settleScheduled = false;
				const ids = [...this.endedBatches];
				this.endedBatches.clear();
				await this.finishBatches(ids);
			})
			.catch((err: unknown) => this.options.onSettleError?.(err))
			.finally(() => this.settleRuns.delete(run));
		this.settleRuns.add(run);
	}

	/** Waits for batches being settled: at shutdown, once the worker stopped and before the database closes. */
	async idle(): Promise<void> {
		while (this.settleRuns.size) await Promise.all(this.settleRuns);
	}

	/** Finishes the batches (these, or any unfinished) that have nothing left to run; for a start-up sweep too. */
	async finishBatches(batchIds?: readonly string[]): Promise<void> {
		for (const batch of await settleBatches(this.database, { batchIds, now: this.now() })) this.options.onBatchFinished?.(batch);
	}

	/**
	 * Makes a batch and its items, in chunks of BATCH_CHUNK (each chunk one statement), so a batch
	 * of 10,000 is in within seconds and no transaction holds locks for long. Items whose dedupe key
	 * is already active for this user are left out (`alreadyActive`). The items run at
	 * BULK_PRIORITY: after whatever a person is waiting on, and fairly shared with other owners.
	 */
	async createBatch(args: {
		userId: string;
		pipeline: string;
		label: string;
		summary: unknown;
		items: readonly BatchItemInput[];
	}): Promise<{ batch: BatchRow; created: number; alreadyActive: number }> {
		const pipeline = this.registry.get(args.pipeline);
		if (!pipeline) throw new Error(`pipeline "${args.pipeline}" is not registered`);
		const phases = pipeline.phases.map((p) => p.name);
		const batchId = uuidv7();
		await insertBatch(this.database, { id: batchId, userId: args.userId, pipeline: pipeline.name, label: args.label, summary: args.summary, now: this.now() });
		let created = 0;
		for (let start = 0; start < args.items.length; start += BATCH_CHUNK) {
			const chunk = args.items.slice(start, start + BATCH_CHUNK).map(
				(item): NewItem => ({
					id: uuidv7(),
					userId: args.userId,
					pipeline: pipeline.name,
					phases,
					input: pipeline.input.parse(item.input),
					dedupeKey: item.dedupeKey ?? null,
					maxAttempts: this.options.maxAttempts,
					correlationId: randomUUID(),
					idempotencyKey: null,
					batchId,
					priority: BULK_PRIORITY,
					concurrencyKey: item.concurrencyKey ?? null
				})
			);
			created += (await insertItems(this.database, chunk, this.now())).length;
		}
		await setBatchTotal(this.database, batchId, created);
		// A batch whose every link was left out has nothing to wait for.
		if (created === 0) await this.finishBatches([batchId]);
		const batch = await findBatch(this.database, { userId: args.userId, batchId });
		return { batch: batch!, created, alreadyActive: args.items.length - created };
	}

	batch(userId: string, batchId: string): Promise<BatchRow | null> {
		return findBatch(this.database, { userId, batchId });
	}

	batches(userId: string, limit: number): Promise<BatchRow[]> {
		return listBatches(this.database, { userId, limit });
	}

	/** Which of these dedupe keys the user has waiting or running already. */
	activeKeys(userId: string, dedupeKeys: readonly string[]): Promise<Set<string>> {
		return activeDedupeKeys(this.database, { userId, dedupeKeys });
	}

	/** What is left of a batch per concurrency key, and how many finished in the last `windowMs`. */
	batchPace(batchId: string, windowMs: number) {
		return batchPace(this.database, { batchId, since: new Date(this.now().getTime() - windowMs) });
	}

	/** Retry all failed: the batch's failed, dead and canceled items run again. Null: no such batch. */
	async retryBatch(userId: string, batchId: string): Promise<{ batch: BatchRow; retried: number } | null> {
		if (!(await findBatch(this.database, { userId, batchId }))) return null;
		const retried = await retryItems(this.database, { owner: { userId }, scope: { batchId }, now: this.now() });
		if (retried.length) await reopenBatch(this.database, batchId);
		else this.batchItemEnded(batchId);
		return { batch: (await findBatch(this.database, { userId, batchId }))!, retried: retried.length };
	}

	/**
	 * The admin's retry across users: these items, or every one that failed or died. Items whose
	 * link is active again in another item are left as they are. Returns the ids retried.
	 */
	async retryAnyone(scope: { itemIds: readonly string[] } | { allFailed: true }): Promise<string[]> {
		const retried = await retryItems(this.database, { owner: { anyone: true }, scope, now: this.now() });
		for (const batchId of new Set(retried.flatMap((r) => (r.batchId ? [r.batchId] : [])))) await reopenBatch(this.database, batchId);
		return retried.map((r) => r.id);
	}

	/** Cancel the rest: the batch's waiting and running items stop; what finished stays. Null: no such batch. */
	async cancelBatch(userId: string, batchId: string): Promise<{ batch: BatchRow; canceled: number } | null> {
		if (!(await findBatch(this.database, { userId, batchId }))) return null;
		const canceled = await cancelItems(this.database, { userId, scope: { batchId }, now: this.now() });
		await this.finishBatches([batchId]);
		return { batch: (await findBatch(this.database, { userId, batchId }))!, canceled: canceled.length };
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
