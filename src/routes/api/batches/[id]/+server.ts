import { json } from '@sveltejs/kit';
import { api, currentUser, methodNotAllowed } from '$lib/server/http/api';
import { batchView, ownBatch } from '$lib/server/imports/batches';

export const GET = api(async ({ params, locals }) => json(await batchView(locals.app, await ownBatch(locals.app, currentUser(locals).id, params.id))));

export const fallback = methodNotAllowed(['GET']);
