import { redirect } from '@sveltejs/kit';
import { EnqueueRequest } from '$lib/contract/queue';
import { ApiError, currentUser } from '$lib/server/http/api';
import { enqueueShare } from '$lib/server/shares/enqueue';
import type { PageServerLoad } from './$types';

/**
 * The share target (and the bookmarklet): GET /share?url&text&title enqueues the link and goes
 * to the dashboard with it highlighted. A signed-out person was already sent to log in and back
 * here by hooks.server.ts.
 */
export const load: PageServerLoad = async ({ url, locals }) => {
	const user = currentUser(locals);
	const share = {
		url: url.searchParams.get('url') ?? undefined,
		text: url.searchParams.get('text') ?? undefined,
		title: url.searchParams.get('title') ?? undefined
	};
	const parsed = EnqueueRequest.safeParse(share);
	let id: string;
	try {
		if (!parsed.success) throw new ApiError(400, 'validation_failed', 'what was shared is too long');
		id = (await enqueueShare(locals.app, user.id, parsed.data)).item.id;
	} catch (err) {
		if (err instanceof ApiError && err.status < 500) return { problem: err.message, received: share };
		throw err;
	}
	redirect(303, `/?highlight=${id}`);
};
