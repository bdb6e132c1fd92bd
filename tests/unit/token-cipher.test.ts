import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TargetBaseUrl, TargetInput } from '../../src/lib/contract/targets';
import { parseConfig } from '../../src/lib/server/config';
import { TokenCipher } from '../../src/lib/server/targets/token-cipher';

const secret = 'a-long-random-secret-for-the-tests-0123456789';

describe('TokenCipher', () => {
	it('seals a token so the database holds no plaintext, and opens it again', async () => {
		const cipher = await TokenCipher.load({ secret, dataDir: '/nonexistent' });
		const sealed = cipher.seal('tda_secret_token', 'user-target:u1:tandoor');
		expect(sealed).not.toContain('tda_secret_token');
		expect(sealed).toMatch(/^v1\.[\w-]+\.[\w-]+$/);
		expect(cipher.open(sealed, 'user-target:u1:tandoor')).toBe('tda_secret_token');
		// A fresh nonce each time: the same token never seals the same way twice.
		expect(cipher.seal('tda_secret_token', 'user-target:u1:tandoor')).not.toBe(sealed);
	});

	it('refuses a token sealed for another user or target, under another key, or tampered with', async () => {
		const cipher = await TokenCipher.load({ secret, dataDir: '/nonexistent' });
		const sealed = cipher.seal('tok', 'user-target:u1:tandoor');
		expect(cipher.open(sealed, 'user-target:u2:tandoor')).toBeNull();
		expect(cipher.open(sealed, 'user-target:u1:mealie')).toBeNull();
		const other = await TokenCipher.load({ secret: `${secret}-changed`, dataDir: '/nonexistent' });
		expect(other.open(sealed, 'user-target:u1:tandoor')).toBeNull();
		expect(other.fingerprint).not.toBe(cipher.fingerprint);
		const [v, iv, body] = sealed.split('.');
		const bytes = Buffer.from(body!, 'base64url');
		bytes[0] = bytes[0]! ^ 1; // one bit of the ciphertext
		expect(cipher.open(`${v}.${iv}.${bytes.toString('base64url')}`, 'user-target:u1:tandoor')).toBeNull();
		expect(cipher.open('garbage', 'user-target:u1:tandoor')).toBeNull();
	});

	it('without SECRET_KEY generates one key file, owner-only, that every process then shares', async () => {
		const dataDir = await mkdtemp(join(tmpdir(), 'cookmark-key-'));
		const [a, b] = await Promise.all([TokenCipher.load({ dataDir }), TokenCipher.load({ dataDir })]);
		expect(a.fingerprint).toBe(b.fingerprint);
		const file = join(dataDir, 'secret.key');
		expect((await stat(file)).mode & 0o777).toBe(0o600);
		expect(Buffer.from((await readFile(file, 'utf8')).trim(), 'base64')).toHaveLength(32);
		const later = await TokenCipher.load({ dataDir });
		expect(later.open(a.seal('tok', 'c'), 'c')).toBe('tok');
	});
});

describe('target settings input', () => {
	it('normalises the address people paste: trailing slash and /api dropped, path kept', () => {
		expect(TargetBaseUrl.parse(' http://192.168.1.20:8080/ ')).toBe('http://192.168.1.20:8080');
		expect(TargetBaseUrl.parse('https://tandoor.example.org/api/')).toBe('https://tandoor.example.org');
		expect(TargetBaseUrl.parse('https://home.example/mealie/')).toBe('https://home.example/mealie');
	});

	it('refuses what cannot be a server address, with a message for a person', () => {
		expect(TargetBaseUrl.safeParse('tandoor.local').error?.issues[0]?.message).toMatch(/full address/);
		expect(TargetBaseUrl.safeParse('ftp://x.example').error?.issues[0]?.message).toMatch(/http:\/\/ or https:\/\//);
		expect(TargetBaseUrl.safeParse('https://me:pw@x.example').error?.issues[0]?.message).toMatch(/token field/);
		expect(TargetInput.safeParse({ kind: 'kitchen' }).success).toBe(false);
		expect(TargetInput.parse({ kind: 'none' })).toEqual({ kind: 'none' });
	});

	it('reads server-wide defaults and refuses a half-configured one or a short SECRET_KEY', () => {
		const c = parseConfig({ TANDOOR_BASE_URL: 'http://tandoor:8080', TANDOOR_TOKEN: 'tda_x' });
		expect(c.TANDOOR_BASE_URL).toBe('http://tandoor:8080');
		expect(() => parseConfig({ MEALIE_BASE_URL: 'http://mealie:9000' })).toThrow(/MEALIE_BASE_URL and MEALIE_TOKEN together/);
		expect(() => parseConfig({ SECRET_KEY: 'short' })).toThrow(/at least 32 characters/);
	});
});
