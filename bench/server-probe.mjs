// Preloaded into a benchmarked server (NODE_OPTIONS="--expose-gc --import <this file>", with
// BENCH_PROBE_FILE naming a command file): on SIGUSR2 it reads one command from that file and
// prints one `bench-probe <id> {…}` line. A signal and a file, because the server's stdin is not
// ours and --cpu-prof may not be passed in NODE_OPTIONS; nothing is added to the app's routes.
//   <id> sample [reset]   RSS, heap, CPU time and the event-loop delay since the last reset
//   <id> gc               the same after two full collections
//   <id> prof-start       starts the V8 sampling profiler (what --cpu-prof uses)
//   <id> prof-stop <path> stops it and writes a .cpuprofile (Chrome DevTools, speedscope)
//   <id> heap-snapshot <path>  after two full collections, a .heapsnapshot (bench/heap-diff.ts)
import { readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { writeHeapSnapshot } from 'node:v8';

// The histogram records whole timer intervals; the delay is what exceeds the resolution.
const RESOLUTION_MS = 10;
const loop = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
loop.enable();
/** @type {Session | null} */
let session = null;

/** @param {number} ns */
const ms = (ns) => Math.max(0, Math.round((ns / 1e6 - RESOLUTION_MS) * 100) / 100);
/** @param {string} id @param {unknown} body */
const reply = (id, body) => process.stdout.write(`bench-probe ${id} ${JSON.stringify(body)}\n`);
const sample = () => {
	const { rss, heapUsed, external, arrayBuffers } = process.memoryUsage();
	const cpu = process.cpuUsage();
	return {
		rss,
		heapUsed,
		external,
		arrayBuffers,
		cpuMs: (cpu.user + cpu.system) / 1000,
		eventLoopDelayMs: { p50: ms(loop.percentile(50)), p99: ms(loop.percentile(99)), max: ms(loop.max), mean: ms(loop.mean) }
	};
};

process.on('SIGUSR2', () => {
	const [id = '0', op = '', arg = ''] = readFileSync(process.env.BENCH_PROBE_FILE ?? '', 'utf8').trim().split(/\s+/);
	if (op === 'sample') {
		reply(id, sample());
		if (arg === 'reset') loop.reset();
	} else if (op === 'gc') {
		globalThis.gc?.();
		globalThis.gc?.();
		reply(id, sample());
	} else if (op === 'prof-start') {
		session = new Session();
		session.connect();
		session.post('Profiler.enable');
		session.post('Profiler.setSamplingInterval', { interval: 1000 });
		session.post('Profiler.start', (err) => reply(id, { ok: !err }));
	} else if (op === 'prof-stop' && session) {
		session.post('Profiler.stop', (err, result) => {
			if (!err) writeFileSync(arg, JSON.stringify(result.profile));
			session?.disconnect();
			session = null;
			reply(id, { ok: !err, path: arg });
		});
	} else if (op === 'heap-snapshot') {
		globalThis.gc?.();
		globalThis.gc?.();
		reply(id, { ok: true, path: writeHeapSnapshot(arg) });
	} else reply(id, { error: `unknown command ${op}` });
});
