import { eq } from 'drizzle-orm';
import type { Database } from '../db/client';
import { sessions } from '../db/schema';
import { findCredential } from './credential-lookup';
import { hashSecret, issueCredential, parseCredential, secretMatches } from './secrets';

const DAY = 24 * 60 * 60 * 1000;
export const SESSION_LIFETIME_MS = 30 * DAY;

export interface SessionUser {
	id: string;
	username: string;
	isAdmin: boolean;
}

export interface ValidatedSession {
	session: { id: string; expiresAt: Date };
	user: SessionUser;
	/** True when the expiry moved: the cookie must be sent again. */
	renewed: boolean;
}

export async function createSession(
	database: Database,
	userId: string,
	opts: { userAgent?: string | null; now?: Date } = {}
): Promise<{ token: string; expiresAt: Date }> {
	const now = opts.now ?? new Date();
	const { id, secret, token } = issueCredential();
	const expiresAt = new Date(now.getTime() + SESSION_LIFETIME_MS);
	await database.db.insert(sessions).values({
		id,
		secretHash: hashSecret(secret),
		userId,
		createdAt: now,
		expiresAt,
		userAgent: opts.userAgent?.slice(0, 300) ?? null
	});
	return { token, expiresAt };
}

/**
 * The session behind a cookie, or null. Sliding expiry: once half of the 30 days is used the
 * session is extended to 30 days from now, so an active person stays signed in.
 */
export async function validateSessionToken(database: Database, token: string, now = new Date()): Promise<ValidatedSession | null> {
	const parsed = parseCredential(token);
	if (!parsed) return null;
	const row = await findCredential(database, 'session', parsed.id);
	if (!row?.expiresAt || !secretMatches(parsed.secret, row.secretHash)) return null;
	if (now.getTime() >= row.expiresAt.getTime()) {
		await invalidateSession(database, row.id);
		return null;
	}
	let expiresAt = row.expiresAt;
	let renewed = false;
	if (row.expiresAt.getTime() - now.getTime() < SESSION_LIFETIME_MS / 2) {
		expiresAt = new Date(now.getTime() + SESSION_LIFETIME_MS);
		await database.db.update(sessions).set({ expiresAt }).where(eq(sessions.id, row.id));
		renewed = true;
	}
	return { session: { id: row.id, expiresAt }, user: { id: row.userId, username: row.username, isAdmin: row.isAdmin }, renewed };
}

export async function invalidateSession(database: Database, sessionId: string): Promise<void> {
	await database.db.delete(sessions).where(eq(sessions.id, sessionId));
}

/** "Log out everywhere". */
export async function invalidateUserSessions(database: Database, userId: string): Promise<number> {
	const gone = await database.db.delete(sessions).where(eq(sessions.userId, userId)).returning({ id: sessions.id });
	return gone.length;
}
