// The app as the browser tests see it: the production build on a fresh, empty PGlite directory
// (or DATABASE_URL when the runner provides one).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
if (!process.env.DATABASE_URL) {
	const dir = mkdtempSync(path.join(os.tmpdir(), 'cookmark-e2e-'));
	process.env.DATA_DIR = dir;
	process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
}
const { defaultBodySizeLimit } = await import(pathToFileURL(path.join(root, 'src', 'lib', 'server', 'http', 'body-limit.js')).href);
defaultBodySizeLimit();
await import(pathToFileURL(path.join(root, 'build', 'index.js')).href);

// The first account is the admin: made here, before any spec signs up, so the admin's specs know
// who it is whatever order the specs run in. Playwright waits for the line below (webServer.wait).
const signup = await fetch(`${process.env.ORIGIN}/api/auth/signup`, {
	method: 'POST',
	headers: { 'content-type': 'application/json', origin: process.env.ORIGIN },
	body: JSON.stringify({ username: 'admin', password: 'correct horse battery staple' })
});
if (signup.status !== 201) throw new Error(`could not make the e2e admin: ${signup.status} ${await signup.text()}`);
console.error('e2e admin ready');
