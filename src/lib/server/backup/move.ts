import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { openDatabase } from '../db/client';
import { table } from './catalog';
import { writeBackup, type BackupSummary } from './dump';
import { BackupError } from './format';
import { restoreBackup } from './load';
import { backupSecret } from './secret';

export interface MoveOptions {
	/** The embedded installation's DATA_DIR (its PGlite files and key file). */
	dataDir: string;
	/** The PostgreSQL database to move to: new and empty, or migrated but unused. */
	databaseUrl: string;
	secretKey?: string;
}

/**
 * Moves an embedded (PGlite) installation to PostgreSQL: a backup of it into a temporary file
 * (owner-only, removed afterwards), restored into the server's database, then every table's row
 * count compared between the two. The PGlite files are left as they were.
 */
export async function moveToPostgres(options: MoveOptions): Promise<BackupSummary & { counts: { name: string; rows: number }[] }> {
	const started = performance.now();
	const source = await openDatabase({ dataDir: options.dataDir });
	const folder = await mkdtemp(path.join(tmpdir(), 'cookmark-move-'));
	try {
		const file = path.join(folder, 'move.cmbak');
		await writeBackup(source, createWriteStream(file, { mode: 0o600 }), { secret: await backupSecret(options) });
		const target = await openDatabase({ databaseUrl: options.databaseUrl, maxConnections: 2 });
		try {
			const restored = await restoreBackup({ file, database: target, databaseUrl: options.databaseUrl, dataDir: options.dataDir, secretKey: options.secretKey });
			const counts = [];
			for (const { name } of restored.header.tables) {
				const count = async (database: typeof source) => (await database.rows<{ n: number }>(sql`select count(*)::int as n from ${table(name)}`))[0]!.n;
				const [from, to] = [await count(source), await count(target)];
				if (from !== to) throw new BackupError(`table ${name} has ${from} rows in the embedded database but ${to} on PostgreSQL after the move`);
				counts.push({ name, rows: to });
			}
			return { ...restored, counts, seconds: (performance.now() - started) / 1000 };
		} finally {
			await target.close();
		}
	} finally {
		await rm(folder, { recursive: true, force: true });
		await source.close();
	}
}
