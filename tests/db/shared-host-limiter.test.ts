import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { deferred } from '../helpers/deferred';
import { SharedHostLimiter, type SharedHostLimits } from '../../src/lib/server/politeness/shared-host-limiter';

/** Two limiters on one database stand for two processes: the limits hold across both. */
let db: TestDatabase;
const limiters: SharedHostLimiter[] = [];
beforeEach(async () => {
	db = await createTestDatabase();
});
afterEach(async () => {
	await Promise.all(limiters.splice(0).map((l) => l.close()));
	await db.close();
});

async function limiter(limits: Partial<SharedHostLimits> = {}) {
	const l = await SharedHostLimiter.start(db.database, { concurrency: 2, perMinute: 60_000, slotTtlMs: 60_000, ...limits });
	limiters.push(l);
	return l;
}

describe('a limiter shared by processes', () => {
	it('never runs more than `concurrency` fetches of one site at once across processes, and runs them all', async () => {
		const [a, b] = [await limiter(), await limiter()];
		let running = 0;
		let most = 0;
		const job = async () => {
			running++;
			most = Math.max(most, running);
			await new Promise((r) => setTimeout(r, 5));
			running--;
		};
		await Promise.all(Array.from({ length: 24 }, (_, i) => (i % 2 ? a : b).run('https://site.example/r/' + i, undefined, job)));
		expect(most).toBe(2);
		// Every slot was given back.
		expect(await db.database.rows(sql`select * from host_slots`)).toEqual([]);
	});

	it('other sites are not held up by a busy one', async () => {
		const a = await limiter({ concurrency: 1 });
		const gate = deferred();
		const busy = a.run('https://slow.example/1', undefined, () => gate.promise);
		// The slow site's only slot is taken; another site still runs at once.
		expect(await a.run('https://fast.example/1', undefined, async () => 'done')).toBe('done');
		gate.resolve();
		await busy;
	});

	it('spaces the starts of one site by a minute ÷ perMinute, across processes', async () => {
		const [a, b] = [await limiter({ concurrency: 4, perMinute: 600 }), await limiter({ concurrency: 4, perMinute: 600 })];
		const starts: number[] = [];
		await Promise.all(Array.from({ length: 6 }, (_, i) => (i % 2 ? a : b).run('https://paced.example/' + i, undefined, async () => void starts.push(performance.now()))));
		starts.sort((x, y) => x - y);
		// Spaced 100 ms apart by the database's clock; seen from here each start also carries its
		// own round trip, so one gap may look shorter: the six starts span 500 ms all the same.
		expect(starts.at(-1)! - starts[0]!).toBeGreaterThanOrEqual(500 - 30);
	});

	it('a slot whose holder died (its time ran out) is taken over', async () => {
		await db.database.rows(sql`insert into host_slots (host, slot, holder, expires_at) values ('dead.example', 0, 'crashed', now() - interval '1 second')`);
		const a = await limiter({ concurrency: 1 });
		expect(await a.run('https://dead.example/x', undefined, async () => 'ran')).toBe('ran');
	});

	it('a fetch given up while it waits for a slot leaves without one, with its signal’s reason', async () => {
		const a = await limiter({ concurrency: 1 });
		const gate = deferred();
		const busy = a.run('https://one.example/1', undefined, () => gate.promise);
		const controller = new AbortController();
		const waiting = a.run('https://one.example/2', controller.signal, async () => 'never');
		controller.abort(new Error('canceled by the person'));
		await expect(waiting).rejects.toThrow('canceled by the person');
		gate.resolve();
		await busy;
		expect(await db.database.rows(sql`select * from host_slots`)).toEqual([]);
	});
});
