import { unlink } from 'node:fs/promises';
import { installKeyFile, keyFilePath, readKeyFile, TokenCipher } from '../targets/token-cipher';
import { BackupError, type BackupSecret } from './format';

export interface KeyPlace {
	/** SECRET_KEY, when set. */
	secretKey?: string;
	/** Where the key file is (or goes) when SECRET_KEY is unset. */
	dataDir: string;
}

/** What a backup records of the token key: the key file itself, or only SECRET_KEY's fingerprint. */
export async function backupSecret(place: KeyPlace): Promise<BackupSecret> {
	if (place.secretKey) return { kind: 'SECRET_KEY', fingerprint: await secretKeyFingerprint(place.secretKey, place.dataDir) };
	const key = await readKeyFile(place.dataDir);
	if (!key) return { kind: 'none' };
	return { kind: 'key-file', key: key.toString('base64'), fingerprint: TokenCipher.forKeyFile(key).fingerprint };
}

const secretKeyFingerprint = async (secret: string, dataDir: string) => (await TokenCipher.load({ secret, dataDir })).fingerprint;

/**
 * Checks, before anything is written, that the restored installation will open the backup's
 * sealed tokens with the key it will use; resolves to the step that puts the backup's key file in
 * place (and its undo, should the restore fail), or to nothing when the key is already right.
 */
export async function planKey(secret: BackupSecret, place: KeyPlace): Promise<{ install(): Promise<void>; undo(): Promise<void> } | null> {
	if (secret.kind === 'none') return null;
	const own = place.secretKey ? { fingerprint: await secretKeyFingerprint(place.secretKey, place.dataDir) } : null;
	if (secret.kind === 'SECRET_KEY') {
		if (!own) throw new BackupError(`this backup's Tandoor/Mealie tokens were sealed with SECRET_KEY (fingerprint ${secret.fingerprint}): set the same SECRET_KEY and restore again`);
		if (own.fingerprint !== secret.fingerprint) {
			throw new BackupError(`SECRET_KEY (fingerprint ${own.fingerprint}) is not the one this backup's tokens were sealed with (fingerprint ${secret.fingerprint}): set the backed-up installation's SECRET_KEY and restore again`);
		}
		return null;
	}
	if (own) {
		throw new BackupError(
			`this backup's Tandoor/Mealie tokens were sealed with a key file (fingerprint ${secret.fingerprint}), which the backup carries: unset SECRET_KEY for this installation, restore, and it will use that key file`
		);
	}
	const key = Buffer.from(secret.key, 'base64');
	const present = await readKeyFile(place.dataDir);
	if (present) {
		if (present.equals(key)) return null;
		throw new BackupError(
			`${keyFilePath(place.dataDir)} holds another key (fingerprint ${TokenCipher.forKeyFile(present).fingerprint}) than the backup's (${secret.fingerprint}): restore into a new DATA_DIR, or move that file away first`
		);
	}
	return {
		async install() {
			const installed = await installKeyFile(place.dataDir, key);
			if (!installed.equals(key)) throw new BackupError(`${keyFilePath(place.dataDir)} appeared meanwhile with another key: is a Cookmark running on ${place.dataDir}?`);
		},
		async undo() {
			await unlink(keyFilePath(place.dataDir)).catch(() => {});
		}
	};
}
