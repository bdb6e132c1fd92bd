import type { Logger } from 'pino';
import type { Database } from '../db/client';
import type { Clock } from './clock';
import type { OutageWatch } from './outage';
import { extendLeases } from './sql/heartbeat';
import { nextLeaseExpiry } from './sql/next-lease-expiry';
import { reclaimExpired, type Reclaimed } from './sql/reclaim-expired';
import { releaseItems } from './sql/release';

/** A run as its lease sees it. */
export interface LeasedRun {
	token: string;
	itemId: string;
	/** True while the database still shows this run's lease. */
	leased: boolean;
	/** When the lease runs out (engine clock, ms) unless a heartbeat extends it. */
	leaseUntil: number;
	/** Stops the run: its lease is gone, or about to be. */
	loseLease(): void;
}

/**
 * The one owner of a worker's lease tokens: renews them (one statement for all), stops a run whose
 * lease is about to run out unrenewed, hands back what a stopped or cut-short run still holds,
 * and reclaims the expired leases of workers that died.
 */
export class Leases {
	private readonly runs = new Map<string, LeasedRun>();
	/** Leases of finished runs not handed back yet (the database was down); released once it answers. */
	private readonly unreleased = new Set<string>();
	private heartbeatTimer: NodeJS.Timeout | null = null;
	private guardTimer: NodeJS.Timeout | null = null;
	private lastSweep = -Infinity;
	/** The earliest lease expiry seen at the last sweep (engine clock, ms), or null. */
	nextExpiry: number | null = null;

	constructor(
		private readonly o: {
			database: Database;
			leaseMs: number;
			clock: Clock;
			log: Logger;
			outage: OutageWatch;
			/** Items taken back from dead workers; those whose budget is spent are now dead. */
			onReclaimed(items: Reclaimed[]): void;
		}
	) {}

	get size(): number {
		return this.runs.size;
	}

	all(): IterableIterator<LeasedRun> {
		return this.runs.values();
	}

	track(run: LeasedRun): void {
		this.runs.set(run.token, run);
	}

	/** The run ended; a lease it still holds is handed back (now, or once the database answers). */
	async untrack(run: LeasedRun, { releaseNow }: { releaseNow: boolean }): Promise<void> {
		this.runs.delete(run.token);
		if (!run.leased) return;
		this.unreleased.add(run.token);
		if (releaseNow) await this.releaseLeftovers().catch((err) => {
			if (!this.o.outage.failed(err)) this.o.log.error({ err }, 'could not release a lease; it will be released later or expire');
		});
	}

	/** How often leases are renewed (a third of a lease: two beats may be missed before one runs out). */
	get beatMs(): number {
		return Math.max(100, Math.floor(this.o.leaseMs / 3));
	}

	/** How long before its lease runs out a run that could not renew it stops itself. */
	private get guardMs(): number {
		return Math.max(100, Math.floor(this.o.leaseMs / 10));
	}

	start(): void {
		this.heartbeatTimer = setInterval(() => void this.heartbeat(), this.beatMs);
		this.heartbeatTimer.unref();
		this.guardTimer = setInterval(() => this.stopExpiringRuns(), Math.max(50, Math.floor(this.guardMs / 2)));
		this.guardTimer.unref();
	}

	stop(): void {
		if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
		if (this.guardTimer) clearInterval(this.guardTimer);
	}

	/** Hands back every lease in `unreleased` (after an outage, at shutdown) in one statement. */
	async releaseLeftovers(): Promise<void> {
		if (this.unreleased.size === 0) return;
		const tokens = [...this.unreleased];
		const released = await releaseItems(this.o.database, { tokens, now: this.o.clock.now() });
		for (const token of tokens) this.unreleased.delete(token);
		if (released.length) this.o.log.info({ items: released }, 'released leases');
	}

	/** Forgets leases that could not be handed back (shutdown gave up): they expire and are reclaimed. */
	abandon(): void {
		this.unreleased.clear();
	}

	/**
	 * Reclaims expired leases: when one is due, or twice per lease period (heartbeats move
	 * expiries), or when forced. Remembers the next expiry so the claim loop can wake for it.
	 */
	async sweep(force: boolean): Promise<void> {
		const now = this.o.clock.now();
		const due = this.nextExpiry !== null && now.getTime() >= this.nextExpiry;
		if (!force && !due && now.getTime() - this.lastSweep < this.o.leaseMs / 2) return;
		this.lastSweep = now.getTime();
		const items = await reclaimExpired(this.o.database, now);
		if (items.length) {
			this.o.log.warn({ items: items.map((i) => i.id) }, 'reclaimed items whose worker stopped responding');
			this.o.onReclaimed(items);
		}
		this.nextExpiry = await nextLeaseExpiry(this.o.database, now);
	}

	/**
	 * A run whose lease is about to run out unrenewed (the database is out of reach, or the renewals
	 * are slow) stops itself: once the lease expires another worker may take the item, and this one
	 * must have stopped by then. Checked often and apart from the heartbeat, so a renewal that is
	 * merely slow (a loaded machine) does not stop the run while the lease still has time: only
	 * about two missed beats in a row do.
	 */
	private stopExpiringRuns(): void {
		const now = this.o.clock.now().getTime();
		for (const run of this.runs.values()) {
			if (run.leased && run.leaseUntil - now <= this.guardMs) {
				this.o.log.warn({ itemId: run.itemId, leaseLeftMs: run.leaseUntil - now }, 'lease not renewed in time; stopping the run');
				run.loseLease();
			}
		}
	}

	private async heartbeat(): Promise<void> {
		const now = this.o.clock.now();
		const tokens = [...this.runs.values()].filter((run) => run.leased).map((run) => run.token);
		if (tokens.length === 0) return;
		try {
			const valid = await extendLeases(this.o.database, { tokens, leaseMs: this.o.leaseMs, now });
			this.o.outage.succeeded();
			for (const token of tokens) {
				const run = this.runs.get(token);
				if (!run?.leased) continue;
				if (valid.has(token)) run.leaseUntil = Math.max(run.leaseUntil, now.getTime() + this.o.leaseMs);
				else run.loseLease();
			}
		} catch (err) {
			if (!this.o.outage.failed(err)) this.o.log.error({ err }, 'heartbeat failed');
		}
	}
}
