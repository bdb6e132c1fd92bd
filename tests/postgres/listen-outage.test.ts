import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/lib/server/db/client';
import { isDatabaseUnavailable } from '../../src/lib/server/db/unavailable';
import { migrate } from '../../src/lib/server/db/migrate';
import { LiveHub } from '../../src/lib/server/live/hub';
import { ItemService } from '../../src/lib/server/shares/items';
import { QueueService } from '../../src/lib/server/queue/service';
import { deferred, within } from '../helpers/deferred';
import { createPostgresDatabase } from '../helpers/db';
import { harness, testPipeline } from '../helpers/engine';
import { testLogger } from '../helpers/logger';
import { proxyInFrontOf } from '../helpers/tcp-proxy';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
	while (cleanups.length) await cleanups.pop()!();
});

/** A fresh database, opened as the app would (through a proxy the test can cut) and directly. */
async function cutOffable() {
	const pg = await createPostgresDatabase();
	const { proxy, url } = await proxyInFrontOf(pg.url);
	const app = await openDatabase({ databaseUrl: url });
	const direct = await openDatabase({ databaseUrl: pg.url });
	cleanups.push(pg.drop, proxy.close, () => app.close(), () => direct.close());
	return { pg, proxy, app, direct };
}

describe('LISTEN through a database outage', () => {
	it('comes back by itself once the database answers again', async () => {
		const { proxy, app, direct } = await cutOffable();

		const heard: string[] = [];
		await app.listen('bounds', (payload) => heard.push(payload));
		await direct.notify('bounds', 'before');
		await within(waitFor(() => heard.includes('before'), direct), 10_000, 'the first notification');

		proxy.cut();
		const failure = await app.rows(sql`select 1`).catch((err: unknown) => err);
		expect(isDatabaseUnavailable(failure)).toBe(true);
		// The listening connection tried to come back while the database was away, again and again:
		// postgres.js's own reconnect backoff would be at 10–20 s by now.
		await within(proxy.refused(6), 20_000, 'the listener to try to reconnect');
		proxy.restore();

		// Notifications sent before LISTEN is back are lost; it must be back within a bound.
		await within(waitFor(() => heard.includes('after'), direct, 'after'), 5_000, 'a notification after the outage');
	});
});

/** Resolves when `done()` holds, sending `payload` (if any) between checks so one lands after LISTEN is back. */
async function waitFor(done: () => boolean, direct: Database, payload?: string): Promise<void> {
	while (!done()) {
		if (payload) await direct.notify('bounds', payload);
		await new Promise((r) => setTimeout(r, 50));
	}
}

describe('live updates through a database outage', () => {
	it('a change made while this process was cut off reaches its streams once the connection is back', async () => {
		const { pg, proxy, app, direct } = await cutOffable();
		await migrate(direct, pg.url);

		// Another process (a worker elsewhere) still reaches the database while this one does not.
		const { pipeline } = testPipeline('p', { only: async () => 1 });
		const elsewhere = await harness(direct, [pipeline]);
		const hub = new LiveHub(app, new ItemService(new QueueService(app, elsewhere.registry, { maxAttempts: 3 })), testLogger, 10);
		cleanups.push(() => hub.close());
		const frames: string[] = [];
		const delivered = deferred();
		await hub.subscribe({ userId: elsewhere.userId, itemId: null, deliver: (changes) => (frames.push(...changes.map((c) => c.data)), delivered.resolve()) });

		proxy.cut();
		const id = await elsewhere.enqueue('https://example.com/while-cut-off');
		await within(proxy.refused(1), 10_000, 'the listener to try to reconnect');
		proxy.restore();

		await within(delivered.promise, 10_000, 'the change made during the outage');
		expect(frames.some((f) => f.includes(id))).toBe(true);
	});
});
