import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		adapter: adapter({ out: 'build' }),
		// The same origin check runs in src/lib/server/http/csrf.ts (from hooks.server.ts), so that
		// API clients are answered in the API's JSON error shape.
		csrf: { trustedOrigins: ['*'] }
	}
};

export default config;
