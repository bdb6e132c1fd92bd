import path from 'node:path';
import type { ServerProcess } from './server';

/** Environment for startServer that loads the memory probe (tests/helpers/memory-probe.mjs). */
export const memoryProbeEnv = { NODE_OPTIONS: `--expose-gc --import ${path.join(import.meta.dirname, 'memory-probe.mjs')}` };

export interface MemorySample {
	heapUsed: number;
	rss: number;
	/** Timers alive in the server (setTimeout and setInterval). */
	timers: number;
}

/** Asks a server started with memoryProbeEnv to collect garbage and report its memory. */
export function sampleMemory(server: ServerProcess): Promise<MemorySample> {
	const stdout = server.process.stdout!;
	return new Promise((resolve, reject) => {
		let buffer = '';
		const onData = (chunk: Buffer) => {
			buffer += chunk;
			const match = /memory-probe (\{.*\})\n/.exec(buffer);
			if (!match) return;
			stdout.off('data', onData);
			resolve(JSON.parse(match[1]!));
		};
		stdout.on('data', onData);
		if (!server.process.kill('SIGUSR2')) reject(new Error('the server is not running'));
	});
}
