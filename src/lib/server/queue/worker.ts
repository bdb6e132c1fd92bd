import { EventEmitter } from 'node:events';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import PQueue from 'p-queue';
import type { Logger } from 'pino';
import type { Database } from '../db/client';
import type { BackoffPolicy } from '../failures/backoff';
import { Batcher } from '../db/batcher';
import { channels } from './channels';
import { ClaimLoop } from './claim-loop';
import { systemClock, type Clock } from './clock';
import { decide, isFinal, type Transition } from './decide';
import { Leases, type LeasedRun } from './leases';
import { unobserved, type PhaseOutcome, type QueueObserver } from './observer';
import { OutageWatch } from './outage';
import { PhaseRunner, type RunControl } from './phase-runner';
import { Presence } from './presence';
import type { PipelineRegistry } from './pipeline';
import { applyTransitions, type Applied, type LeasedTransition } from './sql/apply';
import { claimItems, type ClaimedItem } from './sql/claim';

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
	/** Items of one concurrency key running at once, across every worker; absent: no limit. */
	keyLimit?: number | null;
	backoff: BackoffPolicy;
	/** How long running phases may finish after stop() before they are aborted and handed back. */
	graceMs: number;
	clock?: Clock;
	random?: () => number;
	id?: string;
	/** Called once an item ends in success, error or dead (notifications, and a batch's end, hang off this). */
	onFinished?: (item: FinishedItem) => void;
	/** Told of claims, phases, ends and writes (the metrics). */
	observer?: QueueObserver;
}

export interface FinishedItem {
	id: string;
	userId: string;
	batchId: string | null;
	status: 'success' | 'error' | 'dead';
}

/** Why a run stopped early without a failure of its own; nothing is written for these. */
class StopSignal extends Error {
	constructor(readonly why: 'canceled' | 'lease_lost' | 'shutdown') {
		super(why);
		this.name = 'StopSignal';
	}
}

interface Run extends LeasedRun, RunControl {
	item: ClaimedItem;
	stopRequested: StopSignal | null;
}

/** Transitions per statement at most, and statements under way at once. */
const BATCH = { maxBatch: 500, maxInFlight: 2 };
/** Items claimed ahead at most (a claim of this many is still one quick statement). */
const MAX_AHEAD = 500;
/** Runs whose durations decide whether to claim ahead. */
const RECENT_RUNS = 64;

/**
 * Claims items and runs their pipelines' phases. Any number of workers, in one process or many,
 * may share a database: claims use SKIP LOCKED, every write is fenced on the claim's lease token,
 * and a heartbeat keeps leases alive while phases run. The parts: the claim loop (when to claim),
 * the leases (renew, guard, reclaim, release), the phase runner (one phase, its signal and
 * progress), `decide` (an outcome becomes a transition) and the batcher, which writes the
 * transitions of all runs together.
 */
export class Worker extends EventEmitter<{ idle: [] }> {
	readonly id: string;
	private readonly o: Required<Omit<WorkerOptions, 'id' | 'onFinished' | 'observer'>> & Pick<WorkerOptions, 'onFinished'>;
	private readonly observer: QueueObserver;
	/** Bounds the phases running at once; a run waiting for its transition to be written holds no slot. */
	private readonly slots: PQueue;
	/** Every claimed item's run, from claim to its last write. */
	private readonly tasks = new Set<Promise<void>>();
	private readonly outage: OutageWatch;
	private readonly leases: Leases;
	private readonly presence: Presence;
	private readonly runner: PhaseRunner;
	private readonly transitions: Batcher<LeasedTransition, Applied>;
	private readonly loop: ClaimLoop;
	private stopping = false;
	private stopped: Promise<void> | null = null;
	private looping = false;
	private unlisteners: Array<() => Promise<void>> = [];
	/** The last runs' durations and a moving average of a claim's round trip (ms), for claiming ahead. */
	private readonly recentRunsMs: number[] = [];
	private avgClaimMs: number | null = null;

	constructor(options: WorkerOptions) {
		super();
		this.id = options.id ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
		this.o = { ...options, keyLimit: options.keyLimit ?? null, clock: options.clock ?? systemClock, random: options.random ?? Math.random };
		this.observer = options.observer ?? unobserved;
		this.slots = new PQueue({ concurrency: options.concurrency });
		const { database, clock, log } = this.o;
		this.outage = new OutageWatch(log, clock);
		this.leases = new Leases({
			database,
			leaseMs: options.leaseMs,
			clock,
			log,
			outage: this.outage,
			onReclaimed: (items) => {
				this.observer.reclaimed(items.length);
				for (const item of items) if (item.status === 'dead') this.finished(item, 'dead');
			}
		});
		this.presence = new Presence({
			database,
			worker: { id: this.id, hostname: hostname(), pid: process.pid, concurrency: options.concurrency, heartbeatMs: this.leases.beatMs },
			clock,
			log,
			outage: this.outage
		});
		this.runner = new PhaseRunner({ database, timeoutMs: options.timeoutMs, clock, log, outage: this.outage });
		this.transitions = new Batcher({
			...BATCH,
			flush: async (items) => {
				const applied = await applyTransitions(database, { worker: this.id, transitions: items, now: clock.now() });
				return items.map((t) => applied.get(t.itemId)!);
			},
			observe: (count, waitedMs) => this.observer.transitionsWritten(count, waitedMs.map((ms) => ms / 1000))
		});
		this.loop = new ClaimLoop({
			round: () => this.round(),
			pollMs: options.pollMs,
			nextExpiry: () => this.leases.nextExpiry,
			clock,
			outage: this.outage,
			log,
			onIdle: () => {
				this.emit('idle');
				log.debug({ worker: this.id }, 'waiting for work');
			}
		});
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
				for (const run of this.leases.all() as IterableIterator<Run>) if (run.item.id === itemId) this.stopRun(run, new StopSignal('canceled'));
			})
		);
		this.leases.start();
		await this.presence.start();
		if (loop) {
			this.looping = true;
			this.loop.start();
		}
		this.log.info({ worker: this.id, concurrency: this.o.concurrency }, 'worker started');
	}

	/** Something may be claimable: look now instead of at the next poll. */
	wake(): void {
		this.loop.wake();
	}

	get activeCount(): number {
		return this.leases.size;
	}

	/**
	 * Claims and runs everything runnable now, and returns when it is all done. For tests and
	 * tools that want one deterministic pass instead of the background loop.
	 */
	async processAvailable(): Promise<void> {
		for (;;) {
			await this.leases.sweep(true);
			const { claimed } = await this.claim();
			if (claimed === 0 && this.leases.size === 0) return;
			await this.idle();
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
		if (this.looping) await this.loop.stop();
		const idle = this.idle();
		let timer: NodeJS.Timeout | undefined;
		const graceOver = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), graceMs)));
		if ((await Promise.race([idle, graceOver])) === 'timeout') {
			this.log.warn({ worker: this.id, running: this.leases.size }, 'grace period over; handing running items back');
			for (const run of this.leases.all() as IterableIterator<Run>) this.stopRun(run, new StopSignal('shutdown'));
			await idle;
		}
		clearTimeout(timer);
		await this.transitions.idle();
		this.leases.stop();
		try {
			await this.leases.releaseLeftovers();
		} catch (err) {
			this.log.error({ err }, 'could not release leases; they will expire and be reclaimed');
		}
		this.leases.abandon();
		await this.presence.stop();
		await Promise.all(this.unlisteners.map((u) => u().catch(() => {})));
		this.unlisteners = [];
		this.log.info({ worker: this.id }, 'worker stopped');
	}

	/** One turn of the claim loop: our own leftovers first (handed back, they are not counted as lost by the sweep). */
	private async round(): Promise<{ claimed: number; asked: number }> {
		await this.leases.releaseLeftovers();
		await this.leases.sweep(false);
		return this.claim();
	}

	/**
	 * Claiming ahead (holding more items than run at once) pays when phases are quicker than a
	 * claim's round trip: then slots would otherwise sit idle waiting for the next claim. Enough
	 * are held to keep every slot busy for one round trip; for phases slower than a round trip
	 * none are, so items never show as running while they only wait here.
	 */
	private get ahead(): number {
		if (this.avgClaimMs === null || this.recentRunsMs.length < RECENT_RUNS / 4) return 0;
		// The slow end of recent runs, not their average: a pipeline with one slow phase (a fetch)
		// among quick ones must not claim ahead for the quick ones' sake.
		const slow = [...this.recentRunsMs].sort((a, b) => a - b)[Math.floor(this.recentRunsMs.length * 0.9)]!;
		const perRoundTrip = Math.floor((this.o.concurrency * this.avgClaimMs) / Math.max(slow, 0.01));
		return Math.min(MAX_AHEAD, perRoundTrip < this.o.concurrency ? 0 : perRoundTrip);
	}

	private async claim(): Promise<{ claimed: number; asked: number }> {
		const asked = this.o.concurrency + this.ahead - this.leases.size;
		if (asked <= 0 || this.stopping) return { claimed: 0, asked: 0 };
		const now = this.o.clock.now();
		const started = performance.now();
		const claimed = await claimItems(this.o.database, {
			worker: this.id,
			pipelines: this.o.registry.names(),
			limit: asked,
			leaseMs: this.o.leaseMs,
			now,
			keyLimit: this.o.keyLimit
		});
		this.avgClaimMs = average(this.avgClaimMs, performance.now() - started);
		this.observer.claimed(claimed.length);
		for (const item of claimed) this.launch(item, now.getTime() + this.o.leaseMs);
		return { claimed: claimed.length, asked };
	}

	private launch(item: ClaimedItem, leaseUntil: number): void {
		const run: Run = {
			item,
			token: item.leaseToken,
			itemId: item.id,
			leased: true,
			leaseUntil,
			stopRequested: null,
			abort: () => {},
			loseLease: () => this.stopRun(run, new StopSignal('lease_lost'))
		};
		this.leases.track(run);
		// eslint-disable-next-line prefer-const -- read by the run's own finally, after it is set
		let task: Promise<void> | undefined;
		task = (async () => {
			try {
				await this.runItem(run);
			} catch (err) {
				if (this.outage.failed(err)) this.log.info({ itemId: item.id }, 'run cut short by the database outage; it is handed back once the database answers');
				else this.log.error({ err, itemId: item.id }, 'run failed unexpectedly');
			} finally {
				await this.leases.untrack(run, { releaseNow: !this.stopping });
				this.tasks.delete(task!);
				this.wake();
			}
		})();
		this.tasks.add(task);
	}

	/** Resolves once every run launched so far has ended, its last transition written. */
	private async idle(): Promise<void> {
		while (this.tasks.size) await Promise.all([...this.tasks]);
	}

	private stopRun(run: Run, signal: StopSignal): void {
		run.stopRequested ??= signal;
		if (signal.why !== 'shutdown') run.leased = false; // the database already took the lease away
		run.abort(signal);
	}

	/** Runs the claimed item's phases from the one the claim started, each transition written by the batcher. */
	private async runItem(run: Run): Promise<void> {
		const { item } = run;
		const pipeline = this.o.registry.get(item.pipeline);
		if (!pipeline) throw new Error(`pipeline "${item.pipeline}" is not registered`);
		const phaseItem = { id: item.id, userId: item.userId, input: item.input, correlationId: item.correlationId };
		let outputs: Record<string, unknown> = { ...item.outputs };
		let index = pipeline.phases.findIndex((p) => p.name === item.phase);
		if (index < 0) throw new Error(`pipeline "${item.pipeline}" has no phase "${item.phase}"`);
		let attempt = { attemptId: item.attemptId, number: item.phaseAttempt };

		for (;;) {
			const def = pipeline.phases[index]!;
			const log = this.log.child({ itemId: item.id, correlationId: item.correlationId, phase: def.name, attempt: attempt.number });
			const outcome = await this.slots.add(async () => {
				// Claimed ahead and still waiting when the worker began to stop: handed back unrun.
				if (this.stopping && !run.stopRequested) return null;
				this.observer.phaseStarted(item.pipeline, def.name);
				const started = performance.now();
				const ended = await this.runner.run(run, def, { item: phaseItem, outputs, attempt: attempt.number, log });
				const ms = performance.now() - started;
				this.recentRunsMs.push(ms);
				if (this.recentRunsMs.length > RECENT_RUNS) this.recentRunsMs.shift();
				return { ended, seconds: ms / 1000 };
			});
			if (outcome === null) return;
			const phaseFinished = (how: PhaseOutcome) => this.observer.phaseFinished(item.pipeline, def.name, how, outcome.seconds);
			if (run.stopRequested) {
				phaseFinished('stopped');
				log.info({ why: run.stopRequested.why }, 'phase stopped');
				return;
			}
			const next = pipeline.phases[index + 1]?.name ?? null;
			const budget = { attempt: attempt.number, maxAttempts: item.maxAttempts, backoff: this.o.backoff, now: this.o.clock.now(), random: this.o.random };
			const transition = decide(outcome.ended, next, budget, (output) => pipeline.result({ ...outputs, [def.name]: output }));
			phaseFinished(PHASE_OUTCOME[transition.kind]);
			if (outcome.ended.ok) log.info('phase completed');
			else log.warn({ err: outcome.ended.error, next: transition.kind }, 'phase failed');

			const applied = await this.transitions.add({ itemId: item.id, token: run.token, phase: def.name, attemptId: attempt.attemptId, transition });
			if (!applied.held || transition.kind !== 'advance') run.leased = false;
			if (!applied.held) return;
			if (isFinal(transition)) this.finished(item, transition.kind === 'succeed' ? 'success' : transition.kind === 'fail' ? 'error' : 'dead');
			if (transition.kind !== 'advance') return;

			outputs = { ...outputs, [def.name]: transition.output };
			index++;
			attempt = applied.next!;
			// Between phases: the next one is started already; a stopping worker hands it back unrun.
			if (run.stopRequested || this.stopping) return;
		}
	}

	private finished(item: Omit<FinishedItem, 'status'>, status: FinishedItem['status']): void {
		this.observer.itemFinished(status);
		try {
			this.o.onFinished?.({ id: item.id, userId: item.userId, batchId: item.batchId, status });
		} catch (err) {
			this.log.error({ err }, 'onFinished failed');
		}
	}
}

const PHASE_OUTCOME: Record<Transition['kind'], PhaseOutcome> = { advance: 'completed', succeed: 'completed', retry: 'retry', fail: 'error', dead: 'dead' };

/** An exponential moving average, seeded with the first sample. */
const average = (previous: number | null, sample: number) => (previous === null ? sample : previous * 0.9 + sample * 0.1);
