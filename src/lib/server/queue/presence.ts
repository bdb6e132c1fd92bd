import type { Logger } from 'pino';
import type { Database } from '../db/client';
import type { Clock } from './clock';
import type { OutageWatch } from './outage';
import { announceWorker, retireWorker, type WorkerPresence } from './sql/presence';

/**
 * A worker's row in `workers`: written at start and on every heartbeat, deleted on a clean stop.
 * A worker that crashed leaves a row that stops moving; readers call it offline once it is a few
 * heartbeats old, and retention deletes it later.
 */
export class Presence {
	private timer: NodeJS.Timeout | null = null;

	constructor(
		private readonly o: { database: Database; worker: WorkerPresence; clock: Clock; log: Logger; outage: OutageWatch }
	) {}

	async start(): Promise<void> {
		await this.beat();
		this.timer = setInterval(() => void this.beat(), this.o.worker.heartbeatMs);
		this.timer.unref();
	}

	async stop(): Promise<void> {
		if (this.timer) clearInterval(this.timer);
		this.timer = null;
		try {
			await retireWorker(this.o.database, this.o.worker.id);
		} catch (err) {
			this.o.log.warn({ err }, 'could not remove this worker from the workers table; its row goes stale instead');
		}
	}

	private async beat(): Promise<void> {
		try {
			await announceWorker(this.o.database, { worker: this.o.worker, now: this.o.clock.now() });
		} catch (err) {
			// Down, the outage watch says so once; the row simply goes stale meanwhile.
			if (!this.o.outage.failed(err)) this.o.log.error({ err }, 'worker heartbeat row not written');
		}
	}
}
