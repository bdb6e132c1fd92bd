import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryProbeEnv, sampleMemory } from '../helpers/memory';
import { serverStorage, startServer, type ServerProcess, type ServerStorage } from '../helpers/server';

// On PostgreSQL only: the streams' queries then run in the database's own process, and 2,000 of
// them take ~35 s on a busy two-core machine; embedded PGlite serialises them in the server's
// process and takes twice that. The route and the hub are the same code on both.
let storage: ServerStorage;
let server: ServerProcess;

beforeAll(async () => {
	storage = await serverStorage();
	server = await startServer(storage, memoryProbeEnv);
	await server.signUp();
});

afterAll(async () => {
	await server?.stop();
	await storage?.cleanup();
});

const openStreams = async (): Promise<number> => (await (await server.api('/api/ready')).json()).live.connections;

/**
 * Opens a stream and drops it: every other one as soon as the answer's head arrives (while the
 * server is still reading the snapshot), the rest once the `connection` event is in.
 */
async function openAndDrop(early: boolean): Promise<void> {
	const controller = new AbortController();
	const res = await server.api('/api/queue/stream', { signal: controller.signal });
	expect(res.status).toBe(200);
	if (!early) {
		const reader = res.body!.getReader();
		let text = '';
		while (!text.includes('event: connection')) {
			const { value, done } = await reader.read();
			if (done) throw new Error(`the stream ended before its connection event:\n${text}\n${server.logs().slice(-2000)}`);
			text += new TextDecoder().decode(value);
		}
	}
	controller.abort();
}

async function churn(count: number, parallel = 25): Promise<void> {
	let next = 0;
	await Promise.all(
		Array.from({ length: parallel }, async () => {
			while (next < count) await openAndDrop(next++ % 2 === 0);
		})
	);
	// The server learns of each drop from its socket: wait until it has counted them all out.
	const deadline = Date.now() + 10_000;
	while ((await openStreams()) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
}

describe('SSE streams opened and dropped in a loop', () => {
	it('release everything they held: no stream, timer or memory stays behind', async () => {
		await churn(100); // warm-up: code paths compiled, pools and caches at their working size
		expect(await openStreams()).toBe(0);
		const before = await sampleMemory(server);

		await churn(2_000);
		expect(await openStreams()).toBe(0);
		const after = await sampleMemory(server);

		const mb = (n: number) => Math.round((n / 2 ** 20) * 10) / 10;
		console.log(
			`2,000 streams: heap ${mb(before.heapUsed)} → ${mb(after.heapUsed)} MB, rss ${mb(before.rss)} → ${mb(after.rss)} MB, timers ${before.timers} → ${after.timers}`
		);
		// A stream left behind holds its timer, its request and its closures: 2,000 of them are
		// thousands of timers and megabytes of heap; a few stray bytes per stream are not.
		expect(after.timers).toBeLessThanOrEqual(before.timers + 5);
		expect(after.heapUsed - before.heapUsed).toBeLessThan(4 * 2 ** 20);
		expect(after.rss - before.rss).toBeLessThan(64 * 2 ** 20); // RSS moves with the allocator: a sanity bound only
	}, 120_000);
});
