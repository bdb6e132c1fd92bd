import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { AdminUser } from '../../contract/admin';
import { hashPassword } from '../auth/passwords';
import { invalidateUserSessions } from '../auth/sessions';
import type { Database } from '../db/client';
import { ApiError } from '../http/api';
import { channels } from '../queue/channels';

interface UserRow {
	id: string;
	username: string;
	isAdmin: boolean;
	createdAt: string | Date;
	disabledAt: string | Date | null;
	items: number;
	recipes: number;
}

const columns = sql`u.id, u.username, u.is_admin as "isAdmin", u.created_at as "createdAt", u.disabled_at as "disabledAt",
	coalesce((select sum(c.n) from queue_counts c where c.user_id = u.id), 0)::int as items,
	(select count(*) from recipes r where r.user_id = u.id and r.deleted_at is null)::int as recipes`;

const toAdminUser = (r: UserRow): AdminUser => ({
	id: r.id,
	username: r.username,
	isAdmin: r.isAdmin,
	createdAt: new Date(r.createdAt).toISOString(),
	disabledAt: r.disabledAt ? new Date(r.disabledAt).toISOString() : null,
	items: r.items,
	recipes: r.recipes
});

/** Every account that can sign in, oldest first, with how many items and recipes it has. */
export async function listAccounts(database: Database): Promise<AdminUser[]> {
	const rows = await database.rows<UserRow>(sql`select ${columns} from users u where u.password_hash is not null order by u.created_at, u.id`);
	return rows.map(toAdminUser);
}

export async function findAccount(database: Database, id: string): Promise<AdminUser | null> {
	const [row] = await database.rows<UserRow>(sql`select ${columns} from users u where u.id = ${id} and u.password_hash is not null`);
	return row ? toAdminUser(row) : null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The account, or a 404 (an id that is no UUID names nothing either). */
export async function accountOr404(database: Database, id: string): Promise<AdminUser> {
	const account = UUID.test(id) ? await findAccount(database, id.toLowerCase()) : null;
	if (!account) throw new ApiError(404, 'not_found', 'no such account');
	return account;
}

/**
 * What an admin may not do to an account: disable or delete their own (they would lock
 * themselves out mid-action), or the last admin who can still sign in (nobody could manage the
 * server any more).
 */
export async function refuseLockout(database: Database, actorId: string, target: AdminUser, verb: 'disable' | 'delete'): Promise<void> {
	if (target.id === actorId) throw new ApiError(409, 'self', `you cannot ${verb} your own account`);
	if (!target.isAdmin) return;
	const [row] = await database.rows<{ n: number }>(sql`
		select count(*)::int as n from users where is_admin and disabled_at is null and password_hash is not null and id <> ${target.id}`);
	if ((row?.n ?? 0) === 0) throw new ApiError(409, 'last_admin', `you cannot ${verb} the last admin`);
}

/** A password nobody has to invent: 96 random bits, as 16 URL-safe characters. */
export const generatePassword = () => randomBytes(12).toString('base64url');

/** Sets the password and ends every session, so the new password is needed everywhere. */
export async function setPassword(database: Database, id: string, password: string): Promise<number> {
	await database.rows(sql`update users set password_hash = ${await hashPassword(password)} where id = ${id}`);
	return invalidateUserSessions(database, id);
}

/**
 * Disabling ends the account's sessions at once; its API tokens stay but are refused until it is
 * enabled again (credential-lookup.ts), so a person's scripts work again without new tokens.
 */
export async function setDisabled(database: Database, id: string, disabled: boolean, now: Date): Promise<void> {
	await database.rows(sql`update users set disabled_at = ${disabled ? sql`coalesce(disabled_at, ${now.toISOString()}::timestamptz)` : sql`null`} where id = ${id}`);
	if (disabled) await invalidateUserSessions(database, id);
}

/**
 * Deletes the account and everything that is its: the foreign keys cascade to sessions, tokens,
 * items (their phases and attempts), batches, recipes (pictures, sources, uploads), devices and
 * its target. What has no key is deleted by hand in the same transaction: its item events (the
 * cascade itself writes one per deleted item), its counters, its sign-in rate limit. Running
 * items are told to stop wherever they run.
 */
export async function deleteAccount(database: Database, target: AdminUser): Promise<void> {
	await database.transaction(async (rows) => {
		await rows(sql`
			with gone as (delete from queue_items where user_id = ${target.id} returning id, status)
			select pg_notify(${channels.cancel}, id::text) from gone where status = 'in_progress'`);
		await rows(sql`delete from item_events where user_id = ${target.id}`);
		await rows(sql`delete from queue_counts where user_id = ${target.id}`);
		await rows(sql`delete from rate_limits where key = ${`login:user:${target.username.toLowerCase()}`}`);
		await rows(sql`delete from users where id = ${target.id}`);
	});
}
