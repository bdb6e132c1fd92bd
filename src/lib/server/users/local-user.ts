import { eq } from 'drizzle-orm';
import type { Database } from '../db/client';
import { users } from '../db/schema';

const LOCAL_USERNAME = 'owner';

/**
 * Until accounts exist every request acts as this one user, so that items already belong to
 * a user id and the tables need no reshaping when sign-in arrives.
 */
export async function ensureLocalUser(database: Database): Promise<string> {
	await database.db.insert(users).values({ username: LOCAL_USERNAME }).onConflictDoNothing();
	const [row] = await database.db.select({ id: users.id }).from(users).where(eq(users.username, LOCAL_USERNAME));
	if (!row) throw new Error('local user missing');
	return row.id;
}
