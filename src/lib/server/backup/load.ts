import { stat } from 'node:fs/promises';
import { sql } from 'drizzle-orm';
import type { Database } from '../db/client';
import { migrate } from '../db/migrate';
import { ident, publicTables, table, type TableInfo } from './catalog';
import { BackupError, type BackupHeader } from './format';
import { journal, migrateTo, migrationLevel } from './migrations';
import { readBackup, verifyBackup } from './read';
import { planKey, type KeyPlace } from './secret';
import type { BackupSummary } from './dump';

export interface RestoreOptions extends KeyPlace {
	file: string;
	/** The new installation's database, open. */
	database: Database;
	/** Its connection string on PostgreSQL (the migrator opens a connection of its own). */
	databaseUrl?: string;
}

/** Rows sent at once: bounded by count and by size (pictures). */
const CHUNK_ROWS = 1_000;
const CHUNK_CHARS = 4 * 1024 * 1024;

/**
 * Restores a backup into a new installation, all or nothing. The file is read through and checked
 * first (a damaged or cut file is refused before anything is written), then the version rules
 * and the token key; the target is migrated to the backup's level, loaded in one transaction, and
 * migrated on to this Cookmark's level.
 */
export async function restoreBackup(options: RestoreOptions): Promise<BackupSummary & { header: BackupHeader }> {
	const started = performance.now();
	const { database } = options;
	const header = await verifyBackup(options.file);
	const known = (await journal()).entries;
	const level = header.migrations.count;
	if (level > known.length) {
		throw new BackupError(`this backup was made by a newer Cookmark (${header.app.version}, ${level} migrations; this one has ${known.length}): upgrade Cookmark first`);
	}
	if (known[level - 1]!.tag !== header.migrations.last) {
		throw new BackupError(`this backup's schema (migration ${header.migrations.last}) is not one this Cookmark knows (its migration ${level} is ${known[level - 1]!.tag})`);
	}
	const key = await planKey(header.secret, options);
	const targetLevel = await migrationLevel(database.rows);
	if (targetLevel > level) {
		throw new BackupError(
			`the target database is already migrated past this backup's level (${targetLevel} migrations, the backup ${level}): restore into an empty database (a new DATA_DIR, or a newly created PostgreSQL database)`
		);
	}
	if (targetLevel > 0) await refuseIfInUse(database);
	await migrateTo(database, options.databaseUrl, level);
	await key?.install();
	try {
		await database.transaction((run) => load(run, options.file, header));
	} catch (err) {
		await key?.undo();
		throw err;
	}
	if (level < known.length) await migrate(database, options.databaseUrl);
	const rows = header.tables.reduce((n, t) => n + t.rows, 0);
	return { header, tables: header.tables.length, rows, bytes: (await stat(options.file)).size, seconds: (performance.now() - started) / 1000 };
}

/** A restore never merges into, or overwrites, an installation that has people or their items. */
async function refuseIfInUse(database: Database): Promise<void> {
	const [used] = await database.rows<{ users: number; items: number }>(
		sql`select (select count(*)::int from public.users) as users, (select count(*)::int from public.queue_items) as items`
	);
	if (used!.users > 0 || used!.items > 0) {
		throw new BackupError(
			`the target installation is in use (${used!.users} accounts, ${used!.items} items): a backup is restored only into a new one (a new DATA_DIR, or a newly created PostgreSQL database)`
		);
	}
}

async function load(run: Database['rows'], file: string, header: BackupHeader): Promise<void> {
	const tables = new Map((await publicTables(run)).map((t) => [t.name, t]));
	const missing = header.tables.filter((t) => !tables.has(t.name));
	if (missing.length > 0) throw new BackupError(`the target has no table ${missing.map((t) => t.name).join(', ')} after migrating: is it a Cookmark database?`);
	// Triggers on restored rows would log them again (item_events, queue_counts are restored as they were).
	for (const t of tables.values()) for (const trigger of t.triggers) await run(sql.raw(`alter table public.${ident(t.name)} disable trigger ${ident(trigger)}`));
	// What a new installation made at its first start (its push keys, its key's fingerprint) gives way to the backup's.
	for (const name of [...tables.keys()].reverse()) await run(sql`delete from ${table(name)}`);
	let insert: ((chunk: string[]) => Promise<void>) | undefined;
	let chunk: string[] = [];
	let chars = 0;
	const flush = async () => {
		if (chunk.length > 0) await insert!(chunk);
		chunk = [];
		chars = 0;
	};
	for await (const part of readBackup(file)) {
		if (part.kind === 'table') {
			await flush();
			insert = inserter(run, tables.get(part.name)!, part.columns);
		} else if (part.kind === 'row') {
			chunk.push(part.line);
			chars += part.line.length;
			if (chunk.length >= CHUNK_ROWS || chars >= CHUNK_CHARS) await flush();
		}
	}
	await flush();
	for (const t of header.tables) {
		const [counted] = await run<{ n: number }>(sql`select count(*)::int as n from ${table(t.name)}`);
		if (counted!.n !== t.rows) throw new BackupError(`table ${t.name} has ${counted!.n} rows after the restore, not the backup's ${t.rows}`);
	}
	for (const s of header.sequences) {
		await run(sql`select setval(${`public.${ident(s.name)}`}::regclass, ${s.value}::bigint, ${s.isCalled})`);
	}
	for (const t of tables.values()) for (const trigger of t.triggers) await run(sql.raw(`alter table public.${ident(t.name)} enable trigger ${ident(trigger)}`));
}

/** Inserts a chunk of a table's rows (JSON lines) in one statement, identity values as they were. */
function inserter(run: Database['rows'], info: TableInfo, columns: string[]): (chunk: string[]) => Promise<void> {
	const types = new Map(info.columns.map((c) => [c.name, c.type]));
	const unknown = columns.filter((c) => !types.has(c));
	if (unknown.length > 0) throw new BackupError(`table ${info.name} has no column ${unknown.join(', ')} here: is the backup from this schema?`);
	// json and jsonb arrive as their text (format.ts) and are parsed here.
	const carried = (c: string) => (types.get(c) === 'json' || types.get(c) === 'jsonb' ? 'text' : types.get(c)!);
	const list = columns.map(ident).join(', ');
	const values = columns.map((c) => (carried(c) === types.get(c) ? `r.${ident(c)}` : `r.${ident(c)}::${types.get(c)}`)).join(', ');
	const shape = columns.map((c) => `${ident(c)} ${carried(c)}`).join(', ');
	const statement = `insert into public.${ident(info.name)} (${list}) overriding system value select ${values} from json_to_recordset(`;
	return async (chunk) => {
		await run(sql`${sql.raw(statement)}${`[${chunk.join(',')}]`}::json) as r(${sql.raw(shape)})`);
	};
}
