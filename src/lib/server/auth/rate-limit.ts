import { eq, sql } from 'drizzle-orm';
import type { Database } from '../db/client';
import { rateLimits } from '../db/schema';

export interface RateLimit {
	limit: number;
	windowMs: number;
}

export interface RateLimitState {
	count: number;
	/** Milliseconds until the window ends; meaningful when the limit is reached. */
	retryAfterMs: number;
	exceeded: boolean;
}

/**
 * Counts one event for `key` in a fixed window, in one statement (atomic across processes).
 * A window that has ended starts over at 1.
 */
export async function hit(database: Database, key: string, rule: RateLimit, now = new Date()): Promise<RateLimitState> {
	const nowSql = sql`${now.toISOString()}::timestamptz`;
	const expired = sql`${rateLimits.windowStartedAt} <= ${nowSql} - ${rule.windowMs} * interval '1 millisecond'`;
	const [row] = await database.db
		.insert(rateLimits)
		.values({ key, count: 1, windowStartedAt: now })
		.onConflictDoUpdate({
			target: rateLimits.key,
			set: {
				count: sql`case when ${expired} then 1 else ${rateLimits.count} + 1 end`,
				windowStartedAt: sql`case when ${expired} then ${nowSql} else ${rateLimits.windowStartedAt} end`
			}
		})
		.returning({ count: rateLimits.count, windowStartedAt: rateLimits.windowStartedAt });
	return stateOf(row!, rule, now);
}

/** The current count without adding to it. */
export async function peek(database: Database, key: string, rule: RateLimit, now = new Date()): Promise<RateLimitState> {
	const [row] = await database.db.select().from(rateLimits).where(eq(rateLimits.key, key));
	if (!row || row.windowStartedAt.getTime() <= now.getTime() - rule.windowMs) return { count: 0, retryAfterMs: 0, exceeded: false };
	return stateOf(row, rule, now);
}

export async function reset(database: Database, key: string): Promise<void> {
	await database.db.delete(rateLimits).where(eq(rateLimits.key, key));
}

function stateOf(row: { count: number; windowStartedAt: Date }, rule: RateLimit, now: Date): RateLimitState {
	return {
		count: row.count,
		retryAfterMs: Math.max(0, row.windowStartedAt.getTime() + rule.windowMs - now.getTime()),
		exceeded: row.count > rule.limit
	};
}
