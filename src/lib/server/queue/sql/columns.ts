import { sql } from 'drizzle-orm';

/** queue_items' columns under the names drizzle gives them (ItemRow), for raw statements. */
export const ITEM_COLUMNS = sql.raw(
	[
		'id',
		'user_id as "userId"',
		'pipeline',
		'status',
		'current_phase as "currentPhase"',
		'input',
		'dedupe_key as "dedupeKey"',
		'attempt',
		'max_attempts as "maxAttempts"',
		'next_run_at as "nextRunAt"',
		'lease_owner as "leaseOwner"',
		'lease_token as "leaseToken"',
		'lease_expires_at as "leaseExpiresAt"',
		'correlation_id as "correlationId"',
		'idempotency_key as "idempotencyKey"',
		'error',
		'error_kind as "errorKind"',
		'error_code as "errorCode"',
		'result',
		'batch_id as "batchId"',
		'replay_of as "replayOf"',
		'created_at as "createdAt"',
		'updated_at as "updatedAt"',
		'started_at as "startedAt"',
		'finished_at as "finishedAt"'
	].join(', ')
);
