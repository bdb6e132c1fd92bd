import { hash, verify } from '@node-rs/argon2';

// OWASP's argon2id baseline: 19 MiB, 2 passes, 1 lane (also @node-rs/argon2's defaults, stated here on purpose).
const PARAMS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
	return hash(password, PARAMS);
}

let dummy: Promise<string> | undefined;

/**
 * Checks a password against a stored hash. With no hash (unknown user) it still runs a full
 * argon2 verification against a throwaway hash, so the answer takes as long for a username
 * that does not exist as for a wrong password.
 */
export async function verifyPassword(storedHash: string | null | undefined, password: string): Promise<boolean> {
	if (!storedHash) {
		dummy ??= hash('cookmark-timing-equaliser', PARAMS);
		await verify(await dummy, password).catch(() => false);
		return false;
	}
	try {
		return await verify(storedHash, password);
	} catch {
		return false;
	}
}
