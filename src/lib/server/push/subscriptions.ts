import { and, eq, sql } from 'drizzle-orm';
import type { Database } from '../db/client';
import { pushSubscriptions } from '../db/schema';
import type { PushDevice } from '../../contract/push';

export type PushSubscriptionRow = typeof pushSubscriptions.$inferSelect;

/**
 * Saves a device's subscription for this user. The endpoint identifies the device: subscribing
 * again (new keys, or another person signing in on it) updates the row instead of adding one.
 */
export async function saveSubscription(
	database: Database,
	sub: { userId: string; endpoint: string; p256dh: string; auth: string; device: string }
): Promise<PushSubscriptionRow> {
	const [row] = await database.db
		.insert(pushSubscriptions)
		.values(sub)
		.onConflictDoUpdate({
			target: pushSubscriptions.endpoint,
			set: { userId: sub.userId, p256dh: sub.p256dh, auth: sub.auth, device: sub.device, createdAt: sql`now()` }
		})
		.returning();
	return row!;
}

export async function removeSubscription(database: Database, userId: string, endpoint: string): Promise<boolean> {
	const gone = await database.db
		.delete(pushSubscriptions)
		.where(and(eq(pushSubscriptions.userId, userId), eq(pushSubscriptions.endpoint, endpoint)))
		.returning({ id: pushSubscriptions.id });
	return gone.length > 0;
}

export async function removeSubscriptionById(database: Database, userId: string, id: string): Promise<boolean> {
	const gone = await database.db
		.delete(pushSubscriptions)
		.where(and(eq(pushSubscriptions.userId, userId), eq(pushSubscriptions.id, id)))
		.returning({ id: pushSubscriptions.id });
	return gone.length > 0;
}

export function subscriptionsOf(database: Database, userId: string): Promise<PushSubscriptionRow[]> {
	return database.db.select().from(pushSubscriptions).where(eq(pushSubscriptions.userId, userId)).orderBy(pushSubscriptions.createdAt);
}

/** The push service said this subscription is gone (404/410): forget it. */
export async function dropSubscription(database: Database, id: string): Promise<void> {
	await database.db.delete(pushSubscriptions).where(eq(pushSubscriptions.id, id));
}

export async function markDelivered(database: Database, id: string, at: Date): Promise<void> {
	await database.db.update(pushSubscriptions).set({ lastSuccessAt: at }).where(eq(pushSubscriptions.id, id));
}

/** A device as people see it (never its keys). */
export function toPushDevice(row: PushSubscriptionRow): PushDevice {
	return { id: row.id, device: row.device, createdAt: row.createdAt.toISOString(), lastSuccessAt: row.lastSuccessAt?.toISOString() ?? null };
}
