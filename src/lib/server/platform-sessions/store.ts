import { and, eq, sql } from 'drizzle-orm';
import type { PlatformSessionView, SessionPlatform } from '../../contract/platform-sessions';
import type { Database } from '../db/client';
import { platformSessions } from '../db/schema';
import type { TokenCipher } from '../targets/token-cipher';

const CACHE_MS = 30_000;

/**
 * Each person's saved Instagram and TikTok logins, sealed at rest. The value is opened only to be
 * sent to its platform; it is never logged and never part of an answer. Lookups are cached
 * briefly, since a batch of one person's posts asks for the same session again and again.
 */
export class PlatformSessions {
	private readonly cache = new Map<string, { cookie: string | null; until: number }>();

	constructor(
		private readonly database: Database,
		private readonly cipher: TokenCipher
	) {}

	async list(userId: string): Promise<PlatformSessionView[]> {
		const rows = await this.database.db.select().from(platformSessions).where(eq(platformSessions.userId, userId)).orderBy(platformSessions.platform);
		return rows.map((row) => ({
			platform: row.platform as SessionPlatform,
			savedAt: row.updatedAt.toISOString(),
			lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
			expiredAt: row.expiredAt?.toISOString() ?? null
		}));
	}

	/** Saves (or replaces) a normalised Cookie header value. */
	async save(userId: string, platform: SessionPlatform, cookie: string): Promise<void> {
		const values = { cookieSealed: this.cipher.seal(cookie, context(userId, platform)), lastUsedAt: null, expiredAt: null };
		await this.database.db
			.insert(platformSessions)
			.values({ userId, platform, ...values })
			.onConflictDoUpdate({ target: [platformSessions.userId, platformSessions.platform], set: { ...values, updatedAt: sql`now()` } });
		this.cache.delete(key(userId, platform));
	}

	/** True when there was one to remove. */
	async remove(userId: string, platform: SessionPlatform): Promise<boolean> {
		const removed = await this.database.db.delete(platformSessions).where(where(userId, platform)).returning({ userId: platformSessions.userId });
		this.cache.delete(key(userId, platform));
		return removed.length > 0;
	}

	/**
	 * The Cookie header value to send for this person on this platform, when they saved one that
	 * still opens (a changed SECRET_KEY leaves it unreadable: then it is as if none were saved).
	 */
	async cookie(userId: string, platform: SessionPlatform): Promise<string | null> {
		const cached = this.cache.get(key(userId, platform));
		if (cached && cached.until > Date.now()) return cached.cookie;
		const [row] = await this.database.db.select({ sealed: platformSessions.cookieSealed }).from(platformSessions).where(where(userId, platform));
		const cookie = row ? this.cipher.open(row.sealed, context(userId, platform)) : null;
		this.cache.set(key(userId, platform), { cookie, until: Date.now() + CACHE_MS });
		return cookie;
	}

	async markUsed(userId: string, platform: SessionPlatform): Promise<void> {
		await this.database.db.update(platformSessions).set({ lastUsedAt: sql`now()` }).where(where(userId, platform));
	}

	/** The platform showed its login page although the session was sent. */
	async markExpired(userId: string, platform: SessionPlatform): Promise<void> {
		await this.database.db.update(platformSessions).set({ lastUsedAt: sql`now()`, expiredAt: sql`now()` }).where(where(userId, platform));
	}
}

const where = (userId: string, platform: SessionPlatform) => and(eq(platformSessions.userId, userId), eq(platformSessions.platform, platform));
const key = (userId: string, platform: SessionPlatform) => `${userId}:${platform}`;
/** A sealed session opens only for the person and platform it was saved for. */
const context = (userId: string, platform: SessionPlatform) => `platform-session:${userId}:${platform}`;
