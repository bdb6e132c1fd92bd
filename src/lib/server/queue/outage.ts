import type { Logger } from 'pino';
import { isDatabaseUnavailable } from '../db/unavailable';
import type { Clock } from './clock';

/**
 * Tells a database outage from other failures and logs it twice, when it starts and when it
 * ends, however many claims, heartbeats and writes fail meanwhile: a worker polling through an
 * outage of minutes must not flood the log, and the one line it writes must say what happened.
 */
export class OutageWatch {
	private since: number | null = null;

	constructor(
		private readonly log: Logger,
		private readonly clock: Clock
	) {}

	/** True when `err` says the database cannot be reached (then it is logged, once per outage). */
	failed(err: unknown): boolean {
		if (!isDatabaseUnavailable(err)) return false;
		if (this.since === null) {
			this.since = this.clock.now().getTime();
			this.log.warn({ err }, 'the database cannot be reached; claiming paused until it answers');
		}
		return true;
	}

	/** A statement went through: an outage, if there was one, is over. */
	succeeded(): void {
		if (this.since === null) return;
		this.log.info({ downMs: this.clock.now().getTime() - this.since }, 'the database answers again; claiming resumed');
		this.since = null;
	}
}
