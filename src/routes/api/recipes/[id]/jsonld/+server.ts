import { api, ApiError, methodNotAllowed } from '$lib/server/http/api';
import { ownRecipe } from '$lib/server/recipes/http';
import { recipeOf } from '$lib/server/recipes/library';
import { recipeJsonLd, recipeSlug } from '$lib/recipe-jsonld';

/** The recipe as a schema.org JSON-LD file to download and import elsewhere. */
export const GET = api(async ({ params, locals }) => {
	const row = await ownRecipe(locals, params.id);
	const recipe = recipeOf(row);
	if (!recipe) throw new ApiError(409, 'recipe_outdated', 'this recipe was saved in an older format and cannot be exported; import it again');
	return new Response(JSON.stringify(recipeJsonLd(recipe), null, 2), {
		headers: {
			'content-type': 'application/ld+json; charset=utf-8',
			'content-disposition': `attachment; filename="${recipeSlug(row.title)}.jsonld"`,
			'cache-control': 'private, no-store'
		}
	});
});

export const fallback = methodNotAllowed(['GET']);
