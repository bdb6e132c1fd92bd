// Starts a throwaway PostgreSQL cluster from the machine's packages (Debian: /usr/lib/postgresql/N/bin)
// on a free loopback port inside a temporary directory. Used by the test runner and benchmarks.
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const PREFIX = 'cookmark-pg-';

export function findPostgresBin() {
	if (process.env.PG_BIN && existsSync(path.join(process.env.PG_BIN, 'initdb'))) return process.env.PG_BIN;
	const base = '/usr/lib/postgresql';
	if (!existsSync(base)) return null;
	const versions = readdirSync(base)
		.filter((v) => existsSync(path.join(base, v, 'bin', 'initdb')))
		.sort((a, b) => Number(b) - Number(a));
	return versions[0] ? path.join(base, versions[0], 'bin') : null;
}

/** @returns {Promise<number>} */
function freePort() {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = /** @type {net.AddressInfo} */ (server.address());
			server.close(() => resolve(port));
		});
	});
}

/** @param {number} pid */
function alive(pid) {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}

/** Removes clusters left behind by runs that were killed (their postmaster is gone). */
function cleanStale() {
	for (const name of readdirSync(os.tmpdir())) {
		if (!name.startsWith(PREFIX)) continue;
		const dir = path.join(os.tmpdir(), name);
		const pidFile = path.join(dir, 'data', 'postmaster.pid');
		const pid = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').split('\n')[0]) : 0;
		if (!pid || !alive(pid)) rmSync(dir, { recursive: true, force: true });
	}
}

/**
 * @param {{durable?: boolean, crashSafe?: boolean}} [options]
 * @returns {Promise<{url: string, port: number, version: string, stop: () => void, halt: () => Promise<void>, resume: () => Promise<void>} | null>}
 *   null when PostgreSQL is not installed.
 */
export async function startPostgres({ durable = false, crashSafe = false } = {}) {
	const bin = findPostgresBin();
	if (!bin) return null;
	cleanStale();
	const dir = mkdtempSync(path.join(os.tmpdir(), PREFIX));
	const data = path.join(dir, 'data');
	// initdb refuses to run as root; run the server as the packages' postgres user then.
	const asRoot = process.getuid?.() === 0;
	/** @type {string[]} */
	let runAs = [];
	if (asRoot) {
		const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
		const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
		chownSync(dir, uid, gid);
		runAs = ['runuser', '-u', 'postgres', '--'];
	}
	/** @type {(cmd: string, args: string[]) => [string, string[]]} The program to start, as the postgres user when root. */
	const command = (cmd, args) => {
		const [exe = '', ...rest] = [...runAs, path.join(bin, cmd), ...args];
		return [exe, rest];
	};
	/** @type {(cmd: string, args: string[]) => import('node:child_process').SpawnSyncReturns<string>} */
	const exec = (cmd, args) => spawnSync(...command(cmd, args), { encoding: 'utf8' });
	/** @type {(cmd: string, args: string[]) => string} */
	const run = (cmd, args) => {
		const r = exec(cmd, args);
		if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr || r.stdout}`);
		return r.stdout;
	};
	run('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync', '--no-instructions']);
	const port = await freePort();
	// Tests trade durability for speed; benchmarks ask for the real thing. A crash-safe cluster
	// (chaos runs, which crash PostgreSQL with halt()) keeps synchronous_commit on: with it off, a
	// commit already answered to the client is lost when the server crashes before its WAL is
	// written, so a link answered 201 vanishes. Skipping fsync only matters if the machine crashes.
	const fast = durable ? '' : ` -c fsync=off -c full_page_writes=off${crashSafe ? '' : ' -c synchronous_commit=off'}`;
	const startArgs = [
		'-D', data, '-w', '-t', '60', '-l', path.join(dir, 'server.log'),
		'-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=300${fast}`,
		'start'
	];
	// An immediate stop is a crash as clients see it: connections drop, the next start recovers.
	const crashArgs = ['-D', data, '-m', 'immediate', '-w', 'stop'];
	// Asynchronous for chaos runs, whose own servers must keep answering meanwhile.
	/** @type {(args: string[]) => Promise<void>} */
	const pgCtl = (args) => promisify(execFile)(...command('pg_ctl', args)).then(() => {});
	run('pg_ctl', startArgs);
	const version = run('postgres', ['--version']).trim();
	let stopped = false;
	const stop = () => {
		if (stopped) return;
		stopped = true;
		exec('pg_ctl', crashArgs);
		rmSync(dir, { recursive: true, force: true });
	};
	return {
		url: `postgres://postgres@127.0.0.1:${port}/postgres`,
		port,
		version,
		stop,
		/** Stops the server as a crash would, keeping its data directory and port (chaos runs). */
		halt: () => pgCtl(crashArgs),
		/** Starts it again on the same data directory and port after halt(). */
		resume: () => pgCtl(startArgs)
	};
}
