export interface BackoffPolicy {
	baseMs: number;
	maxMs: number;
}

/**
 * Delay before attempt `failedAttempt + 1`: exponential (base · 2^(n-1), capped at max) with
 * "equal jitter" — half fixed, half random — so retries of a burst spread out but never come
 * sooner than half the schedule.
 */
export function backoffDelay(failedAttempt: number, policy: BackoffPolicy, random: () => number = Math.random): number {
	const exponent = Math.max(0, failedAttempt - 1);
	const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** exponent);
	return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** When the next attempt may run: the server's Retry-After wins over the schedule. */
export function retryDelay(
	failedAttempt: number,
	policy: BackoffPolicy,
	retryAfterMs: number | undefined,
	random?: () => number
): number {
	return retryAfterMs !== undefined ? retryAfterMs : backoffDelay(failedAttempt, policy, random);
}
