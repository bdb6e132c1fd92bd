import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { openDatabase, type Database } from '../../src/lib/server/db/client';
import { migrate } from '../../src/lib/server/db/migrate';

export type TestDbKind = 'pglite' | 'postgres';

export function testDbKind(): TestDbKind {
	const kind = process.env.TEST_DB ?? 'pglite';
	if (kind !== 'pglite' && kind !== 'postgres') throw new Error(`TEST_DB must be pglite or postgres, not ${kind}`);
	return kind;
}

export interface TestDatabase {
	database: Database;
	/** Set on PostgreSQL: a connection string for other processes (a spawned server). */
	url?: string;
	close(): Promise<void>;
}

/** A fresh, migrated, empty database of the kind this project runs (TEST_DB). */
export async function createTestDatabase(): Promise<TestDatabase> {
	if (testDbKind() === 'pglite') {
		const database = await openDatabase({ dataDir: 'memory://' });
		await migrate(database);
		return { database, close: () => database.close() };
	}
	const { url, drop } = await createPostgresDatabase();
	const database = await openDatabase({ databaseUrl: url, maxConnections: 20 });
	await migrate(database, url);
	return {
		database,
		url,
		async close() {
			await database.close();
			await drop();
		}
	};
}

/** An empty database on the test PostgreSQL server (TEST_PG_URL), dropped by `drop`. */
export async function createPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
	const admin = process.env.TEST_PG_URL;
	if (!admin) throw new Error('TEST_PG_URL is not set: run the suite through `npm test`');
	const name = `t_${randomBytes(6).toString('hex')}`;
	const sql = postgres(admin, { max: 1, onnotice: () => {} });
	await sql.unsafe(`create database ${name}`);
	await sql.end();
	const url = new URL(admin);
	url.pathname = `/${name}`;
	return {
		url: url.href,
		async drop() {
			const s = postgres(admin, { max: 1, onnotice: () => {} });
			await s.unsafe(`drop database if exists ${name} with (force)`);
			await s.end();
		}
	};
}
