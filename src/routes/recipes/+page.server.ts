import { fail, redirect } from '@sveltejs/kit';
import { decodeCursor, LIBRARY_PAGE_SIZE, SEARCH_MAX_CHARS } from '$lib/contract/library';
import { currentUser } from '$lib/server/http/api';
import { getRecipe, listRecipes, toSummary } from '$lib/server/recipes/library';
import { restorableTitle, restoreRecipe } from '$lib/server/recipes/trash';
import type { Actions, PageServerLoad } from './$types';

/** What the Undo notice says: a recipe just deleted (and still restorable), or one just restored. */
async function undoNotice(locals: App.Locals, url: URL, userId: string) {
	const deleted = url.searchParams.get('deleted');
	if (deleted) {
		const title = await restorableTitle(locals.app.database, userId, deleted);
		return title === null ? null : { kind: 'deleted' as const, id: deleted, title };
	}
	const restored = url.searchParams.get('restored');
	const row = restored ? await getRecipe(locals.app.database, userId, restored) : null;
	return row ? { kind: 'restored' as const, id: row.id, title: row.title } : null;
}

export const load: PageServerLoad = async ({ locals, url }) => {
	const user = currentUser(locals);
	const q = (url.searchParams.get('q') ?? '').trim().slice(0, SEARCH_MAX_CHARS);
	// ?cursor= is the "Load more" link followed without JavaScript; a stale or edited one simply
	// starts from the newest recipe again rather than showing an error page.
	const cursorText = url.searchParams.get('cursor');
	const cursor = cursorText ? decodeCursor(cursorText) : null;
	const [page, notice] = await Promise.all([
		listRecipes(locals.app.database, user.id, { q, limit: LIBRARY_PAGE_SIZE, cursor }),
		undoNotice(locals, url, user.id)
	]);
	return {
		q,
		paged: cursor !== null,
		recipes: page.rows.map((row) => toSummary(row)),
		nextCursor: page.nextCursor,
		pageSize: LIBRARY_PAGE_SIZE,
		notice
	};
};

export const actions: Actions = {
	/** Undo of a delete: the recipe is back in the library, and the notice says so. */
	restore: async ({ locals, request }) => {
		const id = String((await request.formData()).get('id') ?? '');
		const row = await restoreRecipe(locals.app.database, currentUser(locals).id, id);
		if (!row) return fail(404, { message: 'Too late to undo: that recipe is gone for good.' });
		redirect(303, `/recipes?restored=${row.id}`);
	}
};
