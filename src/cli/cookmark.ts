#!/usr/bin/env node
/**
 * The `cookmark` command: `worker` runs a worker without the web server (several may share one
 * PostgreSQL database); `migrate` applies migrations and exits; `backup`, `restore` and
 * `move-to-postgres` copy an installation whole; `extract` and `parse-ingredients` run one
 * pipeline step on the command line (the corpus scorers use them).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { config as loadConfig, ConfigError } from '../lib/server/config';
import { startupFailureMessage } from '../lib/server/startup-error';
import { BackupError } from '../lib/server/backup/format';
import { PgliteInUseError } from '../lib/server/db/pglite-lock';

const usage = `usage: cookmark <command>

commands:
  worker                         run a queue worker without the web server (needs DATABASE_URL)
  migrate                        apply database migrations and exit
  backup [FILE]                  write a backup of the database (pictures included) to FILE,
                                 default cookmark-<UTC time>.cmbak here; - for stdout
  restore FILE                   restore a backup into a new installation (DATABASE_URL, or
                                 PGlite in DATA_DIR when unset)
  move-to-postgres DATABASE_URL  move the embedded database in DATA_DIR to that PostgreSQL
                                 database (stop Cookmark first)
  extract URL                    fetch a page (safely) and print its recipe as JSON
  extract --html FILE --url URL  the same for a saved page
  parse-ingredients              read ingredient lines on stdin, print one JSON object per line:
                                 {quantity, quantity_max, unit, name, comment}`;

async function runWorker(): Promise<void> {
	const config = loadConfig();
	if (!config.DATABASE_URL) {
		throw new ConfigError(
			'a separate worker needs DATABASE_URL: the embedded database (PGlite) lives inside the web process, which runs its own worker'
		);
	}
	const { createApp } = await import('../lib/server/app');
	const app = await createApp({ config, startWorker: true });
	// No web server here: a port of its own, when asked for, so worker fleets can be scraped.
	const { serveMetrics } = await import('../lib/server/metrics/server');
	const metricsServer =
		config.METRICS_PORT === undefined
			? null
			: await serveMetrics(app.metrics, { port: config.METRICS_PORT, host: config.METRICS_HOST, token: config.METRICS_TOKEN, log: app.log });
	const stop = (signal: string) => {
		app.log.info({ signal }, 'shutting down');
		Promise.all([metricsServer?.close(), app.shutdown()]).then(
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
	const { openDatabase } = await import('../lib/server/db/client');
	const { migrate } = await import('../lib/server/db/migrate');
	const { createLogger } = await import('../lib/server/log');
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

/** What a backup command did, for the person at the terminal (stdout may be the backup itself). */
function report(what: string, s: { tables: number; rows: number; bytes: number; seconds: number }): void {
	const mb = (s.bytes / 1024 / 1024).toFixed(1);
	console.error(`${what}: ${s.tables} tables, ${s.rows.toLocaleString('en')} rows, ${mb} MB, ${s.seconds.toFixed(1)} s`);
}

async function runBackup(): Promise<void> {
	const { positionals } = parseArgs({ args: process.argv.slice(3), allowPositionals: true });
	const { createWriteStream } = await import('node:fs');
	const { rename, rm } = await import('node:fs/promises');
	const { openDatabase } = await import('../lib/server/db/client');
	const { writeBackup } = await import('../lib/server/backup/dump');
	const { backupSecret } = await import('../lib/server/backup/secret');
	const { backupFileName } = await import('../lib/server/backup/format');
	const config = loadConfig();
	const file = positionals[0] ?? backupFileName();
	const database = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR });
	try {
		const secret = await backupSecret({ secretKey: config.SECRET_KEY, dataDir: config.DATA_DIR });
		if (file === '-') {
			report('backed up to stdout', await writeBackup(database, process.stdout, { secret }));
			return;
		}
		// Written aside and renamed when whole: a file by the given name is always a complete backup.
		const partial = `${file}.partial`;
		try {
			const summary = await writeBackup(database, createWriteStream(partial, { mode: 0o600, flags: 'wx' }), { secret });
			await rename(partial, file);
			report(`backed up to ${file}`, summary);
		} catch (err) {
			await rm(partial, { force: true });
			throw err;
		}
	} finally {
		await database.close();
	}
}

async function runRestore(): Promise<void> {
	const { positionals } = parseArgs({ args: process.argv.slice(3), allowPositionals: true });
	const file = positionals[0];
	if (!file) throw new ConfigError('usage: cookmark restore FILE');
	const { openDatabase } = await import('../lib/server/db/client');
	const { restoreBackup } = await import('../lib/server/backup/load');
	const config = loadConfig();
	const database = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR });
	try {
		const restored = await restoreBackup({ file, database, databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR, secretKey: config.SECRET_KEY });
		const { header } = restored;
		report(`restored ${file} (made ${header.createdAt} by Cookmark ${header.app.version} on ${header.database}) into ${database.kind}`, restored);
	} finally {
		await database.close();
	}
}

async function runMoveToPostgres(): Promise<void> {
	const { positionals } = parseArgs({ args: process.argv.slice(3), allowPositionals: true });
	const databaseUrl = positionals[0];
	if (!databaseUrl || !/^postgres(ql)?:\/\//.test(databaseUrl)) throw new ConfigError('usage: cookmark move-to-postgres postgres://USER:PASSWORD@HOST/DATABASE');
	const { moveToPostgres } = await import('../lib/server/backup/move');
	const config = loadConfig();
	const moved = await moveToPostgres({ dataDir: config.DATA_DIR, databaseUrl, secretKey: config.SECRET_KEY });
	for (const t of moved.counts) console.error(`  ${t.name.padEnd(24)} ${String(t.rows).padStart(9)} rows, the same on both`);
	report(`moved the embedded database in ${config.DATA_DIR} to PostgreSQL`, moved);
	const key = config.SECRET_KEY
		? 'keep SECRET_KEY as it is (it opens the saved Tandoor/Mealie tokens)'
		: `keep DATA_DIR=${config.DATA_DIR}: its secret.key opens the saved Tandoor/Mealie tokens`;
	console.error(`next: set DATABASE_URL=${databaseUrl.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@')} and start Cookmark; ${key}.`);
	console.error(`The embedded database in ${config.DATA_DIR}/pglite is left as it was: remove it once all is well.`);
}

/** Prints one JSON object: {url, title, ingredients, instructions, yields, total_time, image, author, description}. */
async function runExtract(): Promise<void> {
	const { values, positionals } = parseArgs({
		args: process.argv.slice(3),
		options: { html: { type: 'string' }, url: { type: 'string' } },
		allowPositionals: true
	});
	const { readPage, extractionSummary } = await import('../lib/server/pipeline/recipe/extract/read-page');
	if (values.html) {
		if (!values.url) throw new ConfigError('extract --html FILE needs --url URL (the page\'s address, for relative links)');
		// A saved page is bytes: its <meta charset> says how to read them, as a browser would.
		const { decodeHtml } = await import('../lib/server/net/charset');
		process.stdout.write(`${JSON.stringify(extractionSummary(readPage(decodeHtml(readFileSync(values.html), ''), values.url)))}\n`);
		return;
	}
	const target = positionals[0];
	if (!target) throw new ConfigError(usage);
	const { configuredLimits, safeFetch } = await import('../lib/server/net/safe-fetch');
	const { extractLink } = await import('../lib/server/pipeline/recipe/extract/index');
	const config = loadConfig();
	const fetchPage = (url: string, signal: AbortSignal) =>
		safeFetch(url, { signal, ...configuredLimits(config) });
	const content = await extractLink(target, fetchPage, new AbortController().signal);
	process.stdout.write(`${JSON.stringify(extractionSummary(content))}\n`);
}

/**
 * One JSON object per input line, in order, as each line arrives: {quantity, quantity_max, unit,
 * name, comment}; an empty line gets one with every field null. Nothing else goes to stdout.
 */
async function runParseIngredients(): Promise<void> {
	const { parseIngredientLine } = await import('../lib/ingredients/ingredient-line');
	const { createInterface } = await import('node:readline');
	const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
	for await (const line of lines) {
		const p = parseIngredientLine(line);
		const row = { quantity: p.quantity, quantity_max: p.quantityMax, unit: p.unit, name: p.name, comment: p.comment };
		if (!process.stdout.write(`${JSON.stringify(row)}\n`)) await new Promise((resolve) => process.stdout.once('drain', resolve));
	}
}

const commands: Record<string, () => Promise<void>> = {
	worker: runWorker,
	migrate: runMigrate,
	backup: runBackup,
	restore: runRestore,
	'move-to-postgres': runMoveToPostgres,
	extract: runExtract,
	'parse-ingredients': runParseIngredients
};

const name = process.argv[2];
const command = name ? commands[name] : undefined;
if (!command) {
	console.error(usage);
	process.exit(name ? 2 : 0);
}
command().catch((err) => {
	// A refused backup or restore says why in its own words; it is no failure to start.
	console.error(err instanceof BackupError || err instanceof PgliteInUseError ? `cookmark ${name}: ${err.message}` : startupFailureMessage(err));
	process.exit(1);
});
