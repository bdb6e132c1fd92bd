import { spawn } from 'node:child_process';
import path from 'node:path';
import { deferred } from './deferred';

const root = path.resolve(import.meta.dirname, '../..');

export interface WorkerProcess {
	pid: number;
	/** Resolves once the worker has started (LOG_LEVEL info or lower). */
	started: Promise<void>;
	/** Resolves once the worker's loop first waits for work (needs LOG_LEVEL=debug). */
	idle: Promise<void>;
	/** Resolves with the exit code (null when killed by a signal). */
	exited: Promise<number | null>;
	output(): string;
	/** Signals the worker and waits for it to exit. */
	stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * `npm run worker` as a process of its own (tsx, without npm in between). tsx runs the command in
 * a child process, so SIGKILL goes to the whole process group: it must kill the worker itself, not
 * only tsx, or the "killed" worker would go on working.
 */
export function spawnWorker(env: Record<string, string>, keepChars = 200_000): WorkerProcess {
	const child = spawn(process.execPath, [path.join(root, 'node_modules/tsx/dist/cli.mjs'), 'src/cli/cookmark.ts', 'worker'], {
		cwd: root,
		env: { PATH: process.env.PATH ?? '', ...env },
		stdio: ['ignore', 'pipe', 'pipe'],
		detached: true
	});
	let output = '';
	const idle = deferred();
	const started = deferred();
	const append = (d: Buffer) => {
		output += d;
		if (output.includes('worker started')) started.resolve();
		if (output.includes('waiting for work')) idle.resolve();
		if (output.length > keepChars) output = output.slice(-keepChars / 2);
	};
	child.stdout.on('data', append);
	child.stderr.on('data', append);
	const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
	child.once('exit', (code) => {
		idle.reject(new Error(`worker exited with ${code}:\n${output}`));
		started.reject(new Error(`worker exited with ${code}:\n${output}`));
	});
	idle.promise.catch(() => {});
	started.promise.catch(() => {});
	return {
		pid: child.pid!,
		started: started.promise,
		idle: idle.promise,
		exited,
		output: () => output,
		stop(signal = 'SIGTERM') {
			if (child.exitCode === null && child.signalCode === null) {
				// tsx passes other signals on to the worker itself; a second copy would cut its shutdown short.
				try {
					if (signal === 'SIGKILL') process.kill(-child.pid!, signal);
					else child.kill(signal);
				} catch {
					// already gone
				}
			}
			return exited;
		}
	};
}
