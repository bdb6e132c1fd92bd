import { PictureQuery } from '$lib/contract/library';
import { api, ApiError, currentUser, methodNotAllowed, parseQuery } from '$lib/server/http/api';
import { lookUpPicture } from '$lib/server/pictures/store';
import { recipeNotFound } from '$lib/server/recipes/http';

/**
 * Pages' URLs carry the picture's version (recipePictureUrl), so a changed picture is a new URL;
 * a week before asking again spares the library grid a request per card on every visit.
 */
const CACHE_CONTROL = 'private, max-age=604800';

/** The picture Cookmark keeps of one of the user's recipes, in the size asked for (`full` by default). */
export const GET = api(async ({ params, url, locals, request }) => {
	const { size } = parseQuery(url, PictureQuery);
	const held = entityTags(request.headers.get('if-none-match'));
	const found = await lookUpPicture(locals.app.database, currentUser(locals).id, params.id ?? '', size, held.tags);
	if (!found.recipe) throw recipeNotFound();
	if (!found.picture) throw new ApiError(404, 'no_picture', 'Cookmark keeps no picture of this recipe; its imageUrl is the picture’s address on its site');
	const { hash, contentType, bytes } = found.picture;
	const headers = { etag: `"${hash}"`, 'cache-control': CACHE_CONTROL };
	if (bytes === null || held.any || held.tags.includes(hash)) return new Response(null, { status: 304, headers });
	return new Response(new Uint8Array(bytes), { headers: { ...headers, 'content-type': contentType, 'content-length': String(bytes.length) } });
});

/** The entity tags an If-None-Match header lists (weak or strong compare alike, RFC 9110 13.1.2), or `*`. */
function entityTags(header: string | null): { any: boolean; tags: string[] } {
	if (!header) return { any: false, tags: [] };
	const tags = header
		.split(',')
		.map((tag) => tag.trim().replace(/^W\//, ''))
		.filter((tag) => /^"[^"]{1,100}"$/.test(tag))
		.map((tag) => tag.slice(1, -1))
		.slice(0, 20);
	return { any: header.trim() === '*', tags };
}

export const fallback = methodNotAllowed(['GET']);
