import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/lib/server/db/client';
import { backupLines, everyRow, runCookmark } from '../helpers/backup';
import { html, startHttpServer } from '../helpers/http-server';
import { browserSubscription } from '../helpers/push-service';
import { recipePage } from '../helpers/recipe-page';
import { startServer, waitForItem, type Account, type ServerProcess, type ServerStorage } from '../helpers/server';
import { startTandoorServer } from '../helpers/tandoor-server';

const TANDOOR_TOKEN = 'tda_move-test-0123456789';

let site: Awaited<ReturnType<typeof startHttpServer>>;
let tandoor: Awaited<ReturnType<typeof startTandoorServer>>;
let pie: Buffer;
const dirs: string[] = [];
const tempDir = () => {
	const dir = mkdtempSync(path.join(os.tmpdir(), 'cookmark-move-'));
	dirs.push(dir);
	return dir;
};

/**
 * A new database on the test server owned by a role of its own without superuser rights, as a
 * hosted PostgreSQL gives one: the restore must do with what an owner may do.
 */
async function ownedDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
	const admin = postgres(process.env.TEST_PG_URL!, { max: 1, onnotice: () => {} });
	const name = `mv_${randomBytes(5).toString('hex')}`;
	const password = randomBytes(12).toString('hex');
	await admin.unsafe(`create role ${name} login nosuperuser nocreatedb nocreaterole password '${password}'`);
	await admin.unsafe(`create database ${name} owner ${name}`);
	await admin.end();
	const url = new URL(process.env.TEST_PG_URL!);
	url.username = name;
	url.password = password;
	url.pathname = `/${name}`;
	return {
		url: url.href,
		async drop() {
			const s = postgres(process.env.TEST_PG_URL!, { max: 1, onnotice: () => {} });
			await s.unsafe(`drop database if exists ${name} with (force)`);
			await s.unsafe(`drop role if exists ${name}`);
			await s.end();
		}
	};
}

const storageOf = (env: Record<string, string>): ServerStorage => ({ env, cleanup: async () => {} });

beforeAll(async () => {
	pie = await sharp({ create: { width: 1600, height: 1200, channels: 3, background: '#d08040' } }).jpeg().toBuffer();
	site = await startHttpServer({
		'/pie': html(recipePage("Grandma's Apple Pie", '<meta property="og:image" content="/pie.jpg">')),
		'/pie.jpg': (_req, res) => void res.writeHead(200, { 'content-type': 'image/jpeg' }).end(pie)
	});
	tandoor = await startTandoorServer({ token: TANDOOR_TOKEN });
});
afterAll(async () => {
	await Promise.all([site?.close(), tandoor?.close()]);
	for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('an embedded installation moved to PostgreSQL, and back', () => {
	const dataDir = tempDir();
	let pg: Awaited<ReturnType<typeof ownedDatabase>>;
	let server: ServerProcess | undefined;
	let account: Account;
	let itemId: string;
	let recipeId: string;
	let vapidKey: string;
	let pictureBytes: Buffer;

	beforeAll(async () => {
		pg = await ownedDatabase();
		server = await startServer(storageOf({ DATA_DIR: dataDir }));
		account = await server.signUp('alice');
		const shared = await server.api('/api/queue', { method: 'POST', json: { url: `${site.origin}/pie` } });
		expect(shared.status).toBe(201);
		itemId = ((await shared.json()) as { id: string }).id;
		const done = await waitForItem<{ status: string; results: { recipeId: string } }>(server, itemId, (i) => i.status === 'success' || i.status === 'error');
		expect(done.status).toBe('success');
		recipeId = done.results.recipeId;
		const { imageUrl } = (await (await server.api(`/api/recipes/${recipeId}`)).json()) as { imageUrl: string };
		pictureBytes = Buffer.from(await (await server.api(imageUrl)).arrayBuffer());
		expect((await sharp(pictureBytes).metadata()).width).toBeGreaterThan(0);
		const device = browserSubscription('https://push.example.test/push/alice-phone');
		const subscribed = await server.api('/api/notifications/subscribe', { method: 'POST', json: { subscription: device.json }, headers: { 'user-agent': 'Mozilla/5.0 (Linux; Android 14) Chrome/130.0 Mobile Safari/537.36' } });
		expect(subscribed.status).toBe(201);
		const target = await server.api('/api/targets', { method: 'PUT', json: { kind: 'tandoor', baseUrl: tandoor.origin, token: TANDOOR_TOKEN } });
		expect(target.status).toBeLessThan(300);
		vapidKey = ((await (await server.api('/api/notifications/vapid-key')).json()) as { publicKey: string }).publicKey;
	}, 60_000);
	afterAll(async () => {
		await server?.stop();
		await pg?.drop();
	});

	it('backs up the running app by download, for the admin alone, and logs who did', async () => {
		const made = await server!.api('/api/users', { method: 'POST', json: { username: 'bob', password: 'bob has a long password' } });
		expect(made.status).toBe(201);
		const bob = await server!.signUp('bob', 'bob has a long password');
		const refused = await server!.api('/api/admin/backup', { headers: { authorization: `Bearer ${bob.token}` } });
		expect(refused.status).toBe(403);
		expect(await refused.json()).toMatchObject({ error: { code: 'admin_only' } });
		server!.token = account.token;

		const res = await server!.api('/api/admin/backup', { headers: { cookie: account.cookie } });
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toBe('application/gzip');
		expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="cookmark-\d{8}T\d{6}Z\.cmbak"$/);
		const file = path.join(tempDir(), 'download.cmbak');
		writeFileSync(file, Buffer.from(await res.arrayBuffer()));
		const header = JSON.parse(backupLines(file)[0]!);
		expect(header).toMatchObject({ database: 'pglite', secret: { kind: 'key-file' } });
		expect(header.tables.find((t: { name: string }) => t.name === 'users').rows).toBe(2);
		expect(server!.logs()).toMatch(/"audit":true,"action":"backup\.download","actor":\{"id":"[^"]+","username":"alice"\},"target":\{"file":"cookmark-/);

		const newDir = tempDir();
		const restore = await runCookmark(['restore', file], { DATA_DIR: newDir });
		expect(restore.stderr).toMatch(/restored .* on pglite\) into pglite: \d+ tables/);
		expect(restore.code).toBe(0);
	}, 60_000);

	it('cannot back up the embedded database while the app has it open, and says so', async () => {
		const run = await runCookmark(['backup', path.join(tempDir(), 'x.cmbak')], { DATA_DIR: dataDir });
		expect(run.code).toBe(1);
		expect(run.stderr).toMatch(new RegExp(`in use by process ${server!.process.pid} \\(a running Cookmark\\): stop it first, or download a backup from the running app`));
	});

	it('moves with one command: every row on PostgreSQL as it was, and the app carries on there', async () => {
		expect(await server!.stop()).toBe(0);
		server = undefined;
		const run = await runCookmark(['move-to-postgres', pg.url], { DATA_DIR: dataDir });
		expect(run.stderr).toMatch(/moved the embedded database in .* to PostgreSQL: \d+ tables, \d+ rows/);
		expect(run.code).toBe(0);
		expect(run.stderr).toMatch(/recipe_pictures +2 rows, the same on both/);
		expect(run.stderr).toMatch(/next: set DATABASE_URL=postgres:\/\/mv_\w+:\*\*\*@.* keep DATA_DIR=.*secret\.key opens the saved Tandoor\/Mealie tokens/);
		expect(run.stderr).not.toContain(new URL(pg.url).password);

		const embedded = await openDatabase({ dataDir });
		const server_ = await openDatabase({ databaseUrl: pg.url });
		try {
			expect(await everyRow(server_)).toEqual(await everyRow(embedded));
		} finally {
			await embedded.close();
			await server_.close();
		}

		server = await startServer(storageOf({ DATA_DIR: dataDir, DATABASE_URL: pg.url }));
		const bySession = await server.api('/api/auth/session', { headers: { cookie: account.cookie } });
		expect(bySession.status).toBe(200);
		expect(await bySession.json()).toMatchObject({ user: { username: 'alice' } });
		server.token = account.token;
		const item = (await (await server.api(`/api/queue/${itemId}`)).json()) as { status: string; attempts: unknown[]; phases: { name: string; status: string }[] };
		expect(item.status).toBe('success');
		expect(item.attempts.length).toBeGreaterThanOrEqual(3);
		expect(item.phases.map((p) => [p.name, p.status])).toEqual([['extraction', 'completed'], ['parsing', 'completed'], ['uploading', 'completed']]);
		const recipe = (await (await server.api(`/api/recipes/${recipeId}`)).json()) as { title: string; imageUrl: string };
		expect(recipe.title).toBe("Grandma's Apple Pie");
		const picture = await server.api(recipe.imageUrl);
		expect(picture.status).toBe(200);
		expect(Buffer.from(await picture.arrayBuffer()).equals(pictureBytes)).toBe(true);
		const settings = (await (await server.api('/api/targets')).json()) as { kind: string; tokenSaved: boolean };
		expect(settings).toMatchObject({ kind: 'tandoor', tokenSaved: true });
		// Tested with the token field left empty: the saved token, opened with the moved key, reaches Tandoor.
		const test = await server.api('/api/targets/test', { method: 'POST', json: { kind: 'tandoor', baseUrl: tandoor.origin } });
		expect(test.status).toBe(200);
		expect(await test.json()).toMatchObject({ server: expect.stringContaining('Tandoor') });
		const devices = (await (await server.api('/api/notifications/devices')).json()) as { devices: { endpoint?: string; device: string }[] };
		expect(devices.devices.map((d) => d.device)).toEqual(['Chrome on Android']);
		expect(((await (await server.api('/api/notifications/vapid-key')).json()) as { publicKey: string }).publicKey).toBe(vapidKey);
		expect(await server.stop()).toBe(0);
		server = undefined;
	}, 90_000);

	it('and back: a backup of the PostgreSQL installation restored into a new embedded one, row for row', async () => {
		const file = path.join(tempDir(), 'from-postgres.cmbak');
		const backup = await runCookmark(['backup', file], { DATABASE_URL: pg.url, DATA_DIR: dataDir });
		expect(backup.stderr).toMatch(/backed up to .*from-postgres\.cmbak: \d+ tables/);
		expect(backup.code).toBe(0);
		expect(JSON.parse(backupLines(file)[0]!)).toMatchObject({ database: 'postgres', secret: { kind: 'key-file' } });

		const newDir = tempDir();
		const restore = await runCookmark(['restore', file], { DATA_DIR: newDir });
		expect(restore.stderr).toMatch(/restored .* on postgres\) into pglite: \d+ tables/);
		expect(restore.code).toBe(0);
		expect(readFileSync(path.join(newDir, 'secret.key'), 'utf8')).toBe(readFileSync(path.join(dataDir, 'secret.key'), 'utf8'));

		const again = await runCookmark(['restore', file], { DATA_DIR: newDir });
		expect(again.code).toBe(1);
		expect(again.stderr).toMatch(/cookmark restore: the target installation is in use \(2 accounts, 1 items\)/);

		const fromServer = await openDatabase({ databaseUrl: pg.url });
		const embedded = await openDatabase({ dataDir: newDir });
		try {
			expect(await everyRow(embedded)).toEqual(await everyRow(fromServer));
		} finally {
			await fromServer.close();
			await embedded.close();
		}
	}, 90_000);
});
