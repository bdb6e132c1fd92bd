import { AsyncLocalStorage } from 'node:async_hooks';
import PQueue from 'p-queue';

/** Runs a fetch once its host has room: this process's limiter, or one shared by every process. */
export interface HostRunner {
	run<T>(url: string, signal: AbortSignal | undefined, job: () => Promise<T>): Promise<T>;
}

export interface HostLimits {
	/** Requests to one host at once. */
	concurrency: number;
	/** Requests to one host started within any `intervalMs` (a sliding window, so no bursts at window edges); none when left out. */
	intervalCap?: number;
	intervalMs: number;
}

interface HostQueue {
	queue: PQueue;
	/** Jobs queued or running; the entry may be dropped only at zero. */
	jobs: number;
	dropTimer?: NodeJS.Timeout;
}

/**
 * Politeness towards the sites we fetch: per host name (any port), a bounded number of requests
 * at once and per interval, so a batch of shares from one site queues up instead of hammering it.
 * The person's own servers (Tandoor, Mealie) get a limiter of their own, with room for their
 * many small API calls and no per-minute cap: they are not third-party sites.
 * A host's queue is dropped after a whole interval without jobs: its window is empty by then, so
 * nothing is forgotten, and the map holds only hosts used recently.
 */
export class HostLimiter implements HostRunner {
	private readonly hosts = new Map<string, HostQueue>();

	constructor(private readonly limits: HostLimits) {}

	/**
	 * Runs `job` once `url`'s host has room. If `signal` aborts while the job waits, it leaves the
	 * queue without running and this rejects with the signal's reason. An abort while it runs frees
	 * its slot at once, so `job` should stop on the same signal (safeFetch does).
	 */
	async run<T>(url: string, signal: AbortSignal | undefined, job: () => Promise<T>): Promise<T> {
		const host = hostOf(url);
		const entry = this.entryFor(host);
		entry.jobs++;
		try {
			// Run in the caller's async context (its item's correlation id), not that of the job that freed the slot.
			return await entry.queue.add(AsyncLocalStorage.bind(() => job()), { signal });
		} finally {
			if (--entry.jobs === 0) {
				entry.dropTimer = setTimeout(() => this.hosts.delete(host), this.limits.intervalMs).unref();
			}
		}
	}

	/** Hosts with a queue right now. */
	get size(): number {
		return this.hosts.size;
	}

	private entryFor(host: string): HostQueue {
		const existing = this.hosts.get(host);
		if (existing) {
			clearTimeout(existing.dropTimer);
			return existing;
		}
		const { concurrency, intervalCap, intervalMs } = this.limits;
		const rate = intervalCap === undefined ? {} : { intervalCap, interval: intervalMs, strict: true };
		const entry: HostQueue = { queue: new PQueue({ concurrency, ...rate }), jobs: 0 };
		this.hosts.set(host, entry);
		return entry;
	}
}

/**
 * The host a fetch of `url` is limited under (any port). Invalid URLs share one key, '': the
 * fetcher refuses them without touching the network.
 */
export function hostOf(url: string): string {
	try {
		return new URL(url).hostname;
	} catch {
		return '';
	}
}
