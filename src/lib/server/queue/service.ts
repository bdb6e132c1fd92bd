import { randomUUID } from 'node:crypto';
import type { Attempt, Item, ItemDetail, ItemStatus, Phase, ErrorKind, AttemptOutcome, PhaseStatus } from '../../contract/queue';
import type { Database } from '../db/client';
import { systemClock, type Clock } from './clock';
import type { PipelineRegistry } from './pipeline';
import { cancelItem } from './sql/cancel';
import { insertItem } from './sql/enqueue';
import {
	attemptsOf,
	findActiveByUrl,
	findByIdempotencyKey,
	findItem,
	findPhaseOutput,
	listItems,
	phasesOf,
	type AttemptRow,
	type ItemRow,
	type PhaseRow
} from './sql/read';
import { removeItem } from './sql/remove';
import { retryItem } from './sql/retry';
import { isUniqueViolation } from '../db/unique-violation';

export interface EnqueueInput {
	userId: string;
	pipeline: string;
	url: string;
	normalizedUrl: string;
	title?: string | null;
	input: unknown;
	idempotencyKey?: string | null;
	correlationId?: string;
}

export type EnqueueResult =
	| { kind: 'created'; item: Item }
	/** The same URL is already pending or running for this user. */
	| { kind: 'duplicate'; item: Item }
	/** A repeated request with the same Idempotency-Key. */
	| { kind: 'replayed'; item: Item }
	/** The Idempotency-Key was used before for a different URL. */
	| { kind: 'key_reused'; item: Item };

export type ActionResult = { kind: 'ok'; item: Item } | { kind: 'not_found' } | { kind: 'conflict'; status: ItemStatus; reason?: 'duplicate_active' };

/** What people (through the API) can do with the queue. Workers use the statements directly. */
export class QueueService {
	constructor(
		private readonly database: Database,
		private readonly registry: PipelineRegistry,
		private readonly options: { maxAttempts: number; clock?: Clock }
	) {}

	private now(): Date {
		return (this.options.clock ?? systemClock).now();
	}

	async enqueue(input: EnqueueInput): Promise<EnqueueResult> {
		const pipeline = this.registry.get(input.pipeline);
		if (!pipeline) throw new Error(`pipeline "${input.pipeline}" is not registered`);
		const key = input.idempotencyKey ?? null;
		// A conflict can race with the other item finishing; a second pass then inserts.
		for (let pass = 0; pass < 3; pass++) {
			if (key) {
				const previous = await findByIdempotencyKey(this.database, { userId: input.userId, key });
				if (previous) {
					const item = await this.toItem(previous);
					return previous.normalizedUrl === input.normalizedUrl ? { kind: 'replayed', item } : { kind: 'key_reused', item };
				}
			}
			const id = await insertItem(
				this.database,
				{
					userId: input.userId,
					pipeline: pipeline.name,
					phases: pipeline.phases.map((p) => p.name),
					url: input.url,
					normalizedUrl: input.normalizedUrl,
					title: input.title ?? null,
					input: input.input,
					maxAttempts: this.options.maxAttempts,
					correlationId: input.correlationId ?? randomUUID(),
					idempotencyKey: key
				},
				this.now()
			);
			if (id) {
				const item = await this.item(input.userId, id);
				if (!item) throw new Error(`item ${id} vanished`);
				return { kind: 'created', item };
			}
			const active = await findActiveByUrl(this.database, { userId: input.userId, normalizedUrl: input.normalizedUrl });
			if (active) return { kind: 'duplicate', item: await this.toItem(active) };
		}
		throw new Error('enqueue: could not insert or find a conflicting item');
	}

	async list(q: { userId: string; statuses?: readonly ItemStatus[]; batchId?: string; limit: number; offset: number }) {
		const { rows, total } = await listItems(this.database, q);
		const phases = await phasesOf(this.database, rows.map((r) => r.id));
		const items = rows.map((r) => toItem(r, phases.get(r.id) ?? []));
		return { items, total, hasMore: q.offset + items.length < total };
	}

	/** The item without its attempt rows (what lists and live updates show). */
	async item(userId: string, itemId: string): Promise<Item | null> {
		const row = await findItem(this.database, { userId, itemId });
		return row ? this.toItem(row) : null;
	}

	async get(userId: string, itemId: string): Promise<ItemDetail | null> {
		const row = await findItem(this.database, { userId, itemId });
		if (!row) return null;
		const [phases, attempts] = await Promise.all([phasesOf(this.database, [row.id]), attemptsOf(this.database, row.id)]);
		return { ...toItem(row, phases.get(row.id) ?? []), attempts: attempts.map(toAttempt) };
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
		const item = await this.get(userId, itemId);
		return item ? { kind: 'ok', item } : { kind: 'not_found' };
	}

	/** The statement changed nothing: the item is not this user's, or its state forbids the action. */
	private async refused(userId: string, itemId: string, reason?: 'duplicate_active'): Promise<ActionResult> {
		const row = await findItem(this.database, { userId, itemId });
		return row ? { kind: 'conflict', status: row.status as ItemStatus, ...(reason ? { reason } : {}) } : { kind: 'not_found' };
	}

	private async toItem(row: ItemRow): Promise<Item> {
		const phases = await phasesOf(this.database, [row.id]);
		return toItem(row, phases.get(row.id) ?? []);
	}

}

const iso = (d: Date | null | undefined): string | null => (d ? new Date(d).toISOString() : null);

function errorOf(kind: string | null, code: string | null, message: string | null) {
	return message ? { kind: (kind ?? 'retryable') as ErrorKind, code: code ?? 'unknown', message } : null;
}

export function toPhase(row: PhaseRow): Phase {
	return {
		name: row.name,
		status: row.status as PhaseStatus,
		progress: row.progress,
		message: row.message,
		attempts: row.attempts,
		startedAt: iso(row.startedAt),
		completedAt: iso(row.completedAt),
		error: errorOf(row.errorKind, row.errorCode, row.error)
	};
}

export function toItem(row: ItemRow, phases: readonly PhaseRow[]): Item {
	const status = row.status as ItemStatus;
	return {
		id: row.id,
		url: row.url,
		title: row.title,
		status,
		currentPhase: row.currentPhase,
		phases: phases.map(toPhase),
		attempt: row.attempt,
		maxAttempts: row.maxAttempts,
		nextRunAt: status === 'pending' ? iso(row.nextRunAt) : null,
		error: errorOf(row.errorKind, row.errorCode, row.error),
		results: (row.result as Record<string, unknown> | null) ?? null,
		correlationId: row.correlationId,
		createdAt: iso(row.createdAt)!,
		updatedAt: iso(row.updatedAt)!,
		startedAt: iso(row.startedAt),
		finishedAt: iso(row.finishedAt)
	};
}

function toAttempt(row: AttemptRow): Attempt {
	return {
		id: Number(row.id),
		phase: row.phase,
		number: row.number,
		worker: row.worker,
		startedAt: iso(row.startedAt)!,
		finishedAt: iso(row.finishedAt),
		outcome: row.outcome as AttemptOutcome,
		errorKind: (row.errorKind as ErrorKind | null) ?? null,
		message: row.message,
		durationMs: row.durationMs
	};
}
