import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import type { Database } from './client';

/** drizzle/ at the project's root, found from here in source (tsx, vitest) and in build/. */
export function migrationsFolder(): string {
	const candidates = [
		process.env.COOKMARK_MIGRATIONS_DIR,
		path.resolve(process.cwd(), 'drizzle'),
		path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../drizzle')
	].filter((p): p is string => Boolean(p));
	const found = candidates.find((p) => existsSync(path.join(p, 'meta', '_journal.json')));
	if (!found) throw new Error(`migrations not found (looked in ${candidates.join(', ')})`);
	return found;
}

// Any fixed number works; it only has to be the same in every Cookmark process.
const MIGRATION_LOCK = 0x636f6f6b; // "cook"

/**
 * Applies pending migrations (those in `folder`: a restore passes one that stops at its backup's
 * level). On PostgreSQL several processes may start at once, so they queue on an advisory lock
 * held by a single dedicated connection for the duration.
 */
export async function migrate(database: Database, databaseUrl?: string, folder = migrationsFolder()): Promise<void> {
	if (database.kind === 'pglite') {
		const { migrate: run } = await import('drizzle-orm/pglite/migrator');
		await run(database.db as never, { migrationsFolder: folder });
		return;
	}
	if (!databaseUrl) throw new Error('migrate: databaseUrl is required for PostgreSQL');
	const { default: postgres } = await import('postgres');
	const { drizzle } = await import('drizzle-orm/postgres-js');
	const { migrate: run } = await import('drizzle-orm/postgres-js/migrator');
	const client = postgres(databaseUrl, { max: 1, onnotice: () => {} });
	try {
		await client`select pg_advisory_lock(${MIGRATION_LOCK})`;
		await run(drizzle(client), { migrationsFolder: folder });
	} finally {
		await client`select pg_advisory_unlock(${MIGRATION_LOCK})`.catch(() => {});
		await client.end({ timeout: 5 });
	}
}
