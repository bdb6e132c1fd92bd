import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { SQL } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import * as schema from './schema';

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

/**
 * The one database handle the rest of the app sees. PGlite and PostgreSQL differ only inside
 * this module: the same drizzle schema, the same SQL, LISTEN/NOTIFY on both (PGlite delivers
 * notifications inside its own process, PostgreSQL across processes).
 */
export interface Database {
	readonly kind: 'pglite' | 'postgres';
	readonly db: Db;
	/** Runs a raw statement and returns its rows, whichever driver is underneath. */
	rows<T = Record<string, unknown>>(query: SQL): Promise<T[]>;
	/** Runs raw statements in one transaction: each sees what committed before it began. */
	transaction<T>(work: (rows: Database['rows']) => Promise<T>): Promise<T>;
	/**
	 * Subscribes to a NOTIFY channel; resolves once listening, to an unsubscribe function.
	 * `onRelisten` runs each time listening starts again after the connection was lost (a database
	 * restart): notifications sent meanwhile are gone, so a caller catches up from the tables.
	 */
	listen(channel: string, onPayload: (payload: string) => void, onRelisten?: () => void): Promise<() => Promise<void>>;
	notify(channel: string, payload: string): Promise<void>;
	close(): Promise<void>;
}

export interface OpenOptions {
	databaseUrl?: string;
	/** PGlite directory; `memory://` keeps it in memory (tests). */
	dataDir?: string;
	/** postgres.js pool size. */
	maxConnections?: number;
}

export async function openDatabase(opts: OpenOptions): Promise<Database> {
	return opts.databaseUrl ? openPostgres(opts.databaseUrl, opts.maxConnections) : openPglite(opts.dataDir ?? './data');
}

async function openPostgres(url: string, max = 10): Promise<Database> {
	const { default: postgres } = await import('postgres');
	const { drizzle } = await import('drizzle-orm/postgres-js');
	const client = postgres(url, {
		max,
		onnotice: () => {}
	});
	const db = drizzle(client, { schema }) as unknown as Db;
	return {
		kind: 'postgres',
		db,
		async rows<T>(query: SQL) {
			return (await db.execute(query)) as unknown as T[];
		},
		transaction(work) {
			return db.transaction((tx) => work(async <T>(query: SQL) => (await tx.execute(query)) as unknown as T[]));
		},
		async listen(channel, onPayload, onRelisten) {
			let listened = false;
			// postgres.js listens again by itself after a reconnect, and says so here each time.
			const sub = await client.listen(channel, onPayload, () => {
				if (listened) onRelisten?.();
				listened = true;
			});
			return () => sub.unlisten();
		},
		async notify(channel, payload) {
			await client.notify(channel, payload);
		},
		async close() {
			await client.end({ timeout: 5 });
		}
	};
}

async function openPglite(dataDir: string): Promise<Database> {
	const { PGlite } = await import('@electric-sql/pglite');
	const { drizzle } = await import('drizzle-orm/pglite');
	let location = dataDir;
	if (!dataDir.startsWith('memory://')) {
		location = path.resolve(dataDir, 'pglite');
		mkdirSync(location, { recursive: true });
	}
	const client = await PGlite.create(location);
	const db = drizzle(client, { schema }) as unknown as Db;
	return {
		kind: 'pglite',
		db,
		async rows<T>(query: SQL) {
			const result = (await db.execute(query)) as unknown as { rows: T[] };
			return result.rows;
		},
		transaction(work) {
			return db.transaction((tx) => work(async <T>(query: SQL) => ((await tx.execute(query)) as unknown as { rows: T[] }).rows));
		},
		async listen(channel, onPayload) {
			// In-process: the connection is never lost, so never listens again.
			return client.listen(channel, onPayload);
		},
		async notify(channel, payload) {
			await client.query('select pg_notify($1, $2)', [channel, payload]);
		},
		async close() {
			await client.close();
		}
	};
}
