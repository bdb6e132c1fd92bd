import { createApp, type App } from './app';

let app: Promise<App> | undefined;

/**
 * The web process's single App, created on first use. SIGTERM/SIGINT drain the worker at once
 * (adapter-node meanwhile stops taking new requests), close the database, and exit.
 */
export function getApp(): Promise<App> {
	if (!app) {
		app = createApp();
		app.then(
			(a) => {
				const stop = (signal: string) => {
					a.log.info({ signal }, 'shutting down');
					a.shutdown().finally(() => process.exit(0));
				};
				process.once('SIGTERM', () => stop('SIGTERM'));
				process.once('SIGINT', () => stop('SIGINT'));
			},
			() => {}
		);
	}
	return app;
}
