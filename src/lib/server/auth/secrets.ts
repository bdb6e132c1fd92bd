import { sha256 } from '@oslojs/crypto/sha2';
import { constantTimeEqual } from '@oslojs/crypto/subtle';
import { decodeHex, encodeBase32LowerCaseNoPadding, encodeHexLowerCase } from '@oslojs/encoding';

/** 20 random bytes, base32: 160 bits, case-insensitive, URL- and cookie-safe. */
export function randomToken(): string {
	const bytes = new Uint8Array(20);
	crypto.getRandomValues(bytes);
	return encodeBase32LowerCaseNoPadding(bytes);
}

/** SHA-256 suffices for a 160-bit random secret (no offline guessing possible); passwords use argon2id. */
export function hashSecret(secret: string): string {
	return encodeHexLowerCase(sha256(new TextEncoder().encode(secret)));
}

export function secretMatches(secret: string, storedHash: string): boolean {
	const given = sha256(new TextEncoder().encode(secret));
	let stored: Uint8Array;
	try {
		stored = decodeHex(storedHash);
	} catch {
		return false;
	}
	return constantTimeEqual(given, stored);
}

/**
 * A credential `<prefix><id>.<secret>`: the id finds the row, the secret is checked against its
 * hash in constant time, so timing reveals nothing about any stored secret.
 */
export function issueCredential(prefix = ''): { id: string; secret: string; token: string } {
	const id = randomToken();
	const secret = randomToken();
	return { id, secret, token: `${prefix}${id}.${secret}` };
}

export function parseCredential(token: string, prefix = ''): { id: string; secret: string } | null {
	if (!token.startsWith(prefix)) return null;
	const parts = token.slice(prefix.length).split('.');
	if (parts.length !== 2) return null;
	const [id, secret] = parts as [string, string];
	const shape = /^[a-z2-7]{32}$/;
	return shape.test(id) && shape.test(secret) ? { id, secret } : null;
}
