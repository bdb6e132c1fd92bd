import { json } from '@sveltejs/kit';
import { ServiceTestRequest } from '$lib/contract/reading-services';
import { testReadingService } from '$lib/server/admin/actions';
import { api, methodNotAllowed, readJson, requireAdmin } from '$lib/server/http/api';

/** Runs a small real job on the service: a short recipe for the chat model (with a picture), a tone for transcription. */
export const POST = api(async ({ locals, request }) => {
	const actor = requireAdmin(locals);
	const { service } = await readJson(request, ServiceTestRequest);
	return json(await testReadingService(locals.app, actor, service, request.signal));
});

export const fallback = methodNotAllowed(['POST']);
