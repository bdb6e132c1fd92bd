import { and, desc, eq, isNull, lt, or } from 'drizzle-orm';
import type { ApiTokenInfo } from '../../contract/auth';
import type { Database } from '../db/client';
import { apiTokens } from '../db/schema';
import { hashSecret, issueCredential, parseCredential, secretMatches } from './secrets';
import { findCredential } from './credential-lookup';
import type { SessionUser } from './sessions';

/** Tokens read `cm_<id>.<secret>`; the prefix lets people and secret scanners recognise them. */
export const API_TOKEN_PREFIX = 'cm_';

// last_used_at is written at most once a minute per token, not on every request.
const LAST_USED_RESOLUTION_MS = 60_000;

function info(row: typeof apiTokens.$inferSelect): ApiTokenInfo {
	return { id: row.id, name: row.name, createdAt: row.createdAt.toISOString(), lastUsedAt: row.lastUsedAt?.toISOString() ?? null };
}

export async function createApiToken(database: Database, userId: string, name: string): Promise<ApiTokenInfo & { token: string }> {
	const { id, secret, token } = issueCredential(API_TOKEN_PREFIX);
	const [row] = await database.db.insert(apiTokens).values({ id, secretHash: hashSecret(secret), userId, name }).returning();
	return { ...info(row!), token };
}

export async function listApiTokens(database: Database, userId: string): Promise<ApiTokenInfo[]> {
	const rows = await database.db.select().from(apiTokens).where(eq(apiTokens.userId, userId)).orderBy(desc(apiTokens.createdAt));
	return rows.map(info);
}

/** Revokes one of this user's tokens; false when there is no such token (or it is another user's). */
export async function revokeApiToken(database: Database, userId: string, tokenId: string): Promise<boolean> {
	const gone = await database.db
		.delete(apiTokens)
		.where(and(eq(apiTokens.id, tokenId), eq(apiTokens.userId, userId)))
		.returning({ id: apiTokens.id });
	return gone.length > 0;
}

export async function validateApiToken(database: Database, token: string, now = new Date()): Promise<SessionUser | null> {
	const parsed = parseCredential(token, API_TOKEN_PREFIX);
	if (!parsed) return null;
	const row = await findCredential(database, 'token', parsed.id);
	if (!row || !secretMatches(parsed.secret, row.secretHash)) return null;
	// Most requests find it fresh and write nothing: one round trip per request, not two.
	const stale = new Date(now.getTime() - LAST_USED_RESOLUTION_MS);
	if (!row.lastUsedAt || row.lastUsedAt < stale) {
		await database.db
			.update(apiTokens)
			.set({ lastUsedAt: now })
			.where(and(eq(apiTokens.id, parsed.id), or(isNull(apiTokens.lastUsedAt), lt(apiTokens.lastUsedAt, stale))));
	}
	return { id: row.userId, username: row.username, isAdmin: row.isAdmin };
}
