import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/lib/server/app';
import { createApiToken, validateApiToken } from '../../src/lib/server/auth/api-tokens';
import { logIn, signUpAndIn } from '../../src/lib/server/auth/sign-in';
import { createAccount } from '../../src/lib/server/auth/users';
import { validateSessionToken } from '../../src/lib/server/auth/sessions';
import { writeBackup } from '../../src/lib/server/backup/dump';
import { BackupError } from '../../src/lib/server/backup/format';
import { restoreBackup } from '../../src/lib/server/backup/load';
import { journal, migrateTo, migrationLevel } from '../../src/lib/server/backup/migrations';
import { backupSecret } from '../../src/lib/server/backup/secret';
import type { TableInfo } from '../../src/lib/server/backup/catalog';
import { parseConfig } from '../../src/lib/server/config';
import { openDatabase, type Database } from '../../src/lib/server/db/client';
import { channels } from '../../src/lib/server/queue/channels';
import { createImport, planImport } from '../../src/lib/server/imports/batches';
import { saveSubscription, subscriptionsOf } from '../../src/lib/server/push/subscriptions';
import { enqueueShare } from '../../src/lib/server/shares/enqueue';
import { backupLines, everyRow, schemaShape, writeBackupLines } from '../helpers/backup';
import { createPostgresDatabase, testDbKind } from '../helpers/db';
import { waitUntil } from '../helpers/deferred';
import { html, startHttpServer } from '../helpers/http-server';
import { testLogger } from '../helpers/logger';
import { recipePage } from '../helpers/recipe-page';

const PASSWORD = 'correct horse battery staple';
const TANDOOR_TOKEN = 'tda_backup-test-token';
const INSTAGRAM_SESSION = 'csrftoken=backupCsrf; sessionid=4242%3AbackupInstaSecret%3A17';

/** A new installation: its DATA_DIR (the key file; PGlite's files too) and, on PostgreSQL, a new database. */
interface Installation {
	dataDir: string;
	url?: string;
	env: Record<string, string>;
	open(): Promise<Database>;
	cleanup(): Promise<void>;
}

const temporaries: string[] = [];
const tempDir = (prefix: string) => {
	const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
	temporaries.push(dir);
	return dir;
};

async function installation(): Promise<Installation> {
	const dataDir = tempDir('cookmark-backup-');
	if (testDbKind() === 'pglite') {
		return { dataDir, env: { DATA_DIR: dataDir }, open: () => openDatabase({ dataDir }), cleanup: async () => {} };
	}
	const { url, drop } = await createPostgresDatabase();
	return { dataDir, url, env: { DATA_DIR: dataDir, DATABASE_URL: url }, open: () => openDatabase({ databaseUrl: url }), cleanup: drop };
}

const startApp = (where: Installation, env: Record<string, string> = {}) =>
	createApp({ config: parseConfig({ ...where.env, LOG_LEVEL: 'silent', QUEUE_POLL_MS: '100', FETCH_ALLOW_PRIVATE: 'true', QUEUE_RETRY_ATTEMPTS: '1', ...env }), log: testLogger });

async function backUp(database: Database, dataDir: string, file: string) {
	return writeBackup(database, createWriteStream(file, { mode: 0o600 }), { secret: await backupSecret({ dataDir }) });
}

async function shareAndWait(app: App, userId: string, url: string) {
	const shared = await enqueueShare(app, userId, { url });
	if (shared.kind === 'saved') throw new Error('a first share cannot be already saved');
	return waitUntil(
		async () => {
			const now = await app.items.get(userId, shared.item.id);
			return now && now.status !== 'pending' && now.status !== 'in_progress' ? now : null;
		},
		(onChange) => app.database.listen(channels.itemEvents, onChange),
		20_000,
		`${url} to finish`
	);
}

let site: Awaited<ReturnType<typeof startHttpServer>>;
beforeAll(async () => {
	const pie = await sharp({ create: { width: 1600, height: 1200, channels: 3, background: '#c8763a' } }).jpeg().toBuffer();
	site = await startHttpServer({
		'/pie': html(recipePage("Grandma's Apple Pie", '<meta property="og:image" content="/pie.jpg">')),
		'/pie.jpg': (_req, res) => void res.writeHead(200, { 'content-type': 'image/jpeg' }).end(pie),
		'/soup': html(recipePage('Tomato Soup')),
		'/stew': html(recipePage('Beef Stew'))
	});
});
afterAll(async () => {
	await site?.close();
	for (const dir of temporaries) rmSync(dir, { recursive: true, force: true });
});

describe('a backup restored into a new installation', () => {
	let source: Installation;
	let target: Installation;
	let file: string;
	let alice: { id: string; session: string; token: string };
	let before: Record<string, string[]>;

	beforeAll(async () => {
		source = await installation();
		target = await installation();
		file = path.join(tempDir('cookmark-file-'), 'cookmark.cmbak');
		const app = await startApp(source);
		try {
			const client = { address: '127.0.0.1', userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0' };
			const signedIn = await signUpAndIn(app, { username: 'alice', password: PASSWORD }, client);
			const bob = await createAccount(app.database, 'bob', PASSWORD);
			await logIn(app, { username: 'bob', password: PASSWORD }, client);
			await expect(logIn(app, { username: 'bob', password: 'wrong password, once' }, client)).rejects.toThrow();
			const { token } = await createApiToken(app.database, signedIn.user.id, 'Shortcuts');
			alice = { id: signedIn.user.id, session: signedIn.token, token };
			// A saved recipe with its picture, a plain one, and a link that fails (404), each with its history.
			expect((await shareAndWait(app, alice.id, `${site.origin}/pie`)).status).toBe('success');
			expect((await shareAndWait(app, alice.id, `${site.origin}/soup`)).status).toBe('success');
			expect((await shareAndWait(app, bob.id, `${site.origin}/missing`)).status).toBe('error');
			const plan = await planImport(app, alice.id, [`${site.origin}/stew`, `${site.origin}/pie`]);
			const batch = await createImport(app, alice.id, plan, 'links.txt');
			await waitUntil(
				async () => {
					const { items } = await app.items.list({ userId: alice.id, batchId: batch.id, limit: 10 });
					return items.length > 0 && items.every((i) => i.status !== 'pending' && i.status !== 'in_progress');
				},
				(onChange) => app.database.listen(channels.itemEvents, onChange),
				20_000,
				'the import to finish'
			);
			await saveSubscription(app.database, { userId: alice.id, endpoint: 'https://push.example/send/abc', p256dh: 'BPk-p256dh-key', auth: 'auth-secret', device: 'Firefox on Linux' });
			await app.targets.settings.save(alice.id, { kind: 'tandoor', baseUrl: 'http://127.0.0.1:9/', token: TANDOOR_TOKEN });
			await app.platformSessions.save(alice.id, 'instagram', INSTAGRAM_SESSION);
			await app.database.db.execute(sql`update queue_items set result = 'null'::jsonb where id = (select id from queue_items where status = 'error' limit 1)`);
		} finally {
			await app.shutdown();
		}
		const database = await source.open();
		try {
			const summary = await backUp(database, source.dataDir, file);
			expect(summary.bytes).toBe(statSync(file).size);
			before = await everyRow(database);
		} finally {
			await database.close();
		}
	}, 90_000);
	afterAll(async () => {
		await source?.cleanup();
		await target?.cleanup();
	});

	it('holds every kind of row the app makes', () => {
		for (const name of ['users', 'sessions', 'api_tokens', 'rate_limits', 'queue_items', 'queue_batches', 'queue_counts', 'item_phases', 'item_attempts', 'item_events', 'recipes', 'recipe_sources', 'recipe_pictures', 'push_subscriptions', 'user_targets', 'platform_sessions', 'app_config']) {
			expect(before[name]?.length, name).toBeGreaterThan(0);
		}
		expect(statSync(file).mode & 0o777).toBe(0o600);
		const header = JSON.parse(backupLines(file)[0]!);
		expect(header).toMatchObject({ format: 'cookmark-backup', version: 1, database: testDbKind(), secret: { kind: 'key-file' } });
		expect(header.tables.find((t: { name: string }) => t.name === 'recipe_pictures').rows).toBe(before.recipe_pictures!.length);
		expect(header.tables.map((t: { name: string }) => t.name)).not.toContain('__drizzle_migrations');
		// Sealed in the file as in the database: no part of the session in clear.
		expect(backupLines(file).filter((line) => /backupCsrf|backupInstaSecret/.test(line))).toEqual([]);
	});

	it('restores every table row for row, with the key that opens the sealed token, and the app carries on', async () => {
		const database = await target.open();
		try {
			const restored = await restoreBackup({ file, database, databaseUrl: target.url, dataDir: target.dataDir });
			expect(restored.rows).toBe(Object.values(before).reduce((n, rows) => n + rows.length, 0));
			expect(await everyRow(database)).toEqual(before);
		} finally {
			await database.close();
		}
		expect(readFileSync(path.join(target.dataDir, 'secret.key'), 'utf8')).toBe(readFileSync(path.join(source.dataDir, 'secret.key'), 'utf8'));
		expect(statSync(path.join(target.dataDir, 'secret.key')).mode & 0o777).toBe(0o600);

		const app = await startApp(target);
		try {
			expect(await validateSessionToken(app.database, alice.session)).toMatchObject({ user: { id: alice.id, username: 'alice' } });
			expect(await validateApiToken(app.database, alice.token)).toMatchObject({ id: alice.id });
			expect(await app.targets.settings.connection(alice.id)).toEqual({ kind: 'tandoor', baseUrl: 'http://127.0.0.1:9/', token: TANDOOR_TOKEN });
			// The Instagram session still opens for alice: the key came along, and it is sealed to her id, which the restore kept.
			expect(await app.platformSessions.cookie(alice.id, 'instagram')).toBe(INSTAGRAM_SESSION);
			expect(await app.platformSessions.list(alice.id)).toEqual([expect.objectContaining({ platform: 'instagram', expiredAt: null })]);
			expect((await subscriptionsOf(app.database, alice.id)).map((s) => s.endpoint)).toEqual(['https://push.example/send/abc']);
			// The sequences go on from where they stood: new events and attempts get new ids.
			const [last] = await app.database.rows<{ event: number; attempt: number }>(
				sql`select (select max(id) from item_events)::int as event, (select max(id) from item_attempts)::int as attempt`
			);
			await app.targets.settings.save(alice.id, { kind: 'none' });
			const done = await shareAndWait(app, alice.id, `${site.origin}/stew?again`);
			expect(done.status).toBe('success');
			const [after] = await app.database.rows<{ event: number; attempt: number }>(
				sql`select (select min(id) from item_events where item_id = ${done.id})::int as event, (select min(id) from item_attempts where item_id = ${done.id})::int as attempt`
			);
			expect(after!.event).toBeGreaterThan(last!.event);
			expect(after!.attempt).toBeGreaterThan(last!.attempt);
			const [counted] = await app.database.rows<{ n: number }>(sql`select n::int from queue_counts where user_id = ${alice.id} and status = 'success'`);
			expect(counted!.n).toBe(before.queue_items!.filter((r) => r.includes(alice.id) && r.includes(',success,')).length + 1);
		} finally {
			await app.shutdown();
		}
	}, 90_000);

	it('refuses to restore into an installation in use, and writes nothing', async () => {
		const database = await target.open();
		try {
			const rows = await everyRow(database);
			await expect(restoreBackup({ file, database, databaseUrl: target.url, dataDir: target.dataDir })).rejects.toThrow(/in use \(2 accounts, \d+ items\)/);
			expect(await everyRow(database)).toEqual(rows);
		} finally {
			await database.close();
		}
	});

	describe('a damaged or foreign file is refused before anything is written', () => {
		// One new installation for all: each refusal must leave it as new as it was.
		let fresh: Installation;
		let database: Database;
		beforeAll(async () => {
			fresh = await installation();
			database = await fresh.open();
		});
		afterAll(async () => {
			await database?.close();
			await fresh?.cleanup();
		});
		const refused = async (make: (file: string) => void, message: RegExp) => {
			const damaged = path.join(tempDir('cookmark-damaged-'), 'x.cmbak');
			make(damaged);
			const err = await restoreBackup({ file: damaged, database, databaseUrl: fresh.url, dataDir: fresh.dataDir }).catch((e) => e);
			expect(err).toBeInstanceOf(BackupError);
			expect(err.message).toMatch(message);
			expect(await migrationLevel(database.rows)).toBe(0);
			expect(() => statSync(path.join(fresh.dataDir, 'secret.key'))).toThrow();
		};
		const bytes = () => readFileSync(file);

		it('cut short', () => refused((f) => writeFileSync(f, bytes().subarray(0, Math.floor(bytes().length * 0.6))), /cut short|damaged/));
		it('with flipped bytes', () =>
			refused((f) => {
				const b = Buffer.from(bytes());
				for (let i = 0; i < 16; i++) b[Math.floor(b.length / 2) + i]! ^= 0xff;
				writeFileSync(f, b);
			}, /the file is damaged/));
		it('missing a row, though whole as gzip', () =>
			refused((f) => {
				const lines = backupLines(file);
				const row = lines.findIndex((l, i) => i > 0 && l.startsWith('{'));
				writeBackupLines(f, lines.filter((_, i) => i !== row));
			}, /has \d+ rows in the file, but its header says \d+/));
		it('not gzip', () => refused((f) => writeFileSync(f, 'users,items\n1,2\n'), /not a Cookmark backup \(not a gzip file\)/));
		it('gzip of something else', () => refused((f) => writeBackupLines(f, ['{"hello":"world"}']), /not a Cookmark backup \(no cookmark-backup header\)/));
		it('a header that breaks its rules', () =>
			refused((f) => {
				const [head, ...rest] = backupLines(file);
				writeBackupLines(f, [JSON.stringify({ ...JSON.parse(head!), tables: 'all' }), ...rest]);
			}, /header is not valid \(tables:/));
		it('made by a newer Cookmark', async () => {
			const known = (await journal()).entries.length;
			await refused((f) => {
				const [head, ...rest] = backupLines(file);
				writeBackupLines(f, [JSON.stringify({ ...JSON.parse(head!), migrations: { count: known + 1, last: '9999_future' } }), ...rest]);
			}, /newer Cookmark .*upgrade Cookmark first/);
		});
	});

	it('refuses a target whose token key differs, saying what to do', async () => {
		const fresh = await installation();
		writeFileSync(path.join(fresh.dataDir, 'secret.key'), Buffer.alloc(32, 7).toString('base64') + '\n');
		const database = await fresh.open();
		try {
			await expect(restoreBackup({ file, database, databaseUrl: fresh.url, dataDir: fresh.dataDir })).rejects.toThrow(/holds another key .* restore into a new DATA_DIR, or move that file away/);
			await expect(restoreBackup({ file, database, databaseUrl: fresh.url, dataDir: tempDir('k-'), secretKey: 'x'.repeat(40) })).rejects.toThrow(/unset SECRET_KEY/);
			expect(await migrationLevel(database.rows)).toBe(0);
		} finally {
			await database.close();
			await fresh.cleanup();
		}
	});
	it('with SECRET_KEY set, records only its fingerprint, and restores only where the same SECRET_KEY is set', async () => {
		const secretKey = 's'.repeat(40);
		const keyed = path.join(tempDir('cookmark-file-'), 'keyed.cmbak');
		const database = await source.open();
		try {
			await writeBackup(database, createWriteStream(keyed), { secret: await backupSecret({ secretKey, dataDir: source.dataDir }) });
		} finally {
			await database.close();
		}
		const { secret } = JSON.parse(backupLines(keyed)[0]!);
		expect(secret).toEqual({ kind: 'SECRET_KEY', fingerprint: expect.stringMatching(/^[0-9a-f]{8}$/) });
		const keyText = readFileSync(path.join(source.dataDir, 'secret.key'), 'utf8').trim();
		expect(backupLines(file)[0]).toContain(keyText);
		expect(backupLines(keyed).some((line) => line.includes(keyText))).toBe(false);
		const fresh = await installation();
		const restored = await fresh.open();
		try {
			const into = (key?: string) => restoreBackup({ file: keyed, database: restored, databaseUrl: fresh.url, dataDir: fresh.dataDir, secretKey: key });
			await expect(into()).rejects.toThrow(`sealed with SECRET_KEY (fingerprint ${secret.fingerprint}): set the same SECRET_KEY`);
			await expect(into('t'.repeat(40))).rejects.toThrow(/is not the one this backup's tokens were sealed with/);
			await into(secretKey);
			expect(await everyRow(restored)).toEqual(before);
			expect(() => statSync(path.join(fresh.dataDir, 'secret.key'))).toThrow();
		} finally {
			await restored.close();
			await fresh.cleanup();
		}
	});
});

describe('a platform session sealed with SECRET_KEY', () => {
	it('opens for its person after a restore where the same SECRET_KEY is set', async () => {
		const secretKey = 'q'.repeat(40);
		const session = 'sid_tt=keyedTiktokSecret; tt_csrf_token=keyedCsrf';
		const source = await installation();
		const target = await installation();
		const file = path.join(tempDir('cookmark-file-'), 'keyed-session.cmbak');
		try {
			const app = await startApp(source, { SECRET_KEY: secretKey });
			let carol: string;
			try {
				carol = (await createAccount(app.database, 'carol', PASSWORD)).id;
				await app.platformSessions.save(carol, 'tiktok', session);
			} finally {
				await app.shutdown();
			}
			const database = await source.open();
			try {
				await writeBackup(database, createWriteStream(file), { secret: await backupSecret({ secretKey, dataDir: source.dataDir }) });
			} finally {
				await database.close();
			}
			expect(backupLines(file).some((line) => line.includes('keyedTiktokSecret'))).toBe(false);
			const restored = await target.open();
			try {
				await restoreBackup({ file, database: restored, databaseUrl: target.url, dataDir: target.dataDir, secretKey });
			} finally {
				await restored.close();
			}
			const after = await startApp(target, { SECRET_KEY: secretKey });
			try {
				expect(await after.platformSessions.cookie(carol, 'tiktok')).toBe(session);
				expect(await after.platformSessions.cookie(carol, 'instagram')).toBeNull();
			} finally {
				await after.shutdown();
			}
		} finally {
			await source.cleanup();
			await target.cleanup();
		}
	}, 60_000);
});

describe('a backup made by an older Cookmark', () => {
	it('is loaded at its own migration level, then migrated on', async () => {
		const known = (await journal()).entries.length;
		const source = await installation();
		const target = await installation();
		const file = path.join(tempDir('cookmark-file-'), 'older.cmbak');
		try {
			// The schema before the last migration, with an account, a token and a device. Written in
			// plain SQL: today's services speak today's schema, which may have columns the older one lacks.
			const database = await source.open();
			let before: Record<string, string[]>;
			let shape: TableInfo[];
			try {
				await migrateTo(database, source.url, known - 1);
				const [user] = await database.rows<{ id: string }>(sql`insert into users (username, password_hash) values ('alice', 'argon2-hash') returning id`);
				await database.rows(sql`insert into api_tokens (id, secret_hash, user_id, name) values ('tok', 'hash', ${user!.id}, 'Shortcuts')`);
				await database.rows(
					sql`insert into push_subscriptions (user_id, endpoint, p256dh, auth, device) values (${user!.id}, 'https://push.example/old', 'k', 'a', 'Phone')`
				);
				await backUp(database, source.dataDir, file);
				shape = await schemaShape(database);
				before = await everyRow(database, shape);
			} finally {
				await database.close();
			}
			expect(JSON.parse(backupLines(file)[0]!).migrations.count).toBe(known - 1);
			const restoredDb = await target.open();
			try {
				await restoreBackup({ file, database: restoredDb, databaseUrl: target.url, dataDir: target.dataDir });
				expect(await migrationLevel(restoredDb.rows)).toBe(known);
				// The older schema's columns hold what they held; later migrations' columns take their defaults.
				expect(await everyRow(restoredDb, shape)).toEqual(before);
			} finally {
				await restoredDb.close();
			}
		} finally {
			await source.cleanup();
			await target.cleanup();
		}
	}, 60_000);
});
