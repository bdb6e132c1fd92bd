import { fail, redirect } from '@sveltejs/kit';
import { EnqueueRequest } from '$lib/contract/queue';
import { ApiError, currentUser } from '$lib/server/http/api';
import { enqueueShare } from '$lib/server/shares/enqueue';
import type { Actions, PageServerLoad } from './$types';

const shareOf = (url: URL) => ({
	url: url.searchParams.get('url') ?? undefined,
	text: url.searchParams.get('text') ?? undefined,
	title: url.searchParams.get('title') ?? undefined
});

/** Enqueues what was shared (again, with `reimport`); a 4xx becomes a problem the page shows. */
async function share(locals: App.Locals, received: ReturnType<typeof shareOf>, reimport: boolean) {
	const parsed = EnqueueRequest.safeParse(received);
	try {
		if (!parsed.success) throw new ApiError(400, 'validation_failed', 'what was shared is too long');
		return await enqueueShare(locals.app, currentUser(locals).id, { ...parsed.data, reimport });
	} catch (err) {
		if (err instanceof ApiError && err.status < 500) return { kind: 'problem' as const, message: err.message };
		throw err;
	}
}

/**
 * The share target (and the bookmarklet): GET /share?url&text&title enqueues the link and goes
 * to the dashboard with it highlighted. A link already saved as a recipe says so, with the recipe
 * and an Import again button; one still being imported links to its item. A signed-out person was
 * already sent to log in and back here by hooks.server.ts.
 */
export const load: PageServerLoad = async ({ url, locals }) => {
	const received = shareOf(url);
	const result = await share(locals, received, false);
	switch (result.kind) {
		case 'problem':
			return { problem: result.message, received };
		case 'saved':
			return { saved: { id: result.recipe.id, title: result.recipe.title, imageUrl: result.recipe.imageUrl, sourceUrl: result.recipe.sourceUrl } };
		case 'created':
			redirect(303, `/?highlight=${result.item.id}`);
		default:
			return { running: { id: result.item.id, label: result.item.label, status: result.item.status } };
	}
};

export const actions: Actions = {
	/** Import again: the link is read anew and its recipe updated in place. The page posts to its own query. */
	reimport: async ({ url, locals }) => {
		const result = await share(locals, shareOf(url), true);
		if (result.kind === 'problem') return fail(400, { message: result.message });
		redirect(303, result.kind === 'saved' ? `/recipes/${result.recipe.id}` : `/?highlight=${result.item.id}`);
	}
};
