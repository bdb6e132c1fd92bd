import { randomUUID } from 'node:crypto';
import { setTimeout as wait } from 'node:timers/promises';
import { sql } from 'drizzle-orm';
import type { Database } from '../db/client';
import { hostOf, type HostRunner } from '../net/host-limiter';

/** Heard by every process when a site's slot comes free, so a waiter tries again at once. */
const FREED = 'cookmark_host_freed';
/** A waiter that heard nothing tries again after this (a NOTIFY lost with a dropped connection). */
const RETRY_MS = { first: 50, max: 1_000 };

export interface SharedHostLimits {
	/** Fetches from one site at once, across every process. */
	concurrency: number;
	/** Fetches from one site started per minute, across every process: starts are spaced evenly. */
	perMinute: number;
	/** How long a slot holds without its holder (a crashed process): longer than any fetch takes. */
	slotTtlMs: number;
}

/**
 * Politeness towards the sites we fetch, held across every process that shares the database: a
 * bulk import split over four workers still fetches from one site no more than `concurrency` at
 * once and `perMinute` a minute. A fetch takes one of the site's slots (a row in host_slots; the
 * primary key is the arbiter, so two processes never hold the same one), waits for its turn in
 * the site's pace (host_pace: one statement reserves the next start), runs, and gives the slot back
 * with a NOTIFY that wakes the waiters everywhere. Three short statements per fetch, against a
 * fetch that takes hundreds of milliseconds.
 */
export class SharedHostLimiter implements HostRunner {
	private readonly holder = randomUUID();
	private readonly waiters = new Set<() => void>();
	private stopListening: (() => Promise<void>) | null = null;

	private constructor(
		private readonly database: Database,
		private readonly limits: SharedHostLimits
	) {}

	static async start(database: Database, limits: SharedHostLimits): Promise<SharedHostLimiter> {
		const limiter = new SharedHostLimiter(database, limits);
		limiter.stopListening = await database.listen(FREED, () => limiter.wakeAll());
		// Sites not fetched for a day need no pace row any more.
		await database.rows(sql`delete from host_pace where next_at < now() - interval '1 day'`);
		return limiter;
	}

	async run<T>(url: string, signal: AbortSignal | undefined, job: () => Promise<T>): Promise<T> {
		const host = hostOf(url);
		const slot = await this.acquire(host, signal);
		try {
			await this.waitForTurn(host, signal);
			return await job();
		} finally {
			await this.release(host, slot);
		}
	}

	async close(): Promise<void> {
		await this.stopListening?.();
		this.wakeAll();
	}

	/** Takes a free (or expired) slot of the site, waiting for one to come free. */
	private async acquire(host: string, signal: AbortSignal | undefined): Promise<number> {
		for (let attempt = 0; ; attempt++) {
			signal?.throwIfAborted();
			const [row] = await this.database.rows<{ slot: number }>(sql`
				with free as (
					select s as slot from generate_series(0, ${this.limits.concurrency - 1}::int) s
					where not exists (select 1 from host_slots h where h.host = ${host} and h.slot = s and h.expires_at > now())
					order by s limit 1
				)
				insert into host_slots (host, slot, holder, expires_at)
				select ${host}, slot, ${this.holder}, now() + ${this.limits.slotTtlMs}::int * interval '1 millisecond' from free
				-- Taken by another process since this statement looked: only an expired holder gives way.
				on conflict (host, slot) do update set holder = excluded.holder, expires_at = excluded.expires_at
					where host_slots.expires_at <= now()
				returning slot`);
			if (row) return row.slot;
			await this.freed(signal, Math.min(RETRY_MS.max, RETRY_MS.first * 2 ** attempt));
		}
	}

	/** Reserves this fetch's start in the site's pace, and waits until then. */
	private async waitForTurn(host: string, signal: AbortSignal | undefined): Promise<void> {
		const gapMs = Math.ceil(60_000 / this.limits.perMinute);
		const [row] = await this.database.rows<{ waitMs: number | string }>(sql`
			insert into host_pace as p (host, next_at) values (${host}, now() + ${gapMs}::int * interval '1 millisecond')
			on conflict (host) do update set next_at = greatest(p.next_at, now()) + ${gapMs}::int * interval '1 millisecond'
			returning greatest(0, extract(epoch from (p.next_at - now())) * 1000 - ${gapMs}) as "waitMs"`);
		const waitMs = Number(row?.waitMs ?? 0);
		if (waitMs > 0) await sleep(waitMs, signal);
	}

	private async release(host: string, slot: number): Promise<void> {
		await this.database.rows(sql`
			with gone as (delete from host_slots where host = ${host} and slot = ${slot} and holder = ${this.holder} returning host)
			select pg_notify(${FREED}, host) from gone`);
	}

	/** Resolves when any slot comes free (in any process), after `ms` at the latest, or throws on abort. */
	private freed(signal: AbortSignal | undefined, ms: number): Promise<void> {
		return new Promise<void>((resolve, reject) => {
			const settle = (then: () => void) => () => {
				clearTimeout(timer);
				this.waiters.delete(woken);
				signal?.removeEventListener('abort', aborted);
				then();
			};
			const woken = settle(resolve);
			const aborted = settle(() => reject(signal!.reason));
			// Jittered, so waiters of one site do not all ask at the same instant.
			const timer = setTimeout(woken, ms * (0.5 + Math.random() / 2));
			this.waiters.add(woken);
			signal?.addEventListener('abort', aborted, { once: true });
		});
	}

	private wakeAll(): void {
		for (const wake of [...this.waiters]) wake();
	}
}

/** Waits `ms`, or rejects with the signal's own reason (a cancel, a timeout) once it aborts. */
async function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
	try {
		await wait(ms, undefined, { signal });
	} catch (err) {
		throw signal?.aborted ? signal.reason : err;
	}
}
