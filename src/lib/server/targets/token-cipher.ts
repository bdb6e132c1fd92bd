import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Upload-target tokens are stored encrypted (AES-256-GCM), so a copy of the database alone gives
 * no access to anyone's Tandoor or Mealie. The key comes from SECRET_KEY, or from a key file made
 * once in DATA_DIR; the ciphertext is bound to its user and target (additional data), so a sealed
 * token copied onto another row does not open.
 */

const VERSION = 'v1';

export class TokenCipher {
	private constructor(private readonly key: Buffer) {}

	/** From SECRET_KEY when set (stretched with HKDF), else the key file in `dataDir`, generated on first use. */
	static async load(options: { secret?: string; dataDir: string }): Promise<TokenCipher> {
		if (options.secret) return new TokenCipher(derive(Buffer.from(options.secret, 'utf8')));
		return TokenCipher.forKeyFile(await installKeyFile(options.dataDir, randomBytes(32)));
	}

	/** The cipher of a key file's 32 bytes (a backup carries them to the restored installation). */
	static forKeyFile(material: Buffer): TokenCipher {
		return new TokenCipher(derive(material));
	}

	seal(plaintext: string, context: string): string {
		const iv = randomBytes(12);
		const cipher = createCipheriv('aes-256-gcm', this.key, iv);
		cipher.setAAD(Buffer.from(context, 'utf8'));
		const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
		return `${VERSION}.${iv.toString('base64url')}.${body.toString('base64url')}`;
	}

	/** Null when it cannot be opened: another key (SECRET_KEY changed), another row, or tampering. */
	open(sealed: string, context: string): string | null {
		const [version, iv, body] = sealed.split('.');
		if (version !== VERSION || !iv || !body) return null;
		try {
			const bytes = Buffer.from(body, 'base64url');
			const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
			decipher.setAAD(Buffer.from(context, 'utf8'));
			decipher.setAuthTag(bytes.subarray(bytes.length - 16));
			return Buffer.concat([decipher.update(bytes.subarray(0, bytes.length - 16)), decipher.final()]).toString('utf8');
		} catch {
			return null;
		}
	}

	/** A short fingerprint of the key, logged at start so a changed key can be told from a bad token. */
	get fingerprint(): string {
		return createHash('sha256').update(this.key).digest('hex').slice(0, 8);
	}
}

function derive(material: Buffer): Buffer {
	return Buffer.from(hkdfSync('sha256', material, 'cookmark', 'upload-target-tokens', 32));
}

export const keyFilePath = (dataDir: string) => join(dataDir, 'secret.key');

/** The key file's 32 bytes, or null when there is none. */
export async function readKeyFile(dataDir: string): Promise<Buffer | null> {
	const path = keyFilePath(dataDir);
	let text: string;
	try {
		text = await readFile(path, 'utf8');
	} catch (err) {
		if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
		throw err;
	}
	const key = Buffer.from(text.trim(), 'base64');
	if (key.length !== 32) throw new Error(`${path} is not a Cookmark key (expected 32 bytes in base64); remove it or set SECRET_KEY`);
	return key;
}

/**
 * Puts `material` (32 bytes: random on first use, or a backup's) into DATA_DIR/secret.key,
 * owner-only, unless a key is there already; returns the key that is there. Written to a
 * temporary file and linked into place, which fails if the key exists: two processes starting
 * together end up with one key, and none ever reads a half-written file.
 */
export async function installKeyFile(dataDir: string, material: Buffer): Promise<Buffer> {
	const path = keyFilePath(dataDir);
	await mkdir(dataDir, { recursive: true });
	const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`;
	await writeFile(temporary, material.toString('base64') + '\n', { mode: 0o600 });
	try {
		await link(temporary, path);
	} catch (err) {
		if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
	} finally {
		await unlink(temporary);
	}
	return (await readKeyFile(dataDir))!;
}
