import type { Logger } from 'pino';
import { withCorrelationId } from '../correlation';
import type { Database } from '../db/client';
import { classifyError, PermanentError, PhaseTimeoutError } from '../failures/errors';
import type { Clock } from './clock';
import type { Outcome } from './decide';
import type { OutageWatch } from './outage';
import type { PhaseDefinition, PhaseItem } from './pipeline';
import { reportProgress } from './sql/report-progress';

const PROGRESS_INTERVAL_MS = 250;

/** The run a phase belongs to, as far as the runner needs it. */
export interface RunControl {
	token: string;
	/** Set by the runner while a phase runs: aborts it. */
	abort(reason: unknown): void;
	/** Why the run was asked to stop, if it was; the phase is then aborted with it. */
	stopRequested: unknown;
}

/**
 * Runs one phase: with an AbortSignal that fires on timeout, cancel, lost lease or shutdown, its
 * progress written at most every 250 ms (fenced on the lease), and its output checked against the
 * phase's schema. A phase that ignores its signal is abandoned all the same.
 */
export class PhaseRunner {
	constructor(
		private readonly o: { database: Database; timeoutMs: number; clock: Clock; log: Logger; outage: OutageWatch }
	) {}

	async run(
		run: RunControl,
		def: PhaseDefinition,
		ctx: { item: PhaseItem; outputs: Readonly<Record<string, unknown>>; attempt: number; log: Logger }
	): Promise<Outcome> {
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
		const progress = this.progressReporter(run.token, ctx.item.id, def.name, signal);
		try {
			// Everything the phase logs or asks of the person's own services carries the item's correlation id.
			const running = withCorrelationId(ctx.item.correlationId, () =>
				def.run({ item: ctx.item, outputs: ctx.outputs, signal, attempt: ctx.attempt, progress: progress.report, log: ctx.log })
			);
			// Once aborted, the outcome is decided: the phase failing later still (its cleanup could not
			// reach the database, say) must not become an unhandled rejection that ends the process.
			running.catch(() => {});
			const output = await Promise.race([running, aborted]);
			const checked = def.output.safeParse(output ?? null);
			if (!checked.success) {
				ctx.log.error({ issues: checked.error.issues.slice(0, 5) }, 'phase output does not match its schema');
				return { ok: false, error: classifyError(new PermanentError('invalid_output', `${def.name} produced an output that does not match its schema`)) };
			}
			return { ok: true, output: checked.data };
		} catch (error) {
			return { ok: false, error: classifyError(signal.aborted ? signal.reason : error, this.o.clock.now()) };
		} finally {
			clearTimeout(timer);
			progress.stop();
			run.abort = () => {};
		}
	}

	/** Writes progress at most every 250 ms per run (the latest value wins), never after the phase ends. */
	private progressReporter(token: string, itemId: string, phase: string, signal: AbortSignal) {
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
				await reportProgress(this.o.database, { itemId, token, phase, progress: percent, message, now: this.o.clock.now() });
			} catch (err) {
				if (!this.o.outage.failed(err)) this.o.log.warn({ err }, 'progress not recorded');
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
