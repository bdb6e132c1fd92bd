import { decodeCursor, LIBRARY_PAGE_SIZE, SEARCH_MAX_CHARS } from '$lib/contract/library';
import { currentUser } from '$lib/server/http/api';
import { listRecipes, toSummary } from '$lib/server/recipes/library';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
	const user = currentUser(locals);
	const q = (url.searchParams.get('q') ?? '').trim().slice(0, SEARCH_MAX_CHARS);
	// ?cursor= is the "Load more" link followed without JavaScript; a stale or edited one simply
	// starts from the newest recipe again rather than showing an error page.
	const cursorText = url.searchParams.get('cursor');
	const cursor = cursorText ? decodeCursor(cursorText) : null;
	const page = await listRecipes(locals.app.database, user.id, { q, limit: LIBRARY_PAGE_SIZE, cursor });
	return {
		q,
		paged: cursor !== null,
		recipes: page.rows.map((row) => toSummary(row)),
		nextCursor: page.nextCursor,
		pageSize: LIBRARY_PAGE_SIZE
	};
};
