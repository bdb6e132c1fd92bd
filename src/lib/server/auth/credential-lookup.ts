import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import { Batcher } from '../db/batcher';
import type { Database } from '../db/client';
import { apiTokens, sessions, users } from '../db/schema';

/** The row behind a credential's id, with its user: what every signed-in request reads first. */
export interface CredentialRow {
	id: string;
	secretHash: string;
	/** A session's end; null for an API token. */
	expiresAt: Date | null;
	/** An API token's last use; null for a session or a token never used. */
	lastUsedAt: Date | null;
	userId: string;
	username: string;
	isAdmin: boolean;
}

type Kind = 'token' | 'session';

/**
 * Every request reads its credential before anything else; under load, requests arriving together
 * join one read (`id = any(...)`) instead of each making a round trip. A request never gets an
 * answer read before it asked: calls made while a read is under way wait for the next one.
 */
const lookups = new WeakMap<Database, Record<Kind, Batcher<string, CredentialRow | undefined>>>();

const ofUser = { userId: users.id, username: users.username, isAdmin: users.isAdmin };
/** A disabled account's sessions and tokens read as absent: refused like revoked ones, kept for when it is enabled. */
const enabled = isNull(users.disabledAt);

const readers: Record<Kind, (database: Database, ids: string[]) => Promise<CredentialRow[]>> = {
	token: (database, ids) =>
		database.db
			.select({ id: apiTokens.id, secretHash: apiTokens.secretHash, expiresAt: sql<null>`null`, lastUsedAt: apiTokens.lastUsedAt, ...ofUser })
			.from(apiTokens)
			.innerJoin(users, eq(users.id, apiTokens.userId))
			.where(and(inArray(apiTokens.id, ids), enabled)),
	session: (database, ids) =>
		database.db
			.select({ id: sessions.id, secretHash: sessions.secretHash, expiresAt: sessions.expiresAt, lastUsedAt: sql<null>`null`, ...ofUser })
			.from(sessions)
			.innerJoin(users, eq(users.id, sessions.userId))
			.where(and(inArray(sessions.id, ids), enabled))
};

async function readCredentials(database: Database, kind: Kind, ids: string[]): Promise<Array<CredentialRow | undefined>> {
	const byId = new Map((await readers[kind](database, [...new Set(ids)])).map((r) => [r.id, r]));
	return ids.map((id) => byId.get(id));
}

/** The credential with this id (an API token's or a session's), or undefined. */
export function findCredential(database: Database, kind: Kind, id: string): Promise<CredentialRow | undefined> {
	let batchers = lookups.get(database);
	if (!batchers) {
		const make = (k: Kind) => new Batcher<string, CredentialRow | undefined>({ maxBatch: 200, maxInFlight: 4, flush: (ids) => readCredentials(database, k, ids) });
		batchers = { token: make('token'), session: make('session') };
		lookups.set(database, batchers);
	}
	return batchers[kind].add(id);
}
