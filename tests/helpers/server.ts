import { spawn, type ChildProcess } from 'node:child_process';
import { BODY_SIZE_LIMIT } from '../../src/lib/server/http/body-limit.js';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createPostgresDatabase, testDbKind } from './db';

const root = path.resolve(import.meta.dirname, '../..');
const entry = path.join(root, 'build', 'index.js');

export async function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as net.AddressInfo;
			server.close(() => resolve(port));
		});
	});
}

/** Where a server keeps its data: a PGlite directory or a database on the test PostgreSQL. */
export interface ServerStorage {
	env: Record<string, string>;
	cleanup(): Promise<void>;
}

export async function serverStorage(): Promise<ServerStorage> {
	if (testDbKind() === 'postgres') {
		const db = await createPostgresDatabase();
		return { env: { DATABASE_URL: db.url }, cleanup: db.drop };
	}
	const dir = mkdtempSync(path.join(os.tmpdir(), 'cookmark-test-'));
	return { env: { DATA_DIR: dir }, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
}

export interface ServerProcess {
	origin: string;
	process: ChildProcess;
	logs(): string;
	/** Sends a signal and waits for the process to exit; resolves to its exit code. */
	stop(signal?: NodeJS.Signals): Promise<number | null>;
	/** A request to this server; carries `token` as a Bearer token when one is set. */
	api(pathname: string, init?: RequestInit & { json?: unknown; auth?: false }): Promise<Response>;
	/** The API token `api()` sends (set by signUp, or by hand for a server sharing a database). */
	token?: string;
	/** Creates an account (or logs in to it), makes an API token for it and uses it from then on. */
	signUp(username?: string, password?: string): Promise<Account>;
}

export interface Account {
	username: string;
	password: string;
	/** The session cookie, `name=value`. */
	cookie: string;
	token: string;
}

export function sessionCookie(res: Response): string {
	const cookie = res.headers.getSetCookie().find((c) => c.startsWith('cookmark_session='));
	if (!cookie) throw new Error(`no session cookie in the answer (${res.status})`);
	return cookie.split(';')[0]!;
}

/**
 * Starts the built app on a free loopback port and waits until it is ready: as `node build` with
 * ORIGIN set (the default), or as `npm start` runs it (scripts/start.mjs, no ORIGIN). The port is
 * free when chosen but may be taken before the app binds it (suites run side by side and their
 * stand-in servers listen on port 0); the app then exits with EADDRINUSE and starts again on another.
 */
export async function startServer(
	storage: ServerStorage,
	env: Record<string, string> = {},
	options: { via?: 'node-build' | 'npm-start'; portsTried?: number; port?: number } = {}
): Promise<ServerProcess> {
	if (!existsSync(entry)) throw new Error('build/index.js is missing: run `npm run build` (npm test does it)');
	// A given port is kept (a restarted server where its clients expect it).
	const port = options.port ?? (await freePort());
	const origin = `http://127.0.0.1:${port}`;
	const npmStart = options.via === 'npm-start';
	let output = '';
	const child = spawn(process.execPath, [npmStart ? path.join(root, 'scripts', 'start.mjs') : entry], {
		cwd: root,
		env: {
			PATH: process.env.PATH ?? '',
			PORT: String(port),
			HOST: '127.0.0.1',
			...(npmStart ? {} : { ORIGIN: origin }),
			LOG_LEVEL: 'info',
			FETCH_ALLOW_PRIVATE: 'true',
			QUEUE_POLL_MS: '500',
			BODY_SIZE_LIMIT,
			...storage.env,
			...env
		},
		stdio: ['ignore', 'pipe', 'pipe']
	});
	child.stdout!.on('data', (d) => (output += d));
	child.stderr!.on('data', (d) => (output += d));
	const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

	const server: ServerProcess = {
		origin,
		process: child,
		logs: () => output,
		async stop(signal = 'SIGTERM') {
			if (child.exitCode === null && child.signalCode === null) child.kill(signal);
			return exited;
		},
		api(pathname, init = {}) {
			const { json, auth, ...rest } = init;
			const headers = new Headers(rest.headers);
			if (json !== undefined) headers.set('content-type', 'application/json');
			const own = headers.has('authorization') || headers.has('cookie');
			if (server.token && auth !== false && !own) headers.set('authorization', `Bearer ${server.token}`);
			return fetch(origin + pathname, { ...rest, headers, body: json !== undefined ? JSON.stringify(json) : rest.body, redirect: 'manual' });
		},
		async signUp(username = 'alice', password = 'correct horse battery staple') {
			const credentials = { username, password };
			let res = await server.api('/api/auth/signup', { method: 'POST', json: credentials, auth: false });
			if (res.status !== 201) res = await server.api('/api/auth/login', { method: 'POST', json: credentials, auth: false });
			if (!res.ok) throw new Error(`could not sign up or log in ${username}: ${res.status} ${await res.text()}`);
			const cookie = sessionCookie(res);
			const made = await server.api('/api/tokens', { method: 'POST', json: { name: 'tests' }, headers: { cookie } });
			if (made.status !== 201) throw new Error(`could not make a token: ${made.status} ${await made.text()}`);
			const { token } = (await made.json()) as { token: string };
			server.token = token;
			return { username, password, cookie, token };
		}
	};

	const deadline = Date.now() + 30_000;
	for (;;) {
		if (child.exitCode !== null) {
			const tried = (options.portsTried ?? 0) + 1;
			if (output.includes('EADDRINUSE') && tried < 5 && !options.port) return startServer(storage, env, { ...options, portsTried: tried });
			throw new Error(`server exited with ${child.exitCode}:\n${output}`);
		}
		// Asked only once this process says it listens: until then another may answer on the port.
		if (/Listening on|Cookmark is running/.test(output)) {
			try {
				const res = await fetch(`${origin}/api/ready`);
				if (res.ok) return server;
			} catch {
				// not ready yet
			}
		}
		if (Date.now() > deadline) {
			await server.stop('SIGKILL');
			throw new Error(`server did not become ready:\n${output}`);
		}
		await new Promise((r) => setTimeout(r, 100));
	}
}

/** Polls an item until `predicate` holds (the dashboard's own way until SSE arrives). */
export async function waitForItem<T extends { status: string }>(
	server: ServerProcess,
	id: string,
	predicate: (item: T) => boolean,
	ms = 20_000
): Promise<T> {
	const deadline = Date.now() + ms;
	let last: T | undefined;
	while (Date.now() < deadline) {
		const res = await server.api(`/api/queue/${id}`);
		last = (await res.json()) as T;
		if (predicate(last)) return last;
		await new Promise((r) => setTimeout(r, 50));
	}
	throw new Error(`item ${id} did not reach the expected state; last seen: ${JSON.stringify(last)}\n${server.logs().slice(-3000)}`);
}
