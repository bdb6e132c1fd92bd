import { eq } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Database } from '../db/client';
import { appConfig } from '../db/schema';
import type { TokenCipher } from './token-cipher';

const KEY = 'token-key-fingerprint';

/**
 * Processes sharing one database must share the token key, or each opens only the tokens it sealed
 * itself. The first process records its key's fingerprint, and a process with another key says so
 * at start. It still starts: a deliberately changed SECRET_KEY is legitimate (people then enter
 * their tokens again), so an explicitly set key becomes the recorded one; a generated key file
 * that differs is the mistake of a second machine without SECRET_KEY.
 */
export async function checkTokenKey(database: Database, cipher: TokenCipher, explicit: boolean, log: Logger): Promise<void> {
	await database.db.insert(appConfig).values({ key: KEY, value: cipher.fingerprint }).onConflictDoNothing();
	const [row] = await database.db.select().from(appConfig).where(eq(appConfig.key, KEY));
	if (row?.value === cipher.fingerprint) return;
	if (explicit) {
		await database.db.update(appConfig).set({ value: cipher.fingerprint }).where(eq(appConfig.key, KEY));
		log.warn('SECRET_KEY changed: Tandoor/Mealie tokens saved before cannot be read, and people will be asked to enter them again');
		return;
	}
	log.warn(
		'this process encrypts Tandoor/Mealie tokens with a key file of its own (DATA_DIR/secret.key), not the key the other processes on this database use: set the same SECRET_KEY for every process'
	);
}
