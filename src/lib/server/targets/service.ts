import { createHash } from 'node:crypto';
import type { Recipe } from '../../contract/recipe';
import { targetNames, type TargetKind, type TargetLink, type TargetTestInput } from '../../contract/targets';
import type { Database } from '../db/client';
import type { KeptPicture } from '../pictures/keep';
import { mealieClient } from './mealie';
import { sendRecipe } from './send';
import type { TargetSettings } from './settings';
import { tandoorClient } from './tandoor';
import type { ConnectionReport, TargetClient, TargetConnection, TargetRequestLimits } from './target';

export interface SendToTarget {
	userId: string;
	recipeId: string;
	recipe: Recipe;
	/** The recipe's picture as the caller just kept it, or why it could not; absent: kept (or found kept) here. */
	picture?: KeptPicture | null;
	signal?: AbortSignal;
	progress?: (message: string) => void;
}

export interface TargetServiceOptions {
	/** Time, size and politeness limits for the person's own servers (private addresses allowed). */
	limits: TargetRequestLimits;
	/** A library recipe's kept picture: the stored copy, downloaded (as the public fetcher downloads anything a link points at) only when none is kept. */
	keepPicture(recipeId: string, url: string, signal?: AbortSignal): Promise<KeptPicture>;
}

/** Clients unused this long are dropped, with what they remembered of their server. */
const CLIENT_IDLE_MS = 10 * 60_000;

const makeClient = { tandoor: tandoorClient, mealie: mealieClient } as const;

/**
 * Upload targets as the app uses them: each user's settings, a client per server and token (kept
 * while in use, so a run of uploads shares what it read of that server: account, units, foods,
 * tags), sending and testing.
 */
export class TargetService {
	private readonly clients = new Map<string, { client: TargetClient; usedAt: number }>();

	constructor(
		private readonly database: Database,
		readonly settings: TargetSettings,
		private readonly options: TargetServiceOptions
	) {}

	clientFor(connection: TargetConnection): TargetClient {
		const now = Date.now();
		for (const [key, entry] of this.clients) if (now - entry.usedAt > CLIENT_IDLE_MS) this.clients.delete(key);
		const key = clientKey(connection);
		let entry = this.clients.get(key);
		if (!entry) {
			entry = { client: makeClient[connection.kind](connection, this.options.limits), usedAt: now };
			this.clients.set(key, entry);
		}
		entry.usedAt = now;
		return entry.client;
	}

	/** Saves a library recipe to the user's target; null when they keep recipes in the library only. */
	async send({ userId, recipeId, recipe, picture, signal, progress }: SendToTarget): Promise<TargetLink | null> {
		const connection = await this.settings.connection(userId);
		if (!connection) return null;
		progress?.(`saving to ${targetNames[connection.kind]}`);
		return sendRecipe({
			database: this.database,
			client: this.clientFor(connection),
			connection,
			recipeId,
			recipe,
			loadPicture: picture ? async () => picture : (url, pictureSignal) => this.options.keepPicture(recipeId, url, pictureSignal),
			signal,
			progress
		});
	}

	/** Checks an address and token before they are saved; the saved token stands in when none is given. */
	async test(userId: string, input: TargetTestInput, signal?: AbortSignal): Promise<ConnectionReport | { missingToken: true }> {
		const token = input.token ?? (await this.settings.savedToken(userId, input.kind));
		if (!token) return { missingToken: true };
		// A fresh client: a test must see the server as it is now, not as a cached client remembers it.
		return makeClient[input.kind]({ kind: input.kind, baseUrl: input.baseUrl, token }, this.options.limits).testConnection(signal);
	}
}

/** One client per server and token (hashed: a map key is easy to print by mistake). */
function clientKey(connection: { kind: TargetKind; baseUrl: string; token: string }): string {
	return `${connection.kind} ${connection.baseUrl} ${createHash('sha256').update(connection.token).digest('base64url')}`;
}
