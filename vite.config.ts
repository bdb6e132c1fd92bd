import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';

export default defineConfig({
	plugins: [sveltekit()],
	build: {
		// The plugin-timing report is for people profiling the build, not for every `npm start`.
		rolldownOptions: { checks: { pluginTimings: false } }
	}
});
