import { retryDelay, type BackoffPolicy } from '../failures/backoff';
import type { Classified } from '../failures/errors';

/** How a phase's run ended, as the runner saw it. */
export type Outcome = { ok: true; output: unknown } | { ok: false; error: Classified };

export type FailureText = Pick<Classified, 'kind' | 'code' | 'message'>;

/** What a run's outcome does to its item: a value, applied by the batcher in one statement with others. */
export type Transition =
	/** The phase completed; the next one starts under the same lease. */
	| { kind: 'advance'; output: unknown; nextPhase: string }
	/** The last phase completed: the item succeeded with this result. */
	| { kind: 'succeed'; output: unknown; result: Record<string, unknown> | null }
	/** A retryable failure with budget left: pending again, runnable at `runAt`. */
	| { kind: 'retry'; error: FailureText; runAt: Date }
	/** A permanent failure: the item ends in error. */
	| { kind: 'fail'; error: FailureText }
	/** A retryable failure with the phase's attempts spent: the item is dead. */
	| { kind: 'dead'; error: FailureText };

export interface Budget {
	/** This phase's attempt number, 1 for its first. */
	attempt: number;
	maxAttempts: number;
	backoff: BackoffPolicy;
	now: Date;
	random: () => number;
}

/**
 * Turns a phase's outcome into its transition. Pure: no clock but `budget.now`, no randomness but
 * `budget.random`, no database. `next` is the phase after this one (null for the last), and
 * `result` makes the item's result from the outputs once the last phase is done.
 */
export function decide(
	outcome: Outcome,
	next: string | null,
	budget: Budget,
	result: (output: unknown) => Record<string, unknown> | null
): Transition {
	if (outcome.ok) {
		return next === null ? { kind: 'succeed', output: outcome.output, result: result(outcome.output) } : { kind: 'advance', output: outcome.output, nextPhase: next };
	}
	const { kind, code, message, retryAfterMs } = outcome.error;
	const error = { kind, code, message };
	if (kind === 'permanent') return { kind: 'fail', error };
	if (budget.attempt >= budget.maxAttempts) return { kind: 'dead', error };
	const delay = retryDelay(budget.attempt, budget.backoff, retryAfterMs, budget.random);
	return { kind: 'retry', error, runAt: new Date(budget.now.getTime() + delay) };
}

/** True for the transitions that end the item (and free its lease). */
export const isFinal = (t: Transition): t is Extract<Transition, { kind: 'succeed' | 'fail' | 'dead' }> =>
	t.kind === 'succeed' || t.kind === 'fail' || t.kind === 'dead';
