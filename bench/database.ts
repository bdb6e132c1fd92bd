import { randomBytes } from 'node:crypto';
import postgres from 'postgres';

/** A fresh, empty database on the admin URL's server, dropped (with its connections) by `drop`. */
export async function createDatabase(adminUrl: string, prefix: string): Promise<{ url: string; drop(): Promise<void> }> {
	const name = `${prefix.replace(/[^a-z0-9]/g, '_')}_${randomBytes(4).toString('hex')}`;
	const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
	try {
		await admin.unsafe(`create database ${name}`);
	} finally {
		await admin.end();
	}
	const url = new URL(adminUrl);
	url.pathname = `/${name}`;
	return {
		url: url.href,
		async drop() {
			const s = postgres(adminUrl, { max: 1, onnotice: () => {} });
			try {
				await s.unsafe(`drop database if exists ${name} with (force)`);
			} finally {
				await s.end();
			}
		}
	};
}
