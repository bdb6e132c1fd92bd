import { spawn } from 'node:child_process';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { Database } from '../../src/lib/server/db/client';
import { publicTables, type TableInfo } from '../../src/lib/server/backup/catalog';

const root = path.resolve(import.meta.dirname, '../..');

/**
 * Every row of every table of the `public` schema, as PostgreSQL's own text of the row (so SQL
 * NULL and JSON null, bytes, microseconds all count), sorted: two databases hold the same data
 * exactly when these are equal. Times in UTC, bytes in hex, whatever the server's settings.
 * `shape`: only these tables and columns (an older schema's, compared after later migrations
 * added columns).
 */
export async function everyRow(database: Database, shape?: TableInfo[]): Promise<Record<string, string[]>> {
	return database.transaction(async (run) => {
		await run(sql`set local timezone = 'UTC'`);
		await run(sql`set local bytea_output = 'hex'`);
		const out: Record<string, string[]> = {};
		for (const t of shape ?? (await publicTables(run))) {
			const row = shape ? `row(${t.columns.map((c) => `t."${c.name}"`).join(', ')})` : 't';
			const rows = await run<{ row: string }>(sql.raw(`select ${row}::text as row from public."${t.name}" t order by 1`));
			out[t.name] = rows.map((r) => r.row);
		}
		return out;
	});
}

/** The tables of the `public` schema and their columns, as they are now. */
export const schemaShape = (database: Database): Promise<TableInfo[]> => database.transaction((run) => publicTables(run));

/** A backup file's JSON lines, decompressed. */
export const backupLines = (file: string) => gunzipSync(readFileSync(file)).toString('utf8').trimEnd().split('\n');

/** Writes JSON lines as a backup file (gzip), for files a test has altered. */
export const writeBackupLines = (file: string, lines: string[]) => writeFileSync(file, gzipSync(lines.join('\n') + '\n'));

/** `npm run cookmark -- ARGS` as a process of its own (tsx, without npm in between), run to its end. */
export function runCookmark(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
	const child = spawn(process.execPath, [path.join(root, 'node_modules/tsx/dist/cli.mjs'), 'src/cli/cookmark.ts', ...args], {
		cwd: root,
		env: { PATH: process.env.PATH ?? '', ...env },
		stdio: ['ignore', 'pipe', 'pipe']
	});
	let stdout = '';
	let stderr = '';
	child.stdout.on('data', (d) => (stdout += d));
	child.stderr.on('data', (d) => (stderr += d));
	return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}
