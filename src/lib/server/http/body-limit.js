/**
 * The most of a request body the server reads (adapter-node's BODY_SIZE_LIMIT, 512 KB unless set):
 * the largest form a route takes with the form around it, which is a share of pictures
 * (MAX_SHARED_IMAGES_TOTAL_BYTES, 20 MiB: a few full-resolution phone photos) — a bulk import's file
 * is 10 MB. Every route keeps its
 * own, smaller limit (JSON bodies 64 KB). adapter-node reads the variable as its handler loads,
 * so the entry points set it first: `npm start`, the browser tests' server, and the test helper;
 * whoever runs `node build` directly sets it in the environment (see the README).
 */
export const BODY_SIZE_LIMIT = '21M';

/** Sets BODY_SIZE_LIMIT for the handler about to load, unless the environment already says. */
export function defaultBodySizeLimit() {
	process.env.BODY_SIZE_LIMIT ??= BODY_SIZE_LIMIT;
}
