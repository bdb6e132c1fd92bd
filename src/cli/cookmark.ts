#!/usr/bin/env node
/**
 * The `cookmark` command: `worker` runs a worker without the web server (several may share one
 * PostgreSQL database); `migrate` applies migrations and exits.
 */
import { createApp } from '../lib/server/app';
import { config as loadConfig, ConfigError } from '../lib/server/config';
import { openDatabase } from '../lib/server/db/client';
import { migrate } from '../lib/server/db/migrate';
import { createLogger } from '../lib/server/log';
import { startupFailureMessage } from '../lib/server/startup-error';

const usage = `usage: cookmark <command>

commands:
  worker    run a queue worker without the web server (needs DATABASE_URL)
  migrate   apply database migrations and exit`;

async function runWorker(): Promise<void> {
	const config = loadConfig();
	if (!config.DATABASE_URL) {
		throw new ConfigError(
			'a separate worker needs DATABASE_URL: the embedded database (PGlite) lives inside the web process, which runs its own worker'
		);
	}
	const app = await createApp({ config, startWorker: true });
	const stop = (signal: string) => {
		app.log.info({ signal }, 'shutting down');
		app.shutdown().then(
			() => process.exit(0),
			(err) => {
				app.log.error({ err }, 'shutdown failed');
				process.exit(1);
			}
		);
	};
	process.once('SIGTERM', () => stop('SIGTERM'));
	process.once('SIGINT', () => stop('SIGINT'));
}

async function runMigrate(): Promise<void> {
	const config = loadConfig();
	const log = createLogger(config.LOG_LEVEL);
	const database = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR });
	try {
		await migrate(database, config.DATABASE_URL);
		log.info({ database: database.kind }, 'migrations applied');
	} finally {
		await database.close();
	}
}

const commands: Record<string, () => Promise<void>> = { worker: runWorker, migrate: runMigrate };

const name = process.argv[2];
const command = name ? commands[name] : undefined;
if (!command) {
	console.error(usage);
	process.exit(name ? 2 : 0);
}
command().catch((err) => {
	console.error(startupFailureMessage(err));
	process.exit(1);
});
