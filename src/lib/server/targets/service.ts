import type { Recipe } from '../../contract/recipe';
import { targetNames, type TargetLink, type TargetTestInput } from '../../contract/targets';
import type { Database } from '../db/client';
import { mealieClient } from './mealie';
import { sendRecipe } from './send';
import type { TargetSettings } from './settings';
import { tandoorClient } from './tandoor';
import type { ConnectionReport, TargetClient, TargetConnection, TargetRequestLimits } from './target';

export interface SendToTarget {
	userId: string;
	recipeId: string;
	recipe: Recipe;
	signal?: AbortSignal;
	progress?: (message: string) => void;
}

/** Upload targets as the app uses them: each user's settings, a client per kind, sending and testing. */
export class TargetService {
	constructor(
		private readonly database: Database,
		readonly settings: TargetSettings,
		private readonly limits: TargetRequestLimits
	) {}

	clientFor(connection: TargetConnection): TargetClient {
		return connection.kind === 'tandoor' ? tandoorClient(connection, this.limits) : mealieClient(connection, this.limits);
	}

	/** Saves a library recipe to the user's target; null when they keep recipes in the library only. */
	async send({ userId, recipeId, recipe, signal, progress }: SendToTarget): Promise<TargetLink | null> {
		const connection = await this.settings.connection(userId);
		if (!connection) return null;
		progress?.(`saving to ${targetNames[connection.kind]}`);
		return sendRecipe({ database: this.database, client: this.clientFor(connection), connection, recipeId, recipe, signal, progress });
	}

	/** Checks an address and token before they are saved; the saved token stands in when none is given. */
	async test(userId: string, input: TargetTestInput, signal?: AbortSignal): Promise<ConnectionReport | { missingToken: true }> {
		const token = input.token ?? (await this.settings.savedToken(userId, input.kind));
		if (!token) return { missingToken: true };
		return this.clientFor({ kind: input.kind, baseUrl: input.baseUrl, token }).testConnection(signal);
	}
}
