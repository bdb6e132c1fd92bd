import type { PageServerLoad } from './$types';

/**
 * The bookmarklet's window: it needs the page that opened it (window.opener) to receive the
 * recipe page's HTML, which Cookmark's usual opener policy (same-origin) would cut off. Only this
 * page waives it; it renders nothing it was sent and only posts to Cookmark's own API.
 */
export const load: PageServerLoad = ({ setHeaders }) => {
	setHeaders({ 'cross-origin-opener-policy': 'unsafe-none' });
};
