import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Database } from '../db/client';
import { migrate, migrationsFolder } from '../db/migrate';

const Journal = z.looseObject({ entries: z.array(z.looseObject({ tag: z.string(), when: z.number() })) });
type Journal = z.infer<typeof Journal>;

/** The migrations this Cookmark has, in order (drizzle/meta/_journal.json). */
export async function journal(folder = migrationsFolder()): Promise<Journal> {
	return Journal.parse(JSON.parse(await readFile(path.join(folder, 'meta', '_journal.json'), 'utf8')));
}

/** How many migrations a database has had applied (0 for an empty one). */
export async function migrationLevel(rows: Database['rows']): Promise<number> {
	const [found] = await rows<{ exists: boolean }>(sql`select to_regclass('drizzle.__drizzle_migrations') is not null as exists`);
	if (!found?.exists) return 0;
	const [counted] = await rows<{ n: number }>(sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
	return counted!.n;
}

/**
 * Migrates the database up to the first `level` migrations and no further: a backup made by an
 * older Cookmark is loaded into the schema it was made from, and migrated on like any database.
 * drizzle's migrator reads a folder, so it gets one whose journal stops there.
 */
export async function migrateTo(database: Database, databaseUrl: string | undefined, level: number): Promise<void> {
	const folder = migrationsFolder();
	const full = await journal(folder);
	if (level >= full.entries.length) return migrate(database, databaseUrl, folder);
	const partial = await mkdtemp(path.join(tmpdir(), 'cookmark-migrations-'));
	try {
		const entries = full.entries.slice(0, level);
		await mkdir(path.join(partial, 'meta'));
		await writeFile(path.join(partial, 'meta', '_journal.json'), JSON.stringify({ ...full, entries }));
		for (const e of entries) await copyFile(path.join(folder, `${e.tag}.sql`), path.join(partial, `${e.tag}.sql`));
		await migrate(database, databaseUrl, partial);
	} finally {
		await rm(partial, { recursive: true, force: true });
	}
}
