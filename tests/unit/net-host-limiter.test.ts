import { afterEach, describe, expect, it, vi } from 'vitest';
import { HostLimiter } from '../../src/lib/server/net/host-limiter';
import { safeFetch } from '../../src/lib/server/net/safe-fetch';
import { deferred, within } from '../helpers/deferred';
import { html, startHttpServer } from '../helpers/http-server';

const open = { maxBytes: 100_000, timeoutMs: 5_000, allowPrivate: true };
const generous = { intervalCap: 1_000, intervalMs: 60_000 };

/** A fixture whose /hold requests wait until the test releases them; it counts requests in flight. */
async function holdingSite() {
	const gates: Array<() => void> = [];
	const arrivals: Array<() => void> = [];
	let inFlight = 0;
	let maxInFlight = 0;
	const site = await startHttpServer({
		'/hold': async (_req, res) => {
			maxInFlight = Math.max(maxInFlight, ++inFlight);
			const gate = deferred();
			gates.push(gate.resolve);
			arrivals.forEach((notify) => notify());
			await gate.promise;
			inFlight--;
			res.writeHead(200, { 'content-type': 'text/html' }).end('<p>held</p>');
		},
		'/page': html('<p>free</p>')
	});
	const held = () => site.hits.filter((p) => p === '/hold').length;
	return {
		...site,
		get maxInFlight() {
			return maxInFlight;
		},
		/** Resolves once `n` /hold requests have arrived in all. */
		arrived(n: number): Promise<void> {
			return within(
				new Promise<void>((resolve) => {
					const check = () => held() >= n && resolve();
					arrivals.push(check);
					check();
				}),
				5_000,
				`${n} held requests`
			);
		},
		/** Lets the oldest held request answer. */
		release() {
			gates.shift()!();
		}
	};
}

describe('HostLimiter with real requests', () => {
	it('bounds the requests in flight to one host', async () => {
		const site = await holdingSite();
		try {
			const limiter = new HostLimiter({ concurrency: 2, ...generous });
			const url = `${site.origin}/hold`;
			let started = 0;
			const fetches = Array.from({ length: 5 }, () =>
				limiter.run(url, undefined, () => {
					started++;
					return safeFetch(url, open);
				})
			);
			await site.arrived(2);
			// All five were handed over at once; only two got through.
			expect(started).toBe(2);
			for (let n = 3; n <= 5; n++) {
				site.release();
				await site.arrived(n);
				expect(started).toBe(n);
			}
			site.release();
			site.release();
			expect((await Promise.all(fetches)).map((p) => p.body)).toEqual(Array(5).fill('<p>held</p>'));
			expect(site.maxInFlight).toBe(2);
		} finally {
			await site.close();
		}
	});

	it('does not hold up another host while one is busy', async () => {
		const site = await holdingSite();
		try {
			const limiter = new HostLimiter({ concurrency: 1, ...generous });
			const busy = limiter.run(`${site.origin}/hold`, undefined, () => safeFetch(`${site.origin}/hold`, open));
			await site.arrived(1);

			// Same server, another host name: its own queue.
			const other = `http://localhost:${site.port}/page`;
			expect((await within(limiter.run(other, undefined, () => safeFetch(other, open)), 5_000, 'the other host')).body).toBe('<p>free</p>');

			// The same host name on any port waits.
			let sameStarted = false;
			const same = limiter.run(`http://127.0.0.1:1/elsewhere`, undefined, async () => {
				sameStarted = true;
			});
			expect(sameStarted).toBe(false);
			site.release();
			await busy;
			await same;
			expect(sameStarted).toBe(true);
		} finally {
			await site.close();
		}
	});

	it('an abort while waiting takes the job out of the queue: it never fetches', async () => {
		const site = await holdingSite();
		try {
			const limiter = new HostLimiter({ concurrency: 1, ...generous });
			const busy = limiter.run(`${site.origin}/hold`, undefined, () => safeFetch(`${site.origin}/hold`, open));
			await site.arrived(1);

			const controller = new AbortController();
			let ran = false;
			const waiting = limiter.run(`${site.origin}/page`, controller.signal, () => {
				ran = true;
				return safeFetch(`${site.origin}/page`, { ...open, signal: controller.signal });
			});
			const reason = new Error('canceled by its owner');
			controller.abort(reason);
			await expect(waiting).rejects.toBe(reason);

			site.release();
			await busy;
			// The queue is first in, first out: had the aborted job stayed, it would have run before this one.
			await limiter.run(`${site.origin}/page?after`, undefined, () => safeFetch(`${site.origin}/page?after`, open));
			expect(ran).toBe(false);
			expect(site.hits).toEqual(['/hold', '/page']);
		} finally {
			await site.close();
		}
	});

	it('a job whose signal is already aborted never runs', async () => {
		const limiter = new HostLimiter({ concurrency: 1, ...generous });
		const job = vi.fn(async () => 'ran');
		const reason = new Error('too late');
		await expect(limiter.run('https://recipes.example/', AbortSignal.abort(reason), job)).rejects.toBe(reason);
		expect(job).not.toHaveBeenCalled();
	});
});

describe('HostLimiter rate and memory', () => {
	afterEach(() => {
		vi.useRealTimers();
	});

	it('starts at most intervalCap jobs per host in any interval', async () => {
		vi.useFakeTimers();
		const limiter = new HostLimiter({ concurrency: 10, intervalCap: 2, intervalMs: 60_000 });
		const started: string[] = [];
		const job = (name: string) => async () => void started.push(name);

		const a = ['a1', 'a2', 'a3'].map((name) => limiter.run('https://a.example/x', undefined, job(name)));
		await Promise.all(a.slice(0, 2));
		expect(started).toEqual(['a1', 'a2']);

		await limiter.run('https://b.example/x', undefined, job('b1')); // another host has its own budget
		await vi.advanceTimersByTimeAsync(59_999);
		expect(started).toEqual(['a1', 'a2', 'b1']);
		await vi.advanceTimersByTimeAsync(1);
		await a[2];
		expect(started).toEqual(['a1', 'a2', 'b1', 'a3']);
	});

	it("forgets a host one interval after its last job, and not before (its window must run out first)", async () => {
		vi.useFakeTimers();
		const limiter = new HostLimiter({ concurrency: 1, intervalCap: 1, intervalMs: 1_000 });
		const started: number[] = [];
		await limiter.run('https://a.example/', undefined, async () => void started.push(Date.now()));
		expect(limiter.size).toBe(1);

		await vi.advanceTimersByTimeAsync(500);
		// Still remembered: this one waits for the rest of the first one's window.
		const second = limiter.run('https://a.example/', undefined, async () => void started.push(Date.now()));
		await vi.advanceTimersByTimeAsync(500);
		await second;
		expect(started[1]! - started[0]!).toBe(1_000);

		await vi.advanceTimersByTimeAsync(999);
		expect(limiter.size).toBe(1);
		await vi.advanceTimersByTimeAsync(1);
		expect(limiter.size).toBe(0);
	});

	it('does not grow with the number of hosts seen, aborted jobs included', async () => {
		vi.useFakeTimers();
		const limiter = new HostLimiter({ concurrency: 1, intervalCap: 1, intervalMs: 1_000 });
		await Promise.all(Array.from({ length: 50 }, (_, i) => limiter.run(`https://site${i}.example/`, undefined, async () => i)));
		const controller = new AbortController();
		const first = limiter.run('https://busy.example/', undefined, async () => 'first');
		const aborted = limiter.run('https://busy.example/', controller.signal, async () => 'second');
		controller.abort(new Error('canceled'));
		await expect(aborted).rejects.toThrow('canceled');
		await first;
		expect(limiter.size).toBe(51);
		await vi.advanceTimersByTimeAsync(1_000);
		expect(limiter.size).toBe(0);
	});
});
