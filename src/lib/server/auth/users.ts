import { asc, eq, isNotNull, isNull, sql } from 'drizzle-orm';
import type { User } from '../../contract/auth';
import type { Database } from '../db/client';
import { users } from '../db/schema';
import { isUniqueViolation } from '../db/unique-violation';
import { hashPassword, verifyPassword } from './passwords';
import type { SessionUser } from './sessions';

export type SignupMode = 'first-only' | 'open';

export class UsernameTaken extends Error {
	constructor() {
		super('that username is taken');
	}
}

export class SignupClosed extends Error {
	constructor() {
		super('sign-up is closed on this server; ask its admin for an account');
	}
}

// Serialises sign-ups, so two people racing to be first cannot both become admin.
const SIGNUP_LOCK = 0x636f6f6c; // "cool"

function toUser(row: typeof users.$inferSelect): User {
	return { id: row.id, username: row.username, isAdmin: row.isAdmin, createdAt: row.createdAt.toISOString() };
}

/** Accounts that can sign in (the pre-accounts owner row has no password and does not count). */
export async function countAccounts(database: Database): Promise<number> {
	const [row] = await database.db.select({ n: sql<number>`count(*)::int` }).from(users).where(isNotNull(users.passwordHash));
	return Number(row?.n ?? 0);
}

/**
 * Signs a person up. The first account becomes the admin and takes over what was queued before
 * accounts existed; after that, `first-only` refuses and `open` creates ordinary accounts.
 */
export async function signUp(database: Database, username: string, password: string, mode: SignupMode): Promise<User> {
	const passwordHash = await hashPassword(password);
	try {
		return await database.db.transaction(async (tx) => {
			await tx.execute(sql`select pg_advisory_xact_lock(${SIGNUP_LOCK})`);
			const [{ n }] = (await tx.select({ n: sql<number>`count(*)::int` }).from(users).where(isNotNull(users.passwordHash))) as [{ n: number }];
			const first = Number(n) === 0;
			if (!first && mode !== 'open') throw new SignupClosed();
			if (first) {
				const [legacy] = await tx.select().from(users).where(isNull(users.passwordHash)).orderBy(asc(users.createdAt)).limit(1);
				if (legacy) {
					const [row] = await tx.update(users).set({ username, passwordHash, isAdmin: true }).where(eq(users.id, legacy.id)).returning();
					return toUser(row!);
				}
			}
			const [row] = await tx.insert(users).values({ username, passwordHash, isAdmin: first }).returning();
			return toUser(row!);
		});
	} catch (err) {
		if (isUniqueViolation(err)) throw new UsernameTaken();
		throw err;
	}
}

/** An admin adds an account for someone (sign-up mode does not matter). */
export async function createAccount(database: Database, username: string, password: string): Promise<User> {
	try {
		const [row] = await database.db.insert(users).values({ username, passwordHash: await hashPassword(password) }).returning();
		return toUser(row!);
	} catch (err) {
		if (isUniqueViolation(err)) throw new UsernameTaken();
		throw err;
	}
}

/**
 * The account for these credentials, or null; takes as long for an unknown name as for a wrong
 * password. `disabled` only once the password is right: a guess learns nothing about the account.
 */
export async function checkCredentials(database: Database, username: string, password: string): Promise<(SessionUser & { disabled: boolean }) | null> {
	const [row] = await database.db.select().from(users).where(sql`lower(${users.username}) = lower(${username})`);
	const ok = await verifyPassword(row?.passwordHash, password);
	return ok && row ? { id: row.id, username: row.username, isAdmin: row.isAdmin, disabled: row.disabledAt !== null } : null;
}

export async function changePassword(database: Database, userId: string, current: string, next: string): Promise<boolean> {
	const [row] = await database.db.select().from(users).where(eq(users.id, userId));
	if (!row || !(await verifyPassword(row.passwordHash, current))) return false;
	await database.db.update(users).set({ passwordHash: await hashPassword(next) }).where(eq(users.id, userId));
	return true;
}

export async function listUsers(database: Database): Promise<User[]> {
	const rows = await database.db.select().from(users).where(isNotNull(users.passwordHash)).orderBy(asc(users.createdAt));
	return rows.map(toUser);
}
