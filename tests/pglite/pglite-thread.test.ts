import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';
import { eq, sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/pglite';
import { bigint, integer, jsonb, numeric, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { openDatabase, type Database } from '../../src/lib/server/db/client';
import { PgliteThread } from '../../src/lib/server/db/pglite-thread';
import { isUniqueViolation } from '../../src/lib/server/db/unique-violation';
import { deferred, within } from '../helpers/deferred';

/**
 * PGlite runs in a worker thread behind the same `Database` (db/pglite-thread.ts). What must hold:
 * the event loop turns while a statement runs, and everything else is as it was in-process.
 */
const root = path.resolve(import.meta.dirname, '../..');

const things = pgTable('things', {
	id: bigint('id', { mode: 'bigint' }).primaryKey(),
	n: bigint('n', { mode: 'number' }),
	at: timestamp('at', { withTimezone: true, mode: 'date' }),
	atText: timestamp('at_text', { withTimezone: true, mode: 'string' }),
	data: jsonb('data').$type<{ name: string; tags: string[]; nested: { ok: boolean } }>(),
	labels: text('labels').array(),
	counts: integer('counts').array(),
	price: numeric('price')
});
const CREATE_THINGS = `create table things (id int8 primary key, n int8, at timestamptz, at_text timestamptz, data jsonb, labels text[], counts int4[], price numeric)`;

let database: Database;

beforeAll(async () => {
	database = await openDatabase({ dataDir: 'memory://' });
	await database.rows(sql.raw(CREATE_THINGS));
	await database.rows(sql`create table ledger (n int not null)`);
});

afterAll(async () => {
	await database?.close();
});

describe('PGlite in its own thread', () => {
	it('keeps the event loop turning while a statement runs: a local HTTP server answers meanwhile', async () => {
		const server = http.createServer((_req, res) => res.end('pong'));
		await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
		try {
			let finished = false;
			const started = Date.now();
			const slow = database.rows(sql`select pg_sleep(2)`).then(() => (finished = true));
			let turns = 0;
			const spin = () => {
				turns++;
				if (!finished) setImmediate(spin);
			};
			spin();
			const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
			expect(await res.text()).toBe('pong');
			expect(finished).toBe(false); // answered while the statement was still running
			await slow;
			expect(Date.now() - started).toBeGreaterThanOrEqual(1_900); // it did take its time
			// In-process, the statement held the loop the whole time: only a few turns around it.
			expect(turns).toBeGreaterThan(1_000);
		} finally {
			await new Promise((r) => server.close(r));
		}
	});

	it('gives drizzle the same values as PGlite in-process: Date, jsonb, bigint, arrays, numeric', async () => {
		const local = await PGlite.create('memory://');
		try {
			await local.exec(CREATE_THINGS);
			const reference = drizzle(local);
			const at = new Date('2024-02-29T23:59:58.123Z');
			const row = {
				id: 9_007_199_254_740_993n,
				n: 42,
				at,
				atText: '2024-01-02 03:04:05.678+00',
				data: { name: 'crème brûlée', tags: ['dessert', '🍮'], nested: { ok: true } },
				labels: ['a', 'b "quoted"', 'c,d'],
				counts: [1, -2, 3],
				price: '12.50'
			};
			const run = async (db: Database['db']) => {
				const inserted = await db.insert(things).values(row).returning();
				const selected = await db.select().from(things).where(eq(things.id, row.id));
				const partial = await db.select({ at: things.at, first: sql<string>`${things.labels}[1]` }).from(things);
				const raw = (await db.execute(sql`select id, n, at, data, labels, counts, price, now() - now() as span from things`)) as unknown as {
					rows: Array<Record<string, unknown>>;
				};
				await db.delete(things);
				return { inserted, selected, partial, raw: raw.rows };
			};
			const expected = await run(reference as unknown as Database['db']);
			const actual = await run(database.db);
			expect(actual).toEqual(expected);
			expect(actual.selected[0]).toEqual(row);
			expect(actual.selected[0]!.at).toBeInstanceOf(Date);
			expect(typeof actual.selected[0]!.id).toBe('bigint');
			expect(typeof actual.raw[0]!.id).toBe('bigint'); // int8 through raw SQL, as in-process
			expect(actual.raw[0]!.data).toEqual(row.data);
		} finally {
			await local.close();
		}
	});

	it("keeps a transaction's statements apart from a concurrent caller's, who waits until it ends", async () => {
		await database.rows(sql`delete from ledger`);
		const events: string[] = [];
		let outside: Promise<unknown> | undefined;
		const seen = await database.transaction(async (rows) => {
			await rows(sql`insert into ledger values (1)`);
			outside = database.rows(sql`insert into ledger values (100)`).then(() => events.push('outside done'));
			// A round trip to the thread: the outside insert was posted before the next statement.
			await rows(sql`select 1`);
			await rows(sql`insert into ledger values (2)`);
			return rows<{ n: number }>(sql`select n from ledger order by n`);
		});
		events.push('transaction done');
		await outside;
		expect(seen.map((r) => r.n)).toEqual([1, 2]); // the outside insert did not land inside
		expect(events).toEqual(['transaction done', 'outside done']);
		expect((await database.rows<{ n: number }>(sql`select n from ledger order by n`)).map((r) => r.n)).toEqual([1, 2, 100]);
	});

	it('rolls a transaction back when its work throws, savepoints included, and the next caller goes on', async () => {
		await database.rows(sql`delete from ledger`);
		const boom = new Error('boom');
		await expect(
			database.db.transaction(async (tx) => {
				await tx.execute(sql`insert into ledger values (1)`);
				await tx
					.transaction(async (inner) => {
						await inner.execute(sql`insert into ledger values (2)`);
						throw new Error('inner');
					})
					.catch(() => {});
				const inside = (await tx.execute(sql`select n from ledger`)) as unknown as { rows: unknown[] };
				expect(inside.rows).toEqual([{ n: 1 }]); // the savepoint was rolled back, the rest kept
				throw boom;
			})
		).rejects.toBe(boom);
		expect(await database.rows(sql`select n from ledger`)).toEqual([]);
		// drizzle's tx.rollback() throws its own error, which rolls back on the way out.
		const result = await database.db.transaction(async (tx) => {
			await tx.execute(sql`insert into ledger values (3)`);
			tx.rollback();
		}).catch((err: Error) => err.message);
		expect(result).toBe('Rollback');
		expect(await database.rows(sql`select n from ledger`)).toEqual([]);
	});

	it('keeps the SQLSTATE, constraint and message of an error', async () => {
		await database.rows(sql`create table unique_names (name text constraint unique_names_name unique)`);
		await database.rows(sql`insert into unique_names values ('alice')`);
		const err = await database.db
			.execute(sql`insert into unique_names values ('alice')`)
			.then(() => null, (e: unknown) => e);
		expect(isUniqueViolation(err, 'unique_names_name')).toBe(true);
		const cause = (err as { cause: Error & Record<string, unknown> }).cause;
		expect(cause).toMatchObject({ code: '23505', constraint: 'unique_names_name', table: 'unique_names', severity: 'ERROR' });
		expect(cause.message).toMatch(/duplicate key value violates unique constraint "unique_names_name"/);
		// Inside a transaction too; committing an aborted one fails with 25P02, as in-process.
		const aborted = await database.db
			.transaction(async (tx) => {
				await tx.execute(sql`select 1/0`).catch((e: { cause: { code: string } }) => expect(e.cause.code).toBe('22012'));
			})
			.then(() => null, (e: unknown) => e);
		expect(aborted).toMatchObject({ code: '25P02' });
	});

	it('refuses query options that cannot cross to the thread, rather than ignore them', async () => {
		const client = (database.db as unknown as { $client: PgliteThread }).$client;
		expect(client).toBeInstanceOf(PgliteThread);
		await expect(client.query('select 1 as n', [], { parsers: { 23: (v: string) => Number(v) + 1 } })).rejects.toThrow(/cannot cross/);
		// drizzle's own parsers (text as it is) do cross: its dates stay strings for it to map.
		const raw = await client.query<{ at: string }>(`select '2024-01-02 03:04:05+00'::timestamptz as at`, [], { parsers: { 1184: (v: string) => v } });
		expect(raw.rows).toEqual([{ at: '2024-01-02 03:04:05+00' }]);
	});

	it('delivers NOTIFY to listeners on the main thread, and stops after unsubscribing', async () => {
		const a: string[] = [];
		const b = deferred<string>();
		const stopA = await database.listen('thread_a', (p) => a.push(p));
		const stopB = await database.listen('thread_b', (p) => b.resolve(p));
		await database.notify('thread_a', 'first');
		await stopA();
		await database.notify('thread_a', 'second');
		await database.notify('thread_b', 'after');
		// Notifications come in order: once b's arrived, a's second would have too.
		expect(await within(b.promise, 5_000, 'the notification')).toBe('after');
		expect(a).toEqual(['first']);
		await stopB();
	});
});

describe('the thread ending', () => {
	it('rejects pending and later calls, with a connection-failure code, when the thread dies', async () => {
		const thread = await PgliteThread.start('memory://');
		const slow = thread.query('select pg_sleep(60)');
		const queued = thread.query('select 1');
		await thread.worker.terminate();
		await expect(within(slow, 10_000, 'the pending statement')).rejects.toMatchObject({ code: '08006' });
		await expect(queued).rejects.toMatchObject({ code: '08006' });
		await expect(thread.query('select 1')).rejects.toThrow(/thread is gone/);
		await thread.close(); // no hang
	});

	it('close() leaves the data on disk and the thread ended; the directory opens again', async () => {
		const dir = mkdtempSync(path.join(os.tmpdir(), 'cookmark-thread-'));
		try {
			// Migrated by the CLI under tsx: the thread starts from source there too, and the command
			// neither exits before its answers nor hangs after closing.
			const migrated = spawnSync(process.execPath, [path.join(root, 'node_modules/tsx/dist/cli.mjs'), 'src/cli/cookmark.ts', 'migrate'], {
				cwd: root,
				env: { PATH: process.env.PATH ?? '', DATA_DIR: dir, LOG_LEVEL: 'info' },
				encoding: 'utf8',
				timeout: 120_000
			});
			expect(migrated.status, migrated.stdout + migrated.stderr).toBe(0);
			expect(migrated.stdout).toMatch(/migrations applied/);

			const first = await PgliteThread.start(path.join(dir, 'pglite'));
			expect((await first.query<{ n: number }>('select count(*)::int as n from drizzle.__drizzle_migrations')).rows[0]!.n).toBeGreaterThan(0);
			await first.query('create table kept (v text)');
			await first.transaction(async (tx) => void (await tx.query('insert into kept values ($1)', ['durable'])));
			await first.close();
			expect(first.worker.threadId).toBe(-1); // the thread has exited

			const again = await openDatabase({ dataDir: dir });
			try {
				expect(await again.rows(sql`select v from kept`)).toEqual([{ v: 'durable' }]);
			} finally {
				await again.close();
			}
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	}, 180_000);
});

describe('the built app', () => {
	it("has the thread's entry in build/ as a chunk of its own that starts and answers", async () => {
		const dir = path.join(root, 'build', 'server');
		const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.js'));
		const entries = files.filter((f) => readFileSync(path.join(dir, f), 'utf8').includes('cookmark-pglite-thread'));
		expect(entries, 'run `npm run build` first').toHaveLength(1);
		const code = readFileSync(path.join(dir, entries[0]!), 'utf8');
		// Only Node and PGlite: starting it runs none of the app.
		expect([...code.matchAll(/^import .* from ['"]([^'"]+)['"]/gm)].map((m) => m[1])).toEqual(['node:worker_threads']);
		const worker = new Worker(path.join(dir, entries[0]!), { workerData: { mark: 'cookmark-pglite-thread', location: 'memory://' } });
		try {
			const replies: unknown[] = [];
			const answered = deferred();
			worker.on('message', (msg: { t: string }) => {
				replies.push(msg);
				if (msg.t === 'ready') worker.postMessage({ id: 1, op: 'query', sql: 'select 40 + 2 as answer' });
				if (msg.t === 'reply') answered.resolve();
			});
			worker.on('error', answered.reject);
			await within(answered.promise, 60_000, 'the built thread');
			expect(replies).toMatchObject([{ t: 'ready' }, { t: 'reply', id: 1, value: { rows: [{ answer: 42 }] } }]);
		} finally {
			await worker.terminate();
		}
	});
});
