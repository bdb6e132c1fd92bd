import { eq } from 'drizzle-orm';
import type { NotificationPreferences } from '../../contract/push';
import type { Database } from '../db/client';
import { users } from '../db/schema';

/** Which notifications this person wants (both on by default). */
export async function getPreferences(database: Database, userId: string): Promise<NotificationPreferences> {
	const [row] = await database.db.select({ success: users.notifySuccess, failure: users.notifyFailure }).from(users).where(eq(users.id, userId));
	return row ?? { success: true, failure: true };
}

export async function setPreferences(database: Database, userId: string, prefs: NotificationPreferences): Promise<void> {
	await database.db.update(users).set({ notifySuccess: prefs.success, notifyFailure: prefs.failure }).where(eq(users.id, userId));
}
