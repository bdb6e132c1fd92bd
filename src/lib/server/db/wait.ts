import type { Logger } from 'pino';
import { isDatabaseUnavailable } from './unavailable';

/**
 * Runs `attempt` (a process's first use of the database) until the database answers: a process
 * started while PostgreSQL restarts, or before it is up (a compose file starting both), waits for
 * it instead of exiting. Errors that are not about reaching the database, and waits longer than
 * `waitMs`, are thrown as they are.
 */
export async function whenDatabaseAnswers<T>(attempt: () => Promise<T>, options: { waitMs: number; log: Logger }): Promise<T> {
	const deadline = Date.now() + options.waitMs;
	for (let delay = 250; ; delay = Math.min(delay * 2, 5_000)) {
		try {
			return await attempt();
		} catch (err) {
			if (!isDatabaseUnavailable(err) || Date.now() + delay > deadline) throw err;
			options.log.warn({ err: err instanceof Error ? err.message : String(err), retryInMs: delay }, 'the database does not answer yet; waiting for it');
			await new Promise((resolve) => setTimeout(resolve, delay));
		}
	}
}
