import { fail } from '@sveltejs/kit';
import { EnqueueRequest, MAX_LINK_LENGTH } from '$lib/contract/queue';
import { linkFromShare } from '$lib/links';
import { tooLongMessage } from '$lib/paste';
import { ApiError, currentUser } from '$lib/server/http/api';
import { enqueueShare } from '$lib/server/shares/enqueue';
import { batchView } from '$lib/server/imports/batches';
import { filterByKey } from '$lib/status-filters';
import type { Actions, PageServerLoad } from './$types';

const PAGE_SIZE = 30;
/** Imports looked at for the ones still running. */
const RECENT_IMPORTS = 5;

export const load: PageServerLoad = async ({ locals, url, depends }) => {
	depends('app:imports');
	const app = locals.app;
	const userId = currentUser(locals).id;
	const filter = filterByKey(url.searchParams.get('show'));
	const [page, batches] = await Promise.all([
		app.items.list({ userId, statuses: filter.statuses, limit: PAGE_SIZE, offset: 0 }),
		app.queue.batches(userId, RECENT_IMPORTS)
	]);
	// Imports under way get a card of their own, instead of thousands of cards arriving live.
	const imports = await Promise.all(batches.filter((b) => !b.finishedAt).map((b) => batchView(app, b)));
	return { ...page, imports, filter: filter.key, pageSize: PAGE_SIZE };
};

export const actions: Actions = {
	/** The paste box: works without JavaScript, answers with the new item's id for highlighting. */
	enqueue: async ({ request, locals }) => {
		const form = await request.formData();
		const pasted = String(form.get('url') ?? '');
		// A link, or text with a link in it (a share sheet's "Look at this https://…"), as the API takes
		// it; a text without a link (a recipe pasted from a message) is read as it is.
		const oneLink = pasted.trim().length <= MAX_LINK_LENGTH && !/\n/.test(pasted.trim()) && linkFromShare({ url: pasted }) !== null;
		const parsed = EnqueueRequest.safeParse(oneLink ? { url: pasted } : { text: pasted });
		// Too long to be worth showing again in the field.
		if (!parsed.success) return fail(400, { url: '', message: tooLongMessage(pasted.length) });
		const url = pasted;
		try {
			const result = await enqueueShare(locals.app, currentUser(locals).id, parsed.data);
			if (result.kind === 'saved') return { saved: { id: result.recipe.id, title: result.recipe.title } };
			return { id: result.item.id, duplicate: result.kind !== 'created' };
		} catch (err) {
			if (err instanceof ApiError && err.status < 500) {
				return fail(err.status, { url, message: err.code === 'no_link' ? 'Paste a link that starts with http:// or https://, or the text of a recipe' : err.message });
			}
			throw err;
		}
	}
};
