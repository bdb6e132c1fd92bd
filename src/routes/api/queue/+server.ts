import { json } from '@sveltejs/kit';
import { EnqueueRequest, ListQuery, MAX_SHARE_BODY_BYTES, type AlreadySaved } from '$lib/contract/queue';
import { api, currentUser, methodNotAllowed, parseQuery, readJson } from '$lib/server/http/api';
import { enqueueForm, enqueueShare } from '$lib/server/shares/enqueue';
import { isMultipart, readShareForm } from '$lib/server/shares/read-share-form';

/**
 * Enqueue a shared link (JSON, with its page's HTML up to MAX_SHARE_BODY_BYTES), a text without one, or pictures of a recipe (multipart,
 * `images` files): 201 new item; 200 with duplicate:true when nothing new was created (the item already queued, or `recipeId` and
 * `alreadySaved` for a share that is already a recipe).
 */
export const POST = api(async ({ request, locals }) => {
	const userId = currentUser(locals).id;
	const key = request.headers.get('idempotency-key');
	const result = isMultipart(request)
		? await enqueueForm(locals.app, userId, await readShareForm(request), key)
		: await enqueueShare(locals.app, userId, await readJson(request, EnqueueRequest, MAX_SHARE_BODY_BYTES), key);
	if (result.kind === 'saved') {
		const answer: AlreadySaved = { duplicate: true, recipeId: result.recipe.id, alreadySaved: result.recipe };
		return json(answer, { status: 200, headers: { location: `/api/recipes/${result.recipe.id}` } });
	}
	if (result.kind === 'created') {
		return json(result.item, { status: 201, headers: { location: `/api/queue/${result.item.id}` } });
	}
	const headers: Record<string, string> = { location: `/api/queue/${result.item.id}` };
	if (result.kind === 'replayed') headers['idempotent-replayed'] = 'true';
	return json({ ...result.item, duplicate: true }, { status: 200, headers });
});

export const GET = api(async ({ url, locals }) => {
	const q = parseQuery(url, ListQuery);
	const page = await locals.app.items.list({
		userId: currentUser(locals).id,
		statuses: q.status,
		batchId: q.batch,
		limit: q.limit,
		offset: q.offset,
		cursor: q.cursor
	});
	return json(page);
});

export const fallback = methodNotAllowed(['GET', 'POST']);
