import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		adapter: adapter({ out: 'build' }),
		// SvelteKit's own guard answers before hooks run: the API could not answer in its JSON error
		// shape, and a refused body would be left unread on a kept-alive connection. The same rule runs
		// in src/lib/server/http/csrf.ts (from hooks.server.ts), which has neither problem.
		csrf: { trustedOrigins: ['*'] },
		// Pages' policy; SvelteKit adds a nonce (or a hash) for each script it inlines, so no inline
		// script runs unless SvelteKit wrote it. Other answers get theirs in http/security-headers.ts.
		csp: {
			mode: 'auto',
			directives: {
				'default-src': ['self'],
				'script-src': ['self'],
				// Svelte renders `style="…"` attributes; styles cannot run script.
				'style-src': ['self', 'unsafe-inline'],
				// Recipe pictures are shown from the site they came from.
				'img-src': ['self', 'data:', 'blob:', 'https:', 'http:'],
				'connect-src': ['self'],
				'font-src': ['self'],
				'manifest-src': ['self'],
				'worker-src': ['self'],
				'object-src': ['none'],
				'base-uri': ['self'],
				'form-action': ['self'],
				'frame-ancestors': ['none']
			}
		}
	}
};

export default config;
