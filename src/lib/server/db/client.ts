import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { SQL } from 'drizzle-orm';
import type { Options, Sql } from 'postgres';
import type { PGlite } from '@electric-sql/pglite';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { PgListener } from './pg-listener';
import { lockPglite } from './pglite-lock';
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
	 * `onResumed` runs when listening holds again after the connection was lost (PostgreSQL only):
	 * notifications sent meanwhile are gone, and a subscriber that must not miss any looks them up.
	 */
	listen(channel: string, onPayload: (payload: string) => void, onResumed?: () => void): Promise<() => Promise<void>>;
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
	// During an outage postgres.js waits before each reconnect, up to 20 s by default: a request
	// arriving then would wait that long, and recovery would lag the database by as much. A
	// connection that cannot be opened fails within 10 s (not 30), which bounds a request's wait.
	// fetch_types off: postgres.js reads the array types as each new connection opens, and drops
	// that query's promise (porsager/postgres#1192, #1223): a connection cut right then becomes
	// an unhandled rejection that ends the process. Nothing here reads arrays back from PostgreSQL.
	const options = { onnotice: () => {}, backoff: (retries: number) => Math.min(0.05 * 2 ** retries, 1), connect_timeout: 10, fetch_types: false };
	const client = postgres(url, { ...options, max });
	const listener = new PgListener((hooks) =>
		postgres(url, { ...options, ...hooks, max: 1, max_lifetime: null } as Options<{}>)
	);
	const db = drizzle(client, { schema }) as unknown as Db;
	// Raw statements (the engine's) run as prepared statements: drizzle sends unnamed queries
	// unprepared, so each would be parsed and planned again — milliseconds for the engine's
	// batch statements, paid on every claim and every batch of transitions.
	const dialect = (db as unknown as { dialect: { sqlToQuery(q: SQL): { sql: string; params: unknown[] } } }).dialect;
	const prepared = async <T>(run: Sql, query: SQL) => {
		const { sql: text, params } = dialect.sqlToQuery(query);
		return (await run.unsafe(text, params as never[], { prepare: true })) as unknown as T[];
	};
	return {
		kind: 'postgres',
		db,
		rows: <T>(query: SQL) => prepared<T>(client, query),
		transaction(work) {
			return client.begin((tx) => work(<T>(query: SQL) => prepared<T>(tx as unknown as Sql, query))) as never;
		},
		listen: (channel, onPayload, onResumed) => listener.listen(channel, onPayload, onResumed),
		async notify(channel, payload) {
			await client.notify(channel, payload);
		},
		async close() {
			await Promise.all([listener.close(), client.end({ timeout: 5 })]);
		}
	};
}

async function openPglite(dataDir: string): Promise<Database> {
	const { PgliteThread } = await import('./pglite-thread');
	const { drizzle } = await import('drizzle-orm/pglite');
	let location = dataDir;
	let unlock = async () => {};
	if (!dataDir.startsWith('memory://')) {
		location = path.resolve(dataDir, 'pglite');
		mkdirSync(location, { recursive: true });
		unlock = await lockPglite(path.resolve(dataDir));
	}
	// PGlite runs its queries synchronously: in a thread of its own they no longer hold the event
	// loop that accepts and answers HTTP (issue 22: connections waited 5–21 s under load). The
	// thread offers the calls drizzle's pglite driver makes, so the driver and its migrator stay.
	let client: Awaited<ReturnType<typeof PgliteThread.start>>;
	try {
		client = await PgliteThread.start(location);
	} catch (err) {
		await unlock();
		throw err;
	}
	const db = drizzle(client as unknown as PGlite, { schema }) as unknown as Db;
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
			// In one process: the thread is never lost while the process lives, so never listens again.
			return client.listen(channel, onPayload);
		},
		async notify(channel, payload) {
			await client.query('select pg_notify($1, $2)', [channel, payload]);
		},
		async close() {
			await client.close();
			await unlock();
		}
	};
}
