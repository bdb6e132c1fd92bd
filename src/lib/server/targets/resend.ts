import type { Logger } from 'pino';
import type { Recipe } from '../../contract/recipe';
import type { TargetUpdate } from '../../contract/recipe-edit';
import type { TargetLink } from '../../contract/targets';
import type { Database } from '../db/client';
import { findUpload } from './send';
import type { TargetService } from './service';
import { peerFailure } from '../failures/peer-failure';

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
		return { ok: false, ...peerFailure(err) };
	}
}

/**
 * After an edit has been saved: the copy on the person's current Tandoor or Mealie brought up to
 * date, by the same no-duplicate send. Null when that server holds no copy: an edit sends a
 * recipe nowhere new. Nothing the target does escapes as an error, since the edit is saved
 * already and the answer must say so; an unexpected error is logged and reported as not updated.
 */
export async function resendEdited(
	targets: TargetService,
	database: Database,
	input: { userId: string; recipeId: string; recipe: Recipe },
	log: Pick<Logger, 'error'>
): Promise<TargetUpdate | null> {
	const view = await targets.settings.view(input.userId);
	if (view.kind === 'none' || !view.baseUrl) return null;
	const kind = view.kind;
	if (!(await findUpload(database, { recipeId: input.recipeId, kind, baseUrl: view.baseUrl }))) return null;
	try {
		const outcome = await resendRecipe(targets, input);
		return outcome.ok ? { ok: true, link: outcome.link } : { ok: false, kind, code: outcome.code, message: outcome.message };
	} catch (err) {
		log.error({ err, recipeId: input.recipeId }, 'updating the target copy after an edit failed');
		return { ok: false, kind, code: 'internal_error', message: 'something went wrong on this server; send it again from the recipe page' };
	}
}
