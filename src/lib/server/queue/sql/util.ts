import { sql, type SQL } from 'drizzle-orm';
import type { Database } from '../../db/client';

/** A point in time as a SQL value. Times come from the engine's clock, never from now(). */
export const at = (d: Date): SQL => sql`${d.toISOString()}::timestamptz`;

/** `at(d) + ms` as a SQL value. */
export const after = (d: Date, ms: number): SQL => at(new Date(d.getTime() + ms));

export { textArray, uuidArray } from '../../db/sql-values';

/**
 * The fence on every worker write: this item, still running under this claim's lease, and the
 * lease not yet run out (an expired lease is another worker's to reclaim, even before it does).
 */
export const leaseHeld = (itemId: string, token: string, now: Date): SQL =>
	sql`id = ${itemId} and lease_token = ${token} and status = 'in_progress' and lease_expires_at > ${at(now)}`;

/**
 * Locks the items `lock` selects, then runs `update(ids)` in a later statement of the same
 * transaction. A statement sees only what committed before it began: done in one, it could miss
 * the attempt a worker opened while the statement waited for the item's lock, and leave that
 * attempt 'running' for ever. Once the lock is held, nothing about these items changes under us.
 */
export function lockThen<T>(database: Database, lock: SQL, update: (ids: string[]) => SQL): Promise<T[]> {
	return database.transaction(async (rows) => {
		const ids = (await rows<{ id: string }>(lock)).map((r) => r.id);
		return ids.length ? rows<T>(update(ids)) : [];
	});
}

/** Milliseconds from an attempt's start to `now`, for `item_attempts.duration_ms`. */
export const elapsedMs = (now: SQL, startedAt: SQL = sql`a.started_at`): SQL =>
	sql`greatest(0, (extract(epoch from (${now} - ${startedAt})) * 1000)::int)`;

/**
 * The new `updated_at` of a visible change: `now`, but always past the previous value, so an
 * item's updatedAt grows with every change in commit order (its row lock orders them), whatever
 * the writers' clocks say. Live streams keep the newest state of an item by it.
 */
export const touched = (now: Date, column = 'updated_at'): SQL => sql`greatest(${at(now)}, ${sql.raw(column)} + interval '1 millisecond')`;

/** Which items an action is for: one item, or every item of a batch. */
export type ItemScope = { itemId: string } | { batchId: string };

export const scopeOf = (scope: ItemScope): SQL => ('itemId' in scope ? sql`id = ${scope.itemId}` : sql`batch_id = ${scope.batchId}`);

/** Whose items an action may touch: a person's own, or anyone's (an admin's action across users). */
export type Owner = { userId: string } | { anyone: true };

/** The owner as a condition on `<table>.user_id`. */
export const ownedBy = (owner: Owner, table: string): SQL => ('userId' in owner ? sql`${sql.raw(table)}.user_id = ${owner.userId}` : sql`true`);
