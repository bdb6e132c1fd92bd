import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { createApiToken, listApiTokens, revokeApiToken, validateApiToken } from '../../src/lib/server/auth/api-tokens';
import { hit, peek, reset } from '../../src/lib/server/auth/rate-limit';
import { createSession, invalidateUserSessions, SESSION_LIFETIME_MS, validateSessionToken } from '../../src/lib/server/auth/sessions';
import { changePassword, checkCredentials, countAccounts, createAccount, signUp, SignupClosed, UsernameTaken } from '../../src/lib/server/auth/users';
import { apiTokens, queueItems, sessions, users } from '../../src/lib/server/db/schema';
import { hashSecret } from '../../src/lib/server/auth/secrets';

let db: TestDatabase;
beforeEach(async () => {
	db = await createTestDatabase();
});
afterEach(async () => {
	await db.close();
});

const DAY = 24 * 3600 * 1000;
const pw = 'correct horse battery staple';

describe('accounts', () => {
	it('the first account is the admin; first-only then refuses, open admits ordinary accounts', async () => {
		const alice = await signUp(db.database, 'alice', pw, 'first-only');
		expect(alice.isAdmin).toBe(true);
		await expect(signUp(db.database, 'bob', pw, 'first-only')).rejects.toBeInstanceOf(SignupClosed);
		const bob = await signUp(db.database, 'bob', pw, 'open');
		expect(bob.isAdmin).toBe(false);
		expect(await countAccounts(db.database)).toBe(2);
	});

	it('two people racing to be first: exactly one admin, the other refused', async () => {
		const results = await Promise.allSettled([
			signUp(db.database, 'first1', pw, 'first-only'),
			signUp(db.database, 'first2', pw, 'first-only'),
			signUp(db.database, 'first3', pw, 'first-only')
		]);
		const made = results.filter((r) => r.status === 'fulfilled');
		expect(made).toHaveLength(1);
		expect((made[0] as PromiseFulfilledResult<{ isAdmin: boolean }>).value.isAdmin).toBe(true);
		for (const r of results.filter((r) => r.status === 'rejected')) expect((r as PromiseRejectedResult).reason).toBeInstanceOf(SignupClosed);
	});

	it('usernames are unique whatever their case, and login ignores case', async () => {
		await signUp(db.database, 'Alice', pw, 'open');
		await expect(signUp(db.database, 'alice', pw, 'open')).rejects.toBeInstanceOf(UsernameTaken);
		await expect(createAccount(db.database, 'ALICE', pw)).rejects.toBeInstanceOf(UsernameTaken);
		expect(await checkCredentials(db.database, 'aLiCe', pw)).toMatchObject({ username: 'Alice' });
		expect(await checkCredentials(db.database, 'alice', 'wrong password')).toBeNull();
		expect(await checkCredentials(db.database, 'nobody', pw)).toBeNull();
	});

	it('passwords are stored as argon2id, never as given', async () => {
		const user = await signUp(db.database, 'carol', pw, 'open');
		const [row] = await db.database.db.select().from(users).where(eq(users.id, user.id));
		expect(row!.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
		expect(row!.passwordHash).not.toContain(pw);
	});

	it('the first account takes over what was queued before accounts existed', async () => {
		const [owner] = await db.database.db.insert(users).values({ username: 'owner' }).returning();
		await db.database.db.insert(queueItems).values({
			userId: owner!.id,
			pipeline: 'recipe',
			dedupeKey: 'https://example.com/old',
			input: { url: 'https://example.com/old' },
			maxAttempts: 3,
			correlationId: 'c'
		});
		expect(await countAccounts(db.database)).toBe(0);
		const admin = await signUp(db.database, 'dana', pw, 'first-only');
		expect(admin.id).toBe(owner!.id);
		expect(admin).toMatchObject({ username: 'dana', isAdmin: true });
		const items = await db.database.db.select().from(queueItems).where(eq(queueItems.userId, admin.id));
		expect(items).toHaveLength(1);
	});

	it('changing the password needs the current one', async () => {
		const user = await signUp(db.database, 'erin', pw, 'open');
		expect(await changePassword(db.database, user.id, 'not it', 'a new password')).toBe(false);
		expect(await changePassword(db.database, user.id, pw, 'a new password')).toBe(true);
		expect(await checkCredentials(db.database, 'erin', pw)).toBeNull();
		expect(await checkCredentials(db.database, 'erin', 'a new password')).not.toBeNull();
	});
});

describe('sessions', () => {
	it('stores only a hash of the secret and checks it', async () => {
		const user = await signUp(db.database, 'alice', pw, 'open');
		const { token } = await createSession(db.database, user.id);
		const [id, secret] = token.split('.') as [string, string];
		const [row] = await db.database.db.select().from(sessions).where(eq(sessions.id, id));
		expect(row!.secretHash).toBe(hashSecret(secret));
		expect(JSON.stringify(row)).not.toContain(secret);
		expect(await validateSessionToken(db.database, token)).toMatchObject({ user: { username: 'alice' } });
		// Right id, wrong secret; wrong shape.
		expect(await validateSessionToken(db.database, `${id}.${secret === 'a'.repeat(32) ? 'b' : 'a'}${'a'.repeat(31)}`)).toBeNull();
		for (const bad of ['', 'x', `${id}`, `${id}.${secret}.x`, `${id.toUpperCase()}.${secret}`]) {
			expect(await validateSessionToken(db.database, bad)).toBeNull();
		}
	});

	it('slides: renewed for 30 days once half is used, gone after it expires', async () => {
		const user = await signUp(db.database, 'alice', pw, 'open');
		const t0 = new Date('2026-03-01T00:00:00Z');
		const { token, expiresAt } = await createSession(db.database, user.id, { now: t0 });
		expect(expiresAt.getTime() - t0.getTime()).toBe(SESSION_LIFETIME_MS);

		const day10 = await validateSessionToken(db.database, token, new Date(t0.getTime() + 10 * DAY));
		expect(day10?.renewed).toBe(false);
		expect(day10?.session.expiresAt.getTime()).toBe(expiresAt.getTime());

		const day16 = new Date(t0.getTime() + 16 * DAY);
		const renewed = await validateSessionToken(db.database, token, day16);
		expect(renewed?.renewed).toBe(true);
		expect(renewed?.session.expiresAt.getTime()).toBe(day16.getTime() + SESSION_LIFETIME_MS);

		expect(await validateSessionToken(db.database, token, new Date(day16.getTime() + SESSION_LIFETIME_MS))).toBeNull();
		expect(await db.database.db.select().from(sessions)).toHaveLength(0);
	});

	it('log out everywhere ends every session of that account only', async () => {
		const alice = await signUp(db.database, 'alice', pw, 'open');
		const bob = await signUp(db.database, 'bob', pw, 'open');
		const a1 = await createSession(db.database, alice.id);
		const a2 = await createSession(db.database, alice.id);
		const b1 = await createSession(db.database, bob.id);
		expect(await invalidateUserSessions(db.database, alice.id)).toBe(2);
		expect(await validateSessionToken(db.database, a1.token)).toBeNull();
		expect(await validateSessionToken(db.database, a2.token)).toBeNull();
		expect(await validateSessionToken(db.database, b1.token)).not.toBeNull();
	});
});

describe('API tokens', () => {
	it('are shown once, stored hashed, validated, listed per user and revocable', async () => {
		const alice = await signUp(db.database, 'alice', pw, 'open');
		const bob = await signUp(db.database, 'bob', pw, 'open');
		const made = await createApiToken(db.database, alice.id, 'iPhone');
		expect(made.token).toMatch(/^cm_[a-z2-7]{32}\.[a-z2-7]{32}$/);
		const [row] = await db.database.db.select().from(apiTokens);
		expect(JSON.stringify(row)).not.toContain(made.token.split('.')[1]);

		expect(await validateApiToken(db.database, made.token)).toMatchObject({ id: alice.id });
		expect(await validateApiToken(db.database, made.token.replace('cm_', ''))).toBeNull();
		const last = made.token.at(-1) === 'a' ? 'b' : 'a'; // always a different secret
		expect(await validateApiToken(db.database, `${made.token.slice(0, -1)}${last}`)).toBeNull();

		expect((await listApiTokens(db.database, alice.id)).map((t) => t.name)).toEqual(['iPhone']);
		expect(await listApiTokens(db.database, bob.id)).toEqual([]);
		expect(await revokeApiToken(db.database, bob.id, made.id)).toBe(false);
		expect(await revokeApiToken(db.database, alice.id, made.id)).toBe(true);
		expect(await validateApiToken(db.database, made.token)).toBeNull();
	});

	it('records when a token was last used, at most once a minute', async () => {
		const alice = await signUp(db.database, 'alice', pw, 'open');
		const made = await createApiToken(db.database, alice.id, 'script');
		const t0 = new Date('2026-03-01T10:00:00Z');
		await validateApiToken(db.database, made.token, t0);
		await validateApiToken(db.database, made.token, new Date(t0.getTime() + 30_000));
		expect((await listApiTokens(db.database, alice.id))[0]!.lastUsedAt).toBe(t0.toISOString());
		const later = new Date(t0.getTime() + 61_000);
		await validateApiToken(db.database, made.token, later);
		expect((await listApiTokens(db.database, alice.id))[0]!.lastUsedAt).toBe(later.toISOString());
	});

	it('checked together (one read for many requests), each gets its own answer, and a revoked one is refused by the next check', async () => {
		const alice = await signUp(db.database, 'alice', pw, 'open');
		const bob = await signUp(db.database, 'bob', pw, 'open');
		const a = await createApiToken(db.database, alice.id, 'a');
		const b = await createApiToken(db.database, bob.id, 'b');
		const session = await createSession(db.database, bob.id);
		const wrongSecret = `${a.token.slice(0, -1)}${a.token.at(-1) === 'a' ? 'b' : 'a'}`;
		const unknown = `cm_${'a'.repeat(32)}.${'b'.repeat(32)}`;
		const asked = [a.token, b.token, wrongSecret, unknown, a.token, b.token];
		const answers = await Promise.all([...asked.map((t) => validateApiToken(db.database, t)), validateSessionToken(db.database, session.token)]);
		expect(answers.map((u) => (u && 'username' in u ? u.username : (u?.user.username ?? null)))).toEqual(['alice', 'bob', null, null, 'alice', 'bob', 'bob']);

		const inFlight = Promise.all(Array.from({ length: 20 }, () => validateApiToken(db.database, a.token)));
		expect(await revokeApiToken(db.database, alice.id, a.id)).toBe(true);
		const after = await Promise.all([validateApiToken(db.database, a.token), validateApiToken(db.database, b.token)]);
		expect(after.map((u) => u?.username ?? null)).toEqual([null, 'bob']);
		await inFlight;
	});
});

describe('rate limits', () => {
	it('counts within a window, refuses past the limit, and starts over after it', async () => {
		const rule = { limit: 3, windowMs: 60_000 };
		const t0 = new Date('2026-03-01T10:00:00Z');
		const counts = [];
		for (let i = 0; i < 4; i++) counts.push(await hit(db.database, 'k', rule, new Date(t0.getTime() + i * 1000)));
		expect(counts.map((c) => [c.count, c.exceeded])).toEqual([
			[1, false],
			[2, false],
			[3, false],
			[4, true]
		]);
		expect(counts[3]!.retryAfterMs).toBe(57_000);
		expect((await peek(db.database, 'k', rule, new Date(t0.getTime() + 5_000))).count).toBe(4);
		const fresh = await hit(db.database, 'k', rule, new Date(t0.getTime() + 60_000));
		expect([fresh.count, fresh.exceeded]).toEqual([1, false]);
		await reset(db.database, 'k');
		expect((await peek(db.database, 'k', rule, t0)).count).toBe(0);
	});

	it('is atomic under concurrent hits', async () => {
		const rule = { limit: 100, windowMs: 60_000 };
		const results = await Promise.all(Array.from({ length: 20 }, () => hit(db.database, 'burst', rule)));
		expect(results.map((r) => r.count).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
	});
});
