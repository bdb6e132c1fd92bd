import { eq, sql } from 'drizzle-orm';
import type { TargetInput, TargetKind, TargetView } from '../../contract/targets';
import { targetNames } from '../../contract/targets';
import type { Config } from '../config';
import type { Database } from '../db/client';
import { userTargets } from '../db/schema';
import { PermanentError } from '../failures/errors';
import type { TargetConnection } from './target';
import type { TokenCipher } from './token-cipher';

/** Why a save was refused, for a 400 in the user's words. */
export class TargetInputError extends Error {}

/**
 * Each user's upload target: their own choice from Settings, else the server's default from the
 * environment. Tokens are sealed for storage and opened only to make a request.
 */
export class TargetSettings {
	constructor(
		private readonly database: Database,
		private readonly cipher: TokenCipher,
		private readonly config: Partial<Pick<Config, 'TANDOOR_BASE_URL' | 'TANDOOR_TOKEN' | 'MEALIE_BASE_URL' | 'MEALIE_TOKEN'>>
	) {}

	/** The server-wide default (Tandoor first when both are configured). */
	serverDefault(): TargetConnection | null {
		const { TANDOOR_BASE_URL, TANDOOR_TOKEN, MEALIE_BASE_URL, MEALIE_TOKEN } = this.config;
		if (TANDOOR_BASE_URL && TANDOOR_TOKEN) return { kind: 'tandoor', baseUrl: TANDOOR_BASE_URL.replace(/\/+$/, ''), token: TANDOOR_TOKEN };
		if (MEALIE_BASE_URL && MEALIE_TOKEN) return { kind: 'mealie', baseUrl: MEALIE_BASE_URL.replace(/\/+$/, ''), token: MEALIE_TOKEN };
		return null;
	}

	async view(userId: string): Promise<TargetView> {
		const row = await this.row(userId);
		const fallback = this.serverDefault();
		const serverDefault = fallback?.kind ?? 'none';
		if (row) return { kind: row.kind as TargetView['kind'], baseUrl: row.baseUrl, source: 'user', tokenSaved: !!row.tokenSealed, serverDefault };
		if (fallback) return { kind: fallback.kind, baseUrl: fallback.baseUrl, source: 'server', tokenSaved: true, serverDefault };
		return { kind: 'none', baseUrl: null, source: 'none', tokenSaved: false, serverDefault };
	}

	/**
	 * Where this user's recipes go, token opened; null for library only. A token that no longer
	 * opens (SECRET_KEY changed, or the key file was lost) is the user's to re-enter.
	 */
	async connection(userId: string): Promise<TargetConnection | null> {
		const row = await this.row(userId);
		if (!row) return this.serverDefault();
		if (row.kind === 'none' || !row.baseUrl || !row.tokenSealed) return null;
		const kind = row.kind as TargetKind;
		const token = this.cipher.open(row.tokenSealed, context(userId, kind));
		if (token === null) {
			throw new PermanentError(
				'target_token_unreadable',
				`the saved ${targetNames[kind]} token cannot be read (the server's SECRET_KEY changed); enter the token again in Settings`
			);
		}
		return { kind, baseUrl: row.baseUrl, token };
	}

	/** The saved token for `kind`, when the user has one (Test connection with the token field left empty). */
	async savedToken(userId: string, kind: TargetKind): Promise<string | null> {
		const row = await this.row(userId);
		if (row?.kind === kind && row.tokenSealed) return this.cipher.open(row.tokenSealed, context(userId, kind));
		const fallback = this.serverDefault();
		return !row && fallback?.kind === kind ? fallback.token : null;
	}

	async save(userId: string, input: TargetInput): Promise<void> {
		if (input.kind === 'none') {
			await this.upsert(userId, { kind: 'none', baseUrl: null, tokenSealed: null });
			return;
		}
		let tokenSealed: string | null = input.token ? this.cipher.seal(input.token, context(userId, input.kind)) : null;
		if (!tokenSealed) {
			const row = await this.row(userId);
			// Keeping the saved token is only for the same kind of server: a Tandoor token means nothing to Mealie.
			if (row?.kind === input.kind && row.tokenSealed) tokenSealed = row.tokenSealed;
			else throw new TargetInputError(`enter the ${targetNames[input.kind]} API token`);
		}
		await this.upsert(userId, { kind: input.kind, baseUrl: input.baseUrl, tokenSealed });
	}

	/** Back to the server's default. */
	async reset(userId: string): Promise<void> {
		await this.database.db.delete(userTargets).where(eq(userTargets.userId, userId));
	}

	private async row(userId: string) {
		const [row] = await this.database.db.select().from(userTargets).where(eq(userTargets.userId, userId));
		return row ?? null;
	}

	private async upsert(userId: string, values: { kind: string; baseUrl: string | null; tokenSealed: string | null }) {
		await this.database.db
			.insert(userTargets)
			.values({ userId, ...values })
			.onConflictDoUpdate({ target: userTargets.userId, set: { ...values, updatedAt: sql`now()` } });
	}
}

/** A sealed token opens only for the user and kind it was sealed for. */
const context = (userId: string, kind: TargetKind) => `user-target:${userId}:${kind}`;
