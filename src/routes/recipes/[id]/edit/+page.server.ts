import { ownRecipeOr404, readableDetail } from '$lib/server/recipes/page';
import { sendState } from '$lib/server/recipes/send-form';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params, locals }) => {
	const row = await ownRecipeOr404(locals, params.id);
	const detail = readableDetail(row, 'edited');
	const send = await sendState(locals, row.id);
	// Only to tell the person that saving updates that copy too; the server decides for itself.
	const copyOn = send.targetKind !== 'none' && send.uploads.some((u) => u.kind === send.targetKind) ? send.targetKind : null;
	return { id: detail.id, recipe: detail.recipe, copyOn };
};
