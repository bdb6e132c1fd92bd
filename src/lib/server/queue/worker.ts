import { EventEmitter } from 'node:events';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import PQueue from 'p-queue';
import type { Logger } from 'pino';
import type { Database } from '../db/client';
import { retryDelay, type BackoffPolicy } from '../failures/backoff';
import { channels } from './channels';
import { systemClock, type Clock } from './clock';
import { classifyError, PhaseTimeoutError, type Classified } from '../failures/errors';
import type { PhaseDefinition, PipelineDefinition, PipelineRegistry } from './pipeline';
import { claimItems, type ClaimedItem } from './sql/claim';
import { completePhase } from './sql/complete-phase';
import { failPhase, type FailureOutcome } from './sql/fail-phase';
import { extendLeases } from './sql/heartbeat';
import { nextLeaseExpiry } from './sql/next-lease-expiry';
import { OutageWatch } from './outage';
import { phasesOf } from './sql/read';
import { reclaimExpired } from './sql/reclaim-expired';
import { releaseItems } from './sql/release';
import { reportProgress } from './sql/report-progress';
import { startPhase } from './sql/start-phase';

export interface WorkerOptions {
	database: Database;
	registry: PipelineRegistry;
	log: Logger;
	concurrency: number;
	/** Per phase. */
	timeoutMs: number;
	leaseMs: number;
	/** Safety-net poll; NOTIFY normally wakes the worker at once. */
	pollMs: number;
	backoff: BackoffPolicy;
	/** How long running phases may finish after stop() before they are aborted and handed back. */
	graceMs: number;
	clock?: Clock;
	random?: () => number;
	id?: string;
	/** Called once an item ends in success, error or dead (notifications hang off this). */
	onFinished?: (item: { id: string; userId: string; status: 'success' | 'error' | 'dead' }) => void;
}

/** Why a run stopped early without a failure of its own; nothing is written for these. */
class StopSignal extends Error {
	constructor(readonly why: 'canceled' | 'lease_lost' | 'shutdown') {
		super(why);
		this.name = 'StopSignal';
	}
}

interface Run {
	item: ClaimedItem;
	/** Aborts the running phase, if any. */
	abort(reason: unknown): void;
	stopRequested: StopSignal | null;
	/** True while the database still shows this run's lease. */
	leased: boolean;
	/** When the lease runs out (engine clock, ms) unless a heartbeat extends it. */
	leaseUntil: number;
}

type PhaseOutcome = { ok: true; output: unknown } | { ok: false; error: unknown };

const PROGRESS_INTERVAL_MS = 250;
/** The claim loop's first wait after a failure; it doubles up to the poll interval. */
const FIRST_RETRY_MS = 250;

/**
 * Claims items and runs their pipelines' phases. Any number of workers, in one process or many,
 * may share a database: claims use SKIP LOCKED, every write is fenced on the claim's lease token,
 * and a heartbeat keeps leases alive while phases run.
 */
export class Worker extends EventEmitter<{ idle: [] }> {
	readonly id: string;
	private readonly o: Required<Omit<WorkerOptions, 'id' | 'onFinished'>> & Pick<WorkerOptions, 'onFinished'>;
	private readonly queue: PQueue;
	private readonly runs = new Map<string, Run>();
	/** Leases of finished runs not handed back yet (the database was down); released once it answers. */
	private readonly unreleased = new Set<string>();
	private readonly outage: OutageWatch;
	private stopping = false;
	private stopped: Promise<void> | null = null;
	private wakePending = false;
	private wakeSleeper: (() => void) | null = null;
	private loopDone: Promise<void> | null = null;
	private heartbeatTimer: NodeJS.Timeout | null = null;
	private leaseWatchTimer: NodeJS.Timeout | null = null;
	private unlisteners: Array<() => Promise<void>> = [];
	private lastSweep = -Infinity;
	/** The earliest lease expiry seen at the last sweep (engine clock, ms), or null. */
	private nextExpiry: number | null = null;

	constructor(options: WorkerOptions) {
		super();
		this.id = options.id ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
		this.o = { ...options, clock: options.clock ?? systemClock, random: options.random ?? Math.random };
		this.queue = new PQueue({ concurrency: options.concurrency });
		this.outage = new OutageWatch(this.o.log, this.o.clock);
	}

	private get log(): Logger {
		return this.o.log;
	}

	/**
	 * Listens for new work and cancels, starts the heartbeat, and (unless `loop: false`, for tests
	 * that drive the worker with processAvailable) the claim loop.
	 */
	async start({ loop = true }: { loop?: boolean } = {}): Promise<void> {
		const { database } = this.o;
		// Back from a lost connection, work enqueued meanwhile woke nobody: look now.
		this.unlisteners.push(await database.listen(channels.jobs, () => this.wake(), () => this.wake()));
		this.unlisteners.push(
			await database.listen(channels.cancel, (itemId) => {
				for (const run of this.runs.values()) if (run.item.id === itemId) this.stopRun(run, new StopSignal('canceled'));
			})
		);
		this.heartbeatTimer = setInterval(() => void this.heartbeat(), this.beatMs);
		this.heartbeatTimer.unref();
		this.leaseWatchTimer = setInterval(() => this.stopExpiringRuns(), Math.max(50, Math.floor(this.guardMs / 2)));
		this.leaseWatchTimer.unref();
		if (loop) this.loopDone = this.loop();
		this.log.info({ worker: this.id, concurrency: this.o.concurrency }, 'worker started');
	}

	/** Something may be claimable: look now instead of at the next poll. */
	wake(): void {
		this.wakePending = true;
		this.wakeSleeper?.();
	}

	private get beatMs(): number {
		return Math.max(100, Math.floor(this.o.leaseMs / 3));
	}

	/** How long before its lease runs out a run that could not renew it stops itself. */
	private get guardMs(): number {
		return Math.max(100, Math.floor(this.o.leaseMs / 10));
	}

	get activeCount(): number {
		return this.runs.size;
	}

	/**
	 * Claims and runs everything runnable now, and returns when it is all done. For tests and
	 * tools that want one deterministic pass instead of the background loop.
	 */
	async processAvailable(): Promise<void> {
		for (;;) {
			await this.sweep(true);
			const claimed = await this.claim();
			if (claimed.length === 0 && this.runs.size === 0) return;
			await this.queue.onIdle();
		}
	}

	/**
	 * Graceful stop: no new claims; running phases get `graceMs` to finish; what is still running
	 * then is aborted; every item still leased is handed back to the queue at once.
	 */
	stop(graceMs = this.o.graceMs): Promise<void> {
		this.stopped ??= this.drain(graceMs);
		return this.stopped;
	}

	private async drain(graceMs: number): Promise<void> {
		this.stopping = true;
		this.wake();
		await this.loopDone;
		const idle = this.queue.onIdle();
		let timer: NodeJS.Timeout | undefined;
		const graceOver = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), graceMs)));
		if ((await Promise.race([idle, graceOver])) === 'timeout') {
			this.log.warn({ worker: this.id, running: this.runs.size }, 'grace period over; handing running items back');
			for (const run of this.runs.values()) this.stopRun(run, new StopSignal('shutdown'));
			await idle;
		}
		clearTimeout(timer);
		if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
		if (this.leaseWatchTimer) clearInterval(this.leaseWatchTimer);
		try {
			await this.releaseLeftovers();
		} catch (err) {
			this.log.error({ err }, 'could not release leases; they will expire and be reclaimed');
		}
		this.unreleased.clear();
		await Promise.all(this.unlisteners.map((u) => u().catch(() => {})));
		this.unlisteners = [];
		this.log.info({ worker: this.id }, 'worker stopped');
	}

	private async loop(): Promise<void> {
		let failures = 0;
		while (!this.stopping) {
			try {
				// Our own leftovers first: handed back, they are not counted as lost attempts by the sweep.
				await this.releaseLeftovers();
				await this.sweep(false);
				const free = this.o.concurrency - this.runs.size;
				const claimed = await this.claim();
				this.outage.succeeded();
				failures = 0;
				if (free > 0 && claimed.length === free) continue; // there may be more
			} catch (err) {
				failures++;
				if (!this.outage.failed(err)) this.log.error({ err }, 'claim loop failed; trying again shortly');
			}
			// Sleep until the poll, or until a lease expires if that comes first (+ a little slack). After
			// a failure the expiry seen last may be past: back off instead, so a dead database is not polled in a spin.
			const untilExpiry = this.nextExpiry === null ? Infinity : this.nextExpiry - this.o.clock.now().getTime() + 20;
			const wait = failures > 0 ? FIRST_RETRY_MS * 2 ** Math.min(failures - 1, 20) : untilExpiry;
			await this.sleep(Math.max(0, Math.min(this.o.pollMs, wait)));
		}
	}

	/** Waits for a wake-up or the poll; emits `idle` when it really has to wait. */
	private sleep(ms: number): Promise<void> {
		if (this.wakePending || this.stopping) {
			this.wakePending = false;
			return Promise.resolve();
		}
		this.emit('idle');
		this.log.debug({ worker: this.id, ms }, 'waiting for work');
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

	/**
	 * Reclaims expired leases: when one is due, or twice per lease period (heartbeats move
	 * expiries), or when forced. Remembers the next expiry so the loop can wake for it.
	 */
	private async sweep(force: boolean): Promise<void> {
		const now = this.o.clock.now();
		const due = this.nextExpiry !== null && now.getTime() >= this.nextExpiry;
		if (!force && !due && now.getTime() - this.lastSweep < this.o.leaseMs / 2) return;
		this.lastSweep = now.getTime();
		const ids = await reclaimExpired(this.o.database, now);
		if (ids.length) this.log.warn({ items: ids }, 'reclaimed items whose worker stopped responding');
		this.nextExpiry = await nextLeaseExpiry(this.o.database, now);
	}

	private async claim(): Promise<ClaimedItem[]> {
		const free = this.o.concurrency - this.runs.size;
		if (free <= 0 || this.stopping) return [];
		const now = this.o.clock.now();
		const claimed = await claimItems(this.o.database, {
			worker: this.id,
			pipelines: this.o.registry.names(),
			limit: free,
			leaseMs: this.o.leaseMs,
			now
		});
		for (const item of claimed) this.launch(item, now.getTime() + this.o.leaseMs);
		return claimed;
	}

	private launch(item: ClaimedItem, leaseUntil: number): void {
		const run: Run = { item, abort: () => {}, stopRequested: null, leased: true, leaseUntil };
		this.runs.set(item.leaseToken, run);
		void this.queue.add(async () => {
			try {
				await this.runItem(run);
			} catch (err) {
				if (this.outage.failed(err)) this.log.info({ itemId: item.id }, 'run cut short by the database outage; it is handed back once the database answers');
				else this.log.error({ err, itemId: item.id }, 'run failed unexpectedly');
			} finally {
				this.runs.delete(item.leaseToken);
				if (run.leased) this.unreleased.add(item.leaseToken);
				if (!this.stopping && run.leased) await this.releaseNow(item.leaseToken);
				this.wake();
			}
		});
	}

	/** After an unexpected error mid-run, hand the item back instead of waiting for its lease to expire. */
	private async releaseNow(token: string): Promise<void> {
		try {
			await releaseItems(this.o.database, { tokens: [token], now: this.o.clock.now() });
			this.unreleased.delete(token);
		} catch (err) {
			if (!this.outage.failed(err)) this.log.error({ err }, 'could not release a lease; it will be released later or expire');
		}
	}

	/** Hands back every lease in `unreleased` (after an outage, at shutdown) in one statement. */
	private async releaseLeftovers(): Promise<void> {
		if (this.unreleased.size === 0) return;
		const tokens = [...this.unreleased];
		const released = await releaseItems(this.o.database, { tokens, now: this.o.clock.now() });
		for (const token of tokens) this.unreleased.delete(token);
		if (released.length) this.log.info({ worker: this.id, items: released }, 'released leases');
	}

	private stopRun(run: Run, signal: StopSignal): void {
		run.stopRequested ??= signal;
		if (signal.why !== 'shutdown') run.leased = false; // the database already took the lease away
		run.abort(signal);
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
				this.log.warn({ itemId: run.item.id, leaseLeftMs: run.leaseUntil - now }, 'lease not renewed in time; stopping the run');
				this.stopRun(run, new StopSignal('lease_lost'));
			}
		}
	}

	private async heartbeat(): Promise<void> {
		const now = this.o.clock.now();
		const tokens = [...this.runs.entries()].filter(([, run]) => run.leased).map(([token]) => token);
		if (tokens.length === 0) return;
		try {
			const valid = await extendLeases(this.o.database, { tokens, leaseMs: this.o.leaseMs, now });
			this.outage.succeeded();
			for (const token of tokens) {
				const run = this.runs.get(token);
				if (!run?.leased) continue;
				if (valid.has(token)) run.leaseUntil = Math.max(run.leaseUntil, now.getTime() + this.o.leaseMs);
				else this.stopRun(run, new StopSignal('lease_lost'));
			}
		} catch (err) {
			if (!this.outage.failed(err)) this.log.error({ err }, 'heartbeat failed');
		}
	}

	private async runItem(run: Run): Promise<void> {
		const { item } = run;
		const pipeline = this.o.registry.get(item.pipeline);
		if (!pipeline) throw new Error(`pipeline "${item.pipeline}" is not registered`);
		const rows = (await phasesOf(this.o.database, [item.id])).get(item.id) ?? [];
		const outputs: Record<string, unknown> = {};
		for (const row of rows) if (row.status === 'completed') outputs[row.name] = row.output;

		for (const [index, def] of pipeline.phases.entries()) {
			const row = rows.find((r) => r.name === def.name);
			if (row?.status === 'completed' || row?.status === 'skipped') continue;
			if (run.stopRequested || this.stopping) return; // between phases: hand the rest back
			const done = await this.runPhase(run, pipeline, def, index === pipeline.phases.length - 1, outputs);
			if (!done) return;
		}
	}

	/** Runs one phase and records its outcome. Returns true when the next phase may run. */
	private async runPhase(
		run: Run,
		pipeline: PipelineDefinition,
		def: PhaseDefinition,
		last: boolean,
		outputs: Record<string, unknown>
	): Promise<boolean> {
		const { database, clock } = this.o;
		const { item } = run;
		const token = item.leaseToken;
		const started = await startPhase(database, { itemId: item.id, token, phase: def.name, worker: this.id, now: clock.now() });
		if (!started) {
			run.leased = false;
			return false;
		}
		const log = this.log.child({ itemId: item.id, correlationId: item.correlationId, phase: def.name, attempt: started.number });

		if (started.number > item.maxAttempts) {
			// Every earlier attempt was interrupted (the worker died each time): stop the loop here.
			const message = `gave up after ${started.number - 1} interrupted attempts of ${def.name}`;
			await this.recordFailure(run, def, started.attemptId, { kind: 'retryable', code: 'interrupted', message }, { status: 'dead' });
			return false;
		}

		const outcome = await this.execute(run, def, { outputs, attempt: started.number, log });
		if (run.stopRequested) {
			log.info({ why: run.stopRequested.why }, 'phase stopped');
			return false;
		}
		if (outcome.ok) {
			const result = last ? (pipeline.result?.({ ...outputs, [def.name]: outcome.output }) ?? null) : null;
			const ok = await completePhase(database, {
				itemId: item.id,
				token,
				phase: def.name,
				attemptId: started.attemptId,
				output: outcome.output,
				last,
				result,
				now: clock.now()
			});
			if (!ok) {
				run.leased = false;
				return false;
			}
			if (last) {
				run.leased = false;
				this.finished(item, 'success');
			}
			outputs[def.name] = outcome.output;
			log.info('phase completed');
			return true;
		}

		const error = classifyError(outcome.error, clock.now());
		let next: FailureOutcome;
		if (error.kind === 'permanent') next = { status: 'error' };
		else if (started.number >= item.maxAttempts) next = { status: 'dead' };
		else {
			const delay = retryDelay(started.number, this.o.backoff, error.retryAfterMs, this.o.random);
			next = { status: 'pending', nextRunAt: new Date(clock.now().getTime() + delay) };
		}
		log.warn({ err: outcome.error, kind: error.kind, code: error.code, next: next.status }, 'phase failed');
		await this.recordFailure(run, def, started.attemptId, error, next);
		return false;
	}

	private async recordFailure(run: Run, def: PhaseDefinition, attemptId: number, error: Classified, next: FailureOutcome) {
		const { item } = run;
		await failPhase(this.o.database, {
			itemId: item.id,
			token: item.leaseToken,
			phase: def.name,
			attemptId,
			error: { kind: error.kind, code: error.code, message: error.message.slice(0, 2000) },
			outcome: next,
			now: this.o.clock.now()
		});
		run.leased = false;
		if (next.status !== 'pending') this.finished(item, next.status);
	}

	private finished(item: ClaimedItem, status: 'success' | 'error' | 'dead'): void {
		try {
			this.o.onFinished?.({ id: item.id, userId: item.userId, status });
		} catch (err) {
			this.log.error({ err }, 'onFinished failed');
		}
	}

	/**
	 * Calls the phase with an AbortSignal that fires on timeout, cancel, lost lease or shutdown.
	 * A phase that ignores its signal is abandoned all the same: the race settles on the abort.
	 */
	private async execute(
		run: Run,
		def: PhaseDefinition,
		ctx: { outputs: Record<string, unknown>; attempt: number; log: Logger }
	): Promise<PhaseOutcome> {
		const controller = new AbortController();
		const { signal } = controller;
		const timer = setTimeout(() => controller.abort(new PhaseTimeoutError(this.o.timeoutMs)), this.o.timeoutMs);
		run.abort = (reason) => controller.abort(reason);
		if (run.stopRequested) controller.abort(run.stopRequested);
		const aborted = new Promise<never>((_, reject) => {
			if (signal.aborted) reject(signal.reason);
			signal.addEventListener('abort', () => reject(signal.reason), { once: true });
		});
		aborted.catch(() => {});
		const progress = this.progressReporter(run, def.name, signal);
		try {
			const output = await Promise.race([
				def.run({
					item: {
						id: run.item.id,
						userId: run.item.userId,
						url: run.item.url,
						title: run.item.title,
						input: run.item.input,
						correlationId: run.item.correlationId
					},
					outputs: { ...ctx.outputs },
					signal,
					attempt: ctx.attempt,
					progress: progress.report,
					log: ctx.log
				}),
				aborted
			]);
			return { ok: true, output };
		} catch (error) {
			return { ok: false, error: signal.aborted ? signal.reason : error };
		} finally {
			clearTimeout(timer);
			progress.stop();
			run.abort = () => {};
		}
	}

	/** Writes progress at most every 250 ms per run (the latest value wins), never after the phase ends. */
	private progressReporter(run: Run, phase: string, signal: AbortSignal) {
		let latest: { percent: number; message: string | null } | null = null;
		let timer: NodeJS.Timeout | null = null;
		let lastWrite = 0;
		let ended = false;
		const flush = async () => {
			timer = null;
			if (!latest || ended || signal.aborted) return;
			const { percent, message } = latest;
			latest = null;
			lastWrite = Date.now();
			try {
				await reportProgress(this.o.database, {
					itemId: run.item.id,
					token: run.item.leaseToken,
					phase,
					progress: percent,
					message,
					now: this.o.clock.now()
				});
			} catch (err) {
				if (!this.outage.failed(err)) this.log.warn({ err }, 'progress not recorded');
			}
		};
		return {
			report: (percent: number, message?: string) => {
				if (ended) return;
				const clamped = Math.max(0, Math.min(100, Math.round(Number.isFinite(percent) ? percent : 0)));
				latest = { percent: clamped, message: message?.slice(0, 200) ?? null };
				if (timer) return;
				timer = setTimeout(() => void flush(), Math.max(0, PROGRESS_INTERVAL_MS - (Date.now() - lastWrite)));
			},
			stop: () => {
				ended = true;
				if (timer) clearTimeout(timer);
			}
		};
	}
}
