import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { deferred } from '../helpers/deferred';
import { html, startHttpServer } from '../helpers/http-server';
import { recipePage } from '../helpers/recipe-page';
import { startServer, type ServerProcess } from '../helpers/server';
import { seededRandom } from './gate';

export const PgliteKillOptions = z.object({
	kills: z.number().int().min(1),
	/** Links shared between two kills. */
	itemsPerRound: z.number().int().min(1).default(20),
	seed: z.number().int().default(() => Date.now() % 1_000_000),
	log: z.custom<(line: string) => void>().default(() => () => {})
});
export type PgliteKillOptions = z.input<typeof PgliteKillOptions>;

export interface PgliteKillReport {
	kills: number;
	/** Links the server answered 201 for. */
	accepted: number;
	/** Accepted links missing after the last restart. */
	lost: number;
	succeeded: number;
	/** Restarts after which the data directory did not open. */
	reopenFailures: number;
	durationMs: number;
	seed: number;
	problems: string[];
}

/**
 * The embedded database under SIGKILL: one app process on PGlite (DATA_DIR) takes links and works
 * on them; mid-run, while links are still arriving and items are running, it is killed and
 * started again on the same directory, `kills` times. Every link answered 201 must still be there
 * at the end, and the directory must open every time.
 */
export async function runPgliteKills(input: PgliteKillOptions): Promise<PgliteKillReport> {
	const o = PgliteKillOptions.parse(input);
	const started = Date.now();
	const random = seededRandom(o.seed);
	const problems: string[] = [];
	const dir = mkdtempSync(path.join(os.tmpdir(), 'cookmark-pglite-kill-'));
	// A slow page keeps items running when the kill comes.
	const site = await startHttpServer({
		'/r': (req, res) => {
			const key = new URL(req.url ?? '/', 'http://x').searchParams.get('k') ?? '';
			setTimeout(() => html(recipePage(`Kill Recipe ${key}`))(req, res), Math.floor(random() * 300));
		}
	});
	const storage = { env: { DATA_DIR: dir }, cleanup: async () => {} };
	const env = { QUEUE_LEASE_MS: '1000', QUEUE_POLL_MS: '200', LOG_LEVEL: 'warn', FETCH_HOST_RATE_PER_MINUTE: '6000', FETCH_HOST_CONCURRENCY: '8' };
	const accepted = new Set<string>();
	let reopenFailures = 0;
	let server: ServerProcess | null = null;
	let token: string | undefined;
	let n = 0;
	try {
		for (let round = 0; round <= o.kills; round++) {
			try {
				server = null;
				// A fresh port each time (startServer moves on when one is taken); only the data directory is kept.
				server = await startServer(storage, env);
			} catch (err) {
				reopenFailures++;
				problems.push(`the data directory did not open after kill ${round}: ${String(err).slice(0, 500)}`);
				break;
			}
			if (token) server.token = token;
			else token = (await server.signUp('pglite')).token;
			if (round === o.kills) break;
			// Links keep arriving while the kill comes: it lands between (or inside) requests, with
			// items running.
			const killAt = Math.ceil(o.itemsPerRound / 2 + (random() * o.itemsPerRound) / 2);
			const due = deferred();
			const sending = (async () => {
				for (let i = 0; i < o.itemsPerRound * 2; i++) {
					const url = `${site.origin}/r?k=p${o.seed}-${n++}`;
					const res = await server!.api('/api/queue', { method: 'POST', json: { url } }).catch(() => null);
					if (!res) break; // killed
					if (res.status === 201) accepted.add(url);
					if (i + 1 >= killAt) due.resolve();
				}
				due.resolve();
			})();
			await due.promise;
			await server.stop('SIGKILL');
			await sending;
			o.log(`pglite: kill ${round + 1} after ${accepted.size} accepted links`);
		}
		// Everything accepted must be there, and finish, on the last server (unless it did not start).
		const ready = reopenFailures === 0 ? server : null;
		const items = ready ? await listAll(ready) : [];
		const urls = new Set(items.map((i) => i.url));
		const lost = [...accepted].filter((u) => !urls.has(u)).length;
		if (lost) problems.push(`${lost} accepted links lost`);
		const succeeded = ready ? await untilSettled(ready, accepted.size) : 0;
		return {
			kills: o.kills,
			accepted: accepted.size,
			lost,
			succeeded,
			reopenFailures,
			durationMs: Date.now() - started,
			seed: o.seed,
			problems
		};
	} finally {
		await server?.stop('SIGKILL');
		await site.close();
		rmSync(dir, { recursive: true, force: true });
	}
}

async function listAll(server: ServerProcess): Promise<Array<{ url: string; status: string }>> {
	const all: Array<{ url: string; status: string }> = [];
	for (let offset = 0; ; offset += 100) {
		const page = (await (await server.api(`/api/queue?limit=100&offset=${offset}`)).json()) as { items: typeof all; hasMore: boolean };
		all.push(...page.items);
		if (!page.hasMore) return all;
	}
}

/** Waits until no item is pending or running; returns how many succeeded. */
async function untilSettled(server: ServerProcess, expected: number): Promise<number> {
	const deadline = Date.now() + 120_000;
	for (;;) {
		const items = await listAll(server);
		const open = items.filter((i) => i.status === 'pending' || i.status === 'in_progress').length;
		if ((open === 0 && items.length >= expected) || Date.now() > deadline) return items.filter((i) => i.status === 'success').length;
		await new Promise((r) => setTimeout(r, 250));
	}
}
