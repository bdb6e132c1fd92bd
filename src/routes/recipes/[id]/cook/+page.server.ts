import { ownRecipeOr404, readableDetail } from '$lib/server/recipes/page';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params, locals }) => {
	const { id, title, recipe } = readableDetail(await ownRecipeOr404(locals, params.id), 'shown');
	return { id, title, recipe };
};
