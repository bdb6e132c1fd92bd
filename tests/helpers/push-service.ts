import { createECDH, createPublicKey, randomBytes, verify } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
// @ts-expect-error http_ece ships no types
import ece from 'http_ece';

export interface PushRequest {
	path: string;
	headers: Record<string, string | string[] | undefined>;
	body: Buffer;
}

/**
 * A push service on 127.0.0.1 speaking the real protocol (RFC 8030 + VAPID), over https with a
 * self-signed certificate that the app trusts through NODE_EXTRA_CA_CERTS. Each path can be told
 * how to answer its next requests; by default 201 Created.
 */
export async function startPushService(existing?: { key: string; cert: string }) {
	const dir = existing ? null : mkdtempSync(path.join(os.tmpdir(), 'cookmark-push-'));
	const { key, cert } = existing ?? makeCertificate(dir!);

	const requests: PushRequest[] = [];
	const scripts = new Map<string, Array<{ status: number; headers?: Record<string, string> } | 'hang'>>();
	const waiters: Array<{ match: (r: PushRequest) => boolean; resolve: (r: PushRequest) => void }> = [];
	const server = https.createServer({ key: readFileSync(key), cert: readFileSync(cert) }, (req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c) => chunks.push(c));
		req.on('end', () => {
			const entry: PushRequest = { path: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks) };
			requests.push(entry);
			for (const w of [...waiters]) if (w.match(entry)) (waiters.splice(waiters.indexOf(w), 1), w.resolve(entry));
			const next = scripts.get(entry.path)?.shift() ?? { status: 201 };
			if (next === 'hang') return; // a push service that never answers
			res.writeHead(next.status, next.headers).end();
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;

	return {
		origin,
		certFile: cert,
		requests,
		/** The next answers for this path, in order (then 201 again). */
		script(pathname: string, answers: Array<{ status: number; headers?: Record<string, string> } | 'hang'>) {
			scripts.set(pathname, [...answers]);
		},
		/** The first request (already received or to come) that matches. */
		next(match: (r: PushRequest) => boolean, ms = 15_000): Promise<PushRequest> {
			const seen = requests.find(match);
			if (seen) return Promise.resolve(seen);
			return new Promise((resolve, reject) => {
				const timer = setTimeout(() => reject(new Error(`no push request arrived; got ${requests.map((r) => r.path).join(', ')}`)), ms);
				waiters.push({ match, resolve: (r) => (clearTimeout(timer), resolve(r)) });
			});
		},
		close: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => {
					if (dir) rmSync(dir, { recursive: true, force: true });
					resolve();
				});
			})
	};
}

/** A self-signed certificate for 127.0.0.1, made with openssl into `dir`. */
export function makeCertificate(dir: string): { key: string; cert: string } {
	const key = path.join(dir, 'key.pem');
	const cert = path.join(dir, 'cert.pem');
	const made = spawnSync('openssl', [
		'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
		'-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'
	]);
	if (made.status !== 0) throw new Error(`openssl failed: ${made.stderr}`);
	return { key, cert };
}

/** A browser's side of a subscription: a real P-256 key pair and auth secret, and decryption. */
export function browserSubscription(endpoint: string) {
	const ecdh = createECDH('prime256v1');
	ecdh.generateKeys();
	const auth = randomBytes(16);
	return {
		json: { endpoint, expirationTime: null, keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth: auth.toString('base64url') } },
		/** Decrypts an aes128gcm push body (RFC 8291) as the browser would. */
		decrypt(body: Buffer): unknown {
			const plain: Buffer = ece.decrypt(body, { version: 'aes128gcm', privateKey: ecdh, authSecret: auth.toString('base64url') });
			return JSON.parse(plain.toString('utf8'));
		}
	};
}

/** Checks the VAPID Authorization header (RFC 8292) the way a push service does; returns its claims. */
export function verifyVapid(header: string | undefined, audience: string) {
	const match = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(header ?? '');
	if (!match) throw new Error(`not a VAPID header: ${header}`);
	const [, jwt, k] = match as unknown as [string, string, string];
	const [head, claims, signature] = jwt.split('.') as [string, string, string];
	const raw = Buffer.from(k, 'base64url'); // uncompressed P-256 point: 0x04 | x | y
	const publicKey = createPublicKey({
		key: { kty: 'EC', crv: 'P-256', x: raw.subarray(1, 33).toString('base64url'), y: raw.subarray(33, 65).toString('base64url') },
		format: 'jwk'
	});
	const valid = verify('sha256', Buffer.from(`${head}.${claims}`), { key: publicKey, dsaEncoding: 'ieee-p1363' }, Buffer.from(signature, 'base64url'));
	const header_ = JSON.parse(Buffer.from(head, 'base64url').toString());
	const payload = JSON.parse(Buffer.from(claims, 'base64url').toString()) as { aud: string; exp: number; sub: string };
	return { valid, alg: header_.alg as string, publicKey: k, ...payload, audienceOk: payload.aud === audience };
}
