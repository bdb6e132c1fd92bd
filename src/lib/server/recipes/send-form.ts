import { fail } from '@sveltejs/kit';
import { capitalise } from '../../format';
import type { TargetKind } from '../../contract/targets';
import { currentUser } from '../http/api';
import { resendRecipe } from '../targets/resend';
import { uploadsOf } from '../targets/send';
import { getRecipe, recipeOf } from './library';

/** What a page needs to offer "Send to Tandoor": where copies are, and the user's target now. */
export async function sendState(locals: App.Locals, recipeId: string) {
	const user = currentUser(locals);
	const [uploads, view] = await Promise.all([uploadsOf(locals.app.database, recipeId), locals.app.targets.settings.view(user.id)]);
	return {
		uploads: uploads.map((u) => ({ kind: u.kind as TargetKind, url: u.url, complete: u.completedAt !== null })),
		targetKind: view.kind
	};
}

/** The `send` form action of the item and recipe pages: the same as POST /api/recipes/:id/send. */
export async function sendAction(locals: App.Locals, recipeId: string, signal?: AbortSignal) {
	const user = currentUser(locals);
	const row = await getRecipe(locals.app.database, user.id, recipeId);
	const recipe = row ? recipeOf(row) : null;
	if (!row || !recipe) return fail(404, { section: 'send', message: 'That recipe is no longer in your library.' });
	const outcome = await resendRecipe(locals.app.targets, { userId: user.id, recipeId: row.id, recipe, signal });
	if (!outcome.ok) return fail(outcome.status, { section: 'send', message: capitalise(outcome.message) });
	return { section: 'send', sent: outcome.link };
}

