import type { ServerProcess } from '../helpers/server';
import type { ApiTally } from './api-tally';

/**
 * Shares links through POST /api/queue as a phone would, through restarts and outages: each link
 * has its own Idempotency-Key and is sent again, with the same key, until the server accepts it
 * (201, or 200 for a request that was accepted before its answer was lost).
 */
export class Enqueuer {
	/** Links the server accepted: answered 201 or 200. */
	accepted = 0;
	created = 0;

	constructor(
		private readonly server: () => ServerProcess,
		/** Resolves when asking again makes sense (a retry's pause; the web process and database up). */
		private readonly settled: () => Promise<void>,
		private readonly tally: ApiTally
	) {}

	/**
	 * Sends every link, `perSecond` of them each second (people share over time; the outages then
	 * fall while links still arrive), up to `parallel` at once; resolves once all were accepted.
	 */
	async sendAll(links: Array<{ key: string; url: string }>, perSecond: number, parallel = 8): Promise<void> {
		const start = Date.now();
		let next = 0;
		const lane = async () => {
			while (next < links.length) {
				const i = next++;
				const due = start + (i * 1000) / perSecond - Date.now();
				if (due > 0) await new Promise((r) => setTimeout(r, due));
				await this.send(links[i]!);
			}
		};
		await Promise.all(Array.from({ length: parallel }, lane));
	}

	private async send(link: { key: string; url: string }): Promise<void> {
		for (;;) {
			let res: Response;
			try {
				res = await this.server().api('/api/queue', { method: 'POST', json: { url: link.url }, headers: { 'idempotency-key': link.key } });
			} catch {
				await this.settled(); // connection refused or reset: the web process is down
				continue;
			}
			const body = await res.text().catch(() => '');
			this.tally.record(res.status, body, 'POST /api/queue');
			if (res.status === 201 || res.status === 200) {
				if (res.status === 201) this.created++;
				this.accepted++;
				return;
			}
			if (res.status < 500) throw new Error(`POST /api/queue answered ${res.status} for ${link.url}: ${body}`);
			await this.settled();
		}
	}
}
