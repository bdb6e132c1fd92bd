import type { Logger } from 'pino';
import type { Clock } from './clock';
import type { OutageWatch } from './outage';

/** The loop's first wait after a failure; it doubles up to the poll interval. */
const FIRST_RETRY_MS = 250;

/**
 * When to claim: at once while claims come back full, on a wake-up (NOTIFY, a run ending), when
 * a lease is due to expire, else at the poll. After a failure it backs off, so a dead database
 * is not polled in a spin.
 */
export class ClaimLoop {
	private stopping = false;
	private wakePending = false;
	private wakeSleeper: (() => void) | null = null;
	private done: Promise<void> | null = null;

	constructor(
		private readonly o: {
			/** One round: sweeps and claims; says how many it claimed out of how many it asked for. */
			round(): Promise<{ claimed: number; asked: number }>;
			pollMs: number;
			/** The next lease expiry (engine clock, ms), to wake for. */
			nextExpiry(): number | null;
			clock: Clock;
			outage: OutageWatch;
			log: Logger;
			/** Called each time the loop really has to wait. */
			onIdle(): void;
		}
	) {}

	start(): void {
		this.done = this.loop();
	}

	/** Something may be claimable: look now instead of at the next poll. */
	wake(): void {
		this.wakePending = true;
		this.wakeSleeper?.();
	}

	async stop(): Promise<void> {
		this.stopping = true;
		this.wake();
		await this.done;
	}

	private async loop(): Promise<void> {
		let failures = 0;
		while (!this.stopping) {
			try {
				const { claimed, asked } = await this.o.round();
				this.o.outage.succeeded();
				failures = 0;
				if (asked > 0 && claimed === asked) continue; // there may be more
			} catch (err) {
				failures++;
				if (!this.o.outage.failed(err)) this.o.log.error({ err }, 'claim loop failed; trying again shortly');
			}
			// Sleep until the poll, or until a lease expires if that comes first (+ a little slack). After
			// a failure the expiry seen last may be past: back off instead.
			const expiry = this.o.nextExpiry();
			const untilExpiry = expiry === null ? Infinity : expiry - this.o.clock.now().getTime() + 20;
			const wait = failures > 0 ? FIRST_RETRY_MS * 2 ** Math.min(failures - 1, 20) : untilExpiry;
			await this.sleep(Math.max(0, Math.min(this.o.pollMs, wait)));
		}
	}

	/** Waits for a wake-up or the poll. */
	private sleep(ms: number): Promise<void> {
		if (this.wakePending || this.stopping) {
			this.wakePending = false;
			return Promise.resolve();
		}
		this.o.onIdle();
		return new Promise((resolve) => {
			const timer = setTimeout(done, ms);
			const self = this;
			function done() {
				clearTimeout(timer);
				self.wakeSleeper = null;
				self.wakePending = false;
				resolve();
			}
			this.wakeSleeper = done;
		});
	}
}
