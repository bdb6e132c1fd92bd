/**
 * Group commit: calls made while a flush is under way wait for it and then go together, so
 * under load one statement carries many calls, and alone a call goes at once (no added delay).
 * Calls arriving in the same turn of the event loop always join one flush.
 */
export class Batcher<T, R> {
	private pending: Array<{ item: T; at: number; resolve(r: R): void; reject(e: unknown): void }> = [];
	private inFlight = 0;
	private scheduled = false;
	private idleWaiters: Array<() => void> = [];

	constructor(
		private readonly options: {
			/** Writes a batch; answers in the order of `items`. */
			flush(items: T[]): Promise<R[]>;
			maxBatch: number;
			/** Flushes under way at once (each holds a database connection). */
			maxInFlight: number;
			/** After each flush that went through: its size, and how long each call waited from add() until written (ms). */
			observe?(count: number, waitedMs: number[]): void;
		}
	) {}

	add(item: T): Promise<R> {
		return new Promise<R>((resolve, reject) => {
			this.pending.push({ item, at: performance.now(), resolve, reject });
			if (!this.scheduled) {
				this.scheduled = true;
				setImmediate(() => {
					this.scheduled = false;
					this.kick();
				});
			}
		});
	}

	/** Calls waiting or being written. */
	get size(): number {
		return this.pending.length + this.inFlight;
	}

	/** Resolves once nothing is waiting or being written. */
	idle(): Promise<void> {
		if (this.size === 0) return Promise.resolve();
		return new Promise((resolve) => this.idleWaiters.push(resolve));
	}

	private kick(): void {
		while (this.inFlight < this.options.maxInFlight && this.pending.length > 0) {
			const batch = this.pending.splice(0, this.options.maxBatch);
			this.inFlight++;
			this.options
				.flush(batch.map((b) => b.item))
				.then(
					(results) => {
						const now = performance.now();
						batch.forEach((b, i) => b.resolve(results[i]!));
						this.options.observe?.(batch.length, batch.map((b) => now - b.at));
					},
					(err) => batch.forEach((b) => b.reject(err))
				)
				.finally(() => {
					this.inFlight--;
					this.kick();
					if (this.size === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
				});
		}
	}
}
