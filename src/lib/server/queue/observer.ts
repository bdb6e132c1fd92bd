/** How a phase's run ended, as the engine counts it. */
export type PhaseOutcome = 'completed' | 'retry' | 'error' | 'dead' | 'stopped';

/**
 * What the engine tells whoever watches it (the metrics), without knowing who that is. Called on
 * the hot path: implementations only count.
 */
export interface QueueObserver {
	/** A claim took this many items (zero included: an empty claim is worth counting too). */
	claimed(count: number): void;
	/** A phase's attempt began to run. */
	phaseStarted(pipeline: string, phase: string): void;
	/** It ended: `stopped` for a cancel, a lost lease or a shutdown (nothing was written for it). */
	phaseFinished(pipeline: string, phase: string, outcome: PhaseOutcome, seconds: number): void;
	/** An item ended for good. */
	itemFinished(status: 'success' | 'error' | 'dead'): void;
	/** Items whose worker stopped responding, taken back from it. */
	reclaimed(count: number): void;
	/** One statement wrote this many transitions; each waited (from its phase's end) this long to be written. */
	transitionsWritten(count: number, waitedSeconds: readonly number[]): void;
}

export const unobserved: QueueObserver = {
	claimed() {},
	phaseStarted() {},
	phaseFinished() {},
	itemFinished() {},
	reclaimed() {},
	transitionsWritten() {}
};
