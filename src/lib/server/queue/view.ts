import type { AttemptRow, ItemRow, ItemWithPhases, PhaseJson, PhaseRow } from './sql/read';

export type JobStatus = 'pending' | 'in_progress' | 'success' | 'error' | 'dead' | 'canceled';
export type PhaseStatus = 'pending' | 'in_progress' | 'completed' | 'error' | 'skipped';
export type ErrorKind = 'retryable' | 'permanent';
export type AttemptOutcome = 'running' | 'completed' | 'failed' | 'canceled' | 'released' | 'lost';

export interface JobError {
	kind: ErrorKind;
	code: string;
	message: string;
}

export interface PhaseView {
	name: string;
	status: PhaseStatus;
	progress: number;
	message: string | null;
	attempts: number;
	startedAt: string | null;
	completedAt: string | null;
	error: JobError | null;
}

/** An item as the engine tells it (times as ISO strings); what it works on stays opaque `input`. */
export interface JobView {
	id: string;
	userId: string;
	pipeline: string;
	input: unknown;
	dedupeKey: string | null;
	status: JobStatus;
	currentPhase: string | null;
	phases: PhaseView[];
	attempt: number;
	maxAttempts: number;
	nextRunAt: string | null;
	error: JobError | null;
	results: Record<string, unknown> | null;
	correlationId: string;
	/** The batch it was made in (a bulk import), or null. */
	batchId: string | null;
	createdAt: string;
	updatedAt: string;
	startedAt: string | null;
	finishedAt: string | null;
}

export interface AttemptView {
	id: number;
	phase: string;
	number: number;
	worker: string;
	startedAt: string;
	finishedAt: string | null;
	outcome: AttemptOutcome;
	errorKind: ErrorKind | null;
	message: string | null;
	durationMs: number | null;
}

export interface JobDetail extends JobView {
	attempts: AttemptView[];
}

const iso = (d: Date | string | null | undefined): string | null => (d ? new Date(d).toISOString() : null);

function errorOf(kind: string | null, code: string | null, message: string | null): JobError | null {
	return message ? { kind: (kind ?? 'retryable') as ErrorKind, code: code ?? 'unknown', message } : null;
}

export function toPhase(row: PhaseRow | PhaseJson): PhaseView {
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

/** The phases of an item just enqueued, before anything ran. */
export const freshPhases = (names: readonly string[]): PhaseView[] =>
	names.map((name) => ({ name, status: 'pending', progress: 0, message: null, attempts: 0, startedAt: null, completedAt: null, error: null }));

export function toJob(row: ItemRow, phases: readonly PhaseView[]): JobView {
	const status = row.status as JobStatus;
	return {
		id: row.id,
		userId: row.userId,
		pipeline: row.pipeline,
		input: row.input,
		dedupeKey: row.dedupeKey,
		status,
		currentPhase: row.currentPhase,
		phases: [...phases],
		attempt: row.attempt,
		maxAttempts: row.maxAttempts,
		nextRunAt: status === 'pending' ? iso(row.nextRunAt) : null,
		error: errorOf(row.errorKind, row.errorCode, row.error),
		results: (row.result as Record<string, unknown> | null) ?? null,
		correlationId: row.correlationId,
		batchId: row.batchId ?? null,
		createdAt: iso(row.createdAt)!,
		updatedAt: iso(row.updatedAt)!,
		startedAt: iso(row.startedAt),
		finishedAt: iso(row.finishedAt)
	};
}

/** An item read with its phases, as the engine tells it. */
export const viewOf = (row: ItemWithPhases): JobView => toJob(row, row.phases.map(toPhase));

export function toAttempt(row: AttemptRow): AttemptView {
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
