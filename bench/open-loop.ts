/**
 * An open-loop load: requests start at evenly spaced times (rate per second), whatever the
 * answers, over a pool of kept-alive connections. Latency runs from the time a request was due,
 * so a request that waited for a free connection counts its wait (no coordinated omission).
 *
 * Why not autocannon's `overallRate`: it gives each connection `rate / connections` requests per
 * second, sent back to back at the start of each second on every connection at once, so 200
 * requests/s over 200 connections arrive as one burst of 200 each second, and the latency it
 * reports is mostly that burst's queue.
 */
import http from 'node:http';

export interface OpenLoopRequest {
	method: string;
	path: string;
	headers?: Record<string, string>;
	body?: string;
}

export interface OpenLoopFigures {
	/** Answers per second over the run. */
	reqPerSec: number;
	total: number;
	p50Ms: number;
	p99Ms: number;
	maxMs: number;
	/** Requests without an answer (connection errors and timeouts), timeouts alone, answers not 2xx. */
	errors: number;
	timeouts: number;
	non2xx: number;
	statusCodes: Record<string, number>;
}

const percentile = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! : NaN);

export async function openLoop(options: {
	origin: string;
	rate: number;
	durationSeconds: number;
	connections: number;
	request: () => OpenLoopRequest;
	timeoutMs?: number;
}): Promise<OpenLoopFigures> {
	const url = new URL(options.origin);
	const agent = new http.Agent({ keepAlive: true, maxSockets: options.connections });
	const timeoutMs = options.timeoutMs ?? 60_000;
	const latencies: number[] = [];
	const statusCodes: Record<string, number> = {};
	let errors = 0;
	let timeouts = 0;
	let non2xx = 0;
	const inFlight = new Set<Promise<void>>();

	const send = (due: number) => {
		const r = options.request();
		const done = new Promise<void>((resolve) => {
			const req = http.request(
				{ agent, host: url.hostname, port: url.port, method: r.method, path: r.path, headers: { ...r.headers, ...(r.body ? { 'content-length': Buffer.byteLength(r.body) } : {}) } },
				(res) => {
					res.resume();
					res.once('end', () => {
						latencies.push(performance.now() - due);
						const code = String(res.statusCode);
						statusCodes[code] = (statusCodes[code] ?? 0) + 1;
						if (!code.startsWith('2')) non2xx++;
						resolve();
					});
					res.once('error', () => {
						errors++;
						resolve();
					});
				}
			);
			req.setTimeout(timeoutMs, () => {
				timeouts++;
				req.destroy(new Error('timeout'));
			});
			req.once('error', () => {
				errors++;
				resolve();
			});
			req.end(r.body);
		});
		inFlight.add(done);
		void done.then(() => inFlight.delete(done));
	};

	const interval = 1000 / options.rate;
	const total = Math.round(options.rate * options.durationSeconds);
	const start = performance.now();
	let sent = 0;
	// Each tick starts every request that has fallen due; a late tick catches up at once.
	await new Promise<void>((resolve) => {
		const tick = () => {
			const now = performance.now();
			while (sent < total && start + sent * interval <= now) send(start + sent++ * interval);
			if (sent >= total) return resolve();
			setTimeout(tick, Math.max(0, start + sent * interval - performance.now()));
		};
		tick();
	});
	await Promise.all(inFlight);
	const elapsed = (performance.now() - start) / 1000;
	agent.destroy();
	const sorted = latencies.sort((a, b) => a - b);
	return {
		reqPerSec: latencies.length / elapsed,
		total: latencies.length,
		p50Ms: percentile(sorted, 50),
		p99Ms: percentile(sorted, 99),
		maxMs: sorted.at(-1) ?? NaN,
		errors,
		timeouts,
		non2xx,
		statusCodes
	};
}
