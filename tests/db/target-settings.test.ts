import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { createAccount } from '../../src/lib/server/auth/users';
import { userTargets } from '../../src/lib/server/db/schema';
import { PermanentError } from '../../src/lib/server/failures/errors';
import { TargetInputError, TargetSettings } from '../../src/lib/server/targets/settings';
import { TokenCipher } from '../../src/lib/server/targets/token-cipher';
import { checkTokenKey } from '../../src/lib/server/targets/key-check';
import pino from 'pino';

let db: TestDatabase;
let cipher: TokenCipher;
let userId: string;
const noDefault = {};
beforeEach(async () => {
	db = await createTestDatabase();
	cipher = await TokenCipher.load({ secret: 'x'.repeat(40), dataDir: '/nonexistent' });
	userId = (await createAccount(db.database, 'ana', 'correct horse battery staple')).id;
});
afterEach(async () => {
	await db.close();
});

describe('TargetSettings', () => {
	it('stores the token sealed, shows only that one is saved, and opens it for a request', async () => {
		const settings = new TargetSettings(db.database, cipher, noDefault);
		await settings.save(userId, { kind: 'tandoor', baseUrl: 'http://192.168.1.20:8080', token: 'tda_very_secret' });
		const [row] = await db.database.db.select().from(userTargets).where(eq(userTargets.userId, userId));
		expect(JSON.stringify(row)).not.toContain('tda_very_secret');
		const view = await settings.view(userId);
		expect(view).toEqual({ kind: 'tandoor', baseUrl: 'http://192.168.1.20:8080', source: 'user', tokenSaved: true, serverDefault: 'none' });
		expect(JSON.stringify(view)).not.toContain('tda_very_secret');
		expect(await settings.connection(userId)).toEqual({ kind: 'tandoor', baseUrl: 'http://192.168.1.20:8080', token: 'tda_very_secret' });
	});

	it('keeps the saved token when the field is left empty, but never carries it to another kind of server', async () => {
		const settings = new TargetSettings(db.database, cipher, noDefault);
		await settings.save(userId, { kind: 'tandoor', baseUrl: 'http://a.example', token: 'tda_1' });
		await settings.save(userId, { kind: 'tandoor', baseUrl: 'http://b.example' });
		expect(await settings.connection(userId)).toEqual({ kind: 'tandoor', baseUrl: 'http://b.example', token: 'tda_1' });
		await expect(settings.save(userId, { kind: 'mealie', baseUrl: 'http://b.example' })).rejects.toBeInstanceOf(TargetInputError);
		expect((await settings.connection(userId))?.kind).toBe('tandoor');
	});

	it('falls back to the server default, lets a person opt out with "library only", and reset returns to the default', async () => {
		const settings = new TargetSettings(db.database, cipher, { MEALIE_BASE_URL: 'http://mealie.lan:9000/', MEALIE_TOKEN: 'jwt' });
		expect(await settings.view(userId)).toMatchObject({ kind: 'mealie', baseUrl: 'http://mealie.lan:9000', source: 'server', serverDefault: 'mealie' });
		expect(await settings.connection(userId)).toEqual({ kind: 'mealie', baseUrl: 'http://mealie.lan:9000', token: 'jwt' });
		await settings.save(userId, { kind: 'none' });
		expect(await settings.view(userId)).toMatchObject({ kind: 'none', source: 'user' });
		expect(await settings.connection(userId)).toBeNull();
		await settings.reset(userId);
		expect((await settings.connection(userId))?.kind).toBe('mealie');
	});

	it('a token saved under another key asks the person to enter it again, as a permanent error', async () => {
		await new TargetSettings(db.database, cipher, noDefault).save(userId, { kind: 'mealie', baseUrl: 'http://m.example', token: 'jwt' });
		const rotated = await TokenCipher.load({ secret: 'y'.repeat(40), dataDir: '/nonexistent' });
		const settings = new TargetSettings(db.database, rotated, noDefault);
		const failure = await settings.connection(userId).catch((e: unknown) => e);
		expect(failure).toBeInstanceOf(PermanentError);
		expect((failure as PermanentError).message).toMatch(/Mealie token cannot be read .*enter the token again in Settings/);
	});
});

/** A logger whose lines the test can read. */
function capturingLogger() {
	const lines: string[] = [];
	const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
	return { log, lines: () => lines };
}

describe('the token key across processes', () => {
	it('a process with another key file is warned about; an explicitly changed SECRET_KEY becomes the key of record', async () => {
		const first = capturingLogger();
		await checkTokenKey(db.database, cipher, true, first.log);
		expect(first.lines()).toHaveLength(0);
		const stray = capturingLogger();
		const other = await TokenCipher.load({ secret: 'z'.repeat(40), dataDir: '/nonexistent' });
		await checkTokenKey(db.database, other, false, stray.log);
		expect(stray.lines().join('\n')).toMatch(/set the same SECRET_KEY for every process/);
		const rotated = capturingLogger();
		await checkTokenKey(db.database, other, true, rotated.log);
		expect(rotated.lines().join('\n')).toMatch(/SECRET_KEY changed/);
		const after = capturingLogger();
		await checkTokenKey(db.database, other, false, after.log);
		expect(after.lines()).toHaveLength(0);
	});
});
