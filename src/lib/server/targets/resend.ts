import type { Recipe } from '../../contract/recipe';
import type { TargetLink } from '../../contract/targets';
import type { TargetService } from './service';
import { targetFailure } from './test-connection';

export type ResendOutcome = { ok: true; link: TargetLink } | { ok: false; status: 409 | 422 | 502; code: string; message: string };

/**
 * Sends a library recipe to the user's target again (say, after adding a Tandoor server later),
 * right away rather than through the queue: it is one short exchange a person is waiting for.
 * The same no-duplicate rules apply as in the pipeline, so pressing it twice updates one copy.
 */
export async function resendRecipe(
	targets: TargetService,
	input: { userId: string; recipeId: string; recipe: Recipe; signal?: AbortSignal }
): Promise<ResendOutcome> {
	try {
		const link = await targets.send(input);
		if (!link) return { ok: false, status: 409, code: 'no_target', message: 'choose Tandoor or Mealie in Settings first' };
		return { ok: true, link };
	} catch (err) {
		return { ok: false, ...targetFailure(err) };
	}
}
