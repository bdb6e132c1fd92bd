import type { ServerProcess } from '../helpers/server';
import { openStream, type SseEvent } from '../helpers/sse';
import type { ApiTally } from './api-tally';

/**
 * A browser tab's view of the queue over SSE, across server restarts: it reconnects whenever its
 * stream ends, resuming with Last-Event-ID as EventSource does, and keeps the latest status it
 * saw for each item.
 */
export class SseWatcher {
	readonly statuses = new Map<string, string>();
	reconnects = 0;
	private lastEventId: string | undefined;
	private stopped = false;
	private current: Awaited<ReturnType<typeof openStream>> | null = null;
	private readonly changeListeners = new Set<() => void>();
	private readonly running: Promise<void>;

	constructor(
		private readonly server: () => ServerProcess,
		/** Resolves when the web process is worth asking again (a retry's pause, and it is up). */
		private readonly serverBack: () => Promise<void>,
		private readonly tally: ApiTally
	) {
		this.running = this.run();
	}

	get connected(): boolean {
		return this.current !== null;
	}

	/** Resolves once `check` holds (re-checked on every event), or after `ms` either way. */
	until(check: () => boolean, ms: number): Promise<void> {
		return new Promise((resolve) => {
			const finish = () => {
				clearTimeout(timer);
				this.changeListeners.delete(test);
				resolve();
			};
			const test = () => check() && finish();
			const timer = setTimeout(finish, ms);
			this.changeListeners.add(test);
			test();
		});
	}

	async stop(): Promise<void> {
		this.stopped = true;
		this.current?.close();
		await this.running;
	}

	private async run(): Promise<void> {
		while (!this.stopped) {
			const headers: Record<string, string> = this.lastEventId ? { 'last-event-id': this.lastEventId } : {};
			let stream: Awaited<ReturnType<typeof openStream>>;
			try {
				stream = await openStream(this.server(), '/api/queue/stream', headers, (event) => this.take(event));
			} catch {
				await this.serverBack(); // refused: the web process is down
				continue;
			}
			if (stream.status !== 200) {
				this.tally.record(stream.status, stream.errorBody, 'GET /api/queue/stream');
				stream.close();
				await this.serverBack();
				continue;
			}
			this.current = stream;
			await stream.done;
			this.current = null;
			if (this.stopped) break;
			this.reconnects++;
			await this.serverBack();
		}
	}

	private take(event: SseEvent): void {
		if (event.id) this.lastEventId = event.id;
		if (event.event === 'connection') for (const item of event.data.items ?? []) this.statuses.set(item.id, item.status);
		if (event.event === 'queue-update') this.statuses.set(event.data.itemId, event.data.status);
		for (const fn of this.changeListeners) fn();
	}
}
