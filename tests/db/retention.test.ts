import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { harness, testPipeline, type Harness } from '../helpers/engine';
import { addRecipe } from '../helpers/library';
import { testLogger } from '../helpers/logger';
import { PermanentError } from '../../src/lib/server/failures/errors';
import { CHUNK } from '../../src/lib/server/retention/prune';
import { Retention } from '../../src/lib/server/retention/retention';

let db: TestDatabase;
beforeEach(async () => {
	db = await createTestDatabase();
});
afterEach(async () => {
	await db.close();
});

const DAY = 24 * 60 * 60 * 1000;
const retention = (database = db.database) => new Retention({ database, defaults: { eventsDays: 2, outputDays: 30 }, log: testLogger });

/** Every row of the library's tables, in a fixed order: what retention must leave exactly as it was. */
async function library(h: Harness) {
	const read = (table: string, order: string) => h.database.rows(sql`select * from ${sql.identifier(table)} order by ${sql.raw(order)}`);
	return {
		recipes: await read('recipes', 'id'),
		pictures: await read('recipe_pictures', 'recipe_id, size'),
		sources: await read('recipe_sources', 'user_id, key')
	};
}

const outputs = async (h: Harness, itemId: string) =>
	(await h.database.rows<{ name: string; output: unknown }>(sql`select name, output from item_phases where item_id = ${itemId} order by position`)).map(
		(r) => r.output
	);

const age = (h: Harness, itemId: string, days: number) =>
	h.database.rows(sql`update queue_items set finished_at = now() - ${days} * interval '1 day' where id = ${itemId}`);

describe('retention', () => {
	let failUpload = true;
	async function setUp() {
		failUpload = true;
		const { pipeline, runs } = testPipeline('p', {
			extraction: async () => ({ page: 'x'.repeat(1000) }),
			parsing: async () => ({ title: 'Soup' }),
			uploading: async () => {
				if (failUpload) throw new PermanentError('unauthorized', 'check your token');
				return { saved: true };
			}
		});
		const h = await harness(db.database, [pipeline]);
		const worker = h.worker();
		const ids = { oldFailed: await h.enqueue('https://example.com/old-failed') };
		await worker.processAvailable();
		failUpload = false;
		Object.assign(ids, {
			oldSaved: await h.enqueue('https://example.com/old-saved'),
			oldSaved2: await h.enqueue('https://example.com/old-saved-2'),
			newSaved: await h.enqueue('https://example.com/new-saved')
		});
		await worker.processAvailable();
		const all = ids as Record<'oldFailed' | 'oldSaved' | 'oldSaved2' | 'newSaved', string>;
		for (const id of [all.oldFailed, all.oldSaved, all.oldSaved2]) await age(h, id, 40);
		await age(h, all.newSaved, 10);
		// A library beside the queue, with a picture: none of it is retention's.
		const recipe = await addRecipe(h.database, h.userId, { title: 'Kept Pie' });
		await h.database.rows(sql`
			insert into recipe_pictures (recipe_id, size, bytes, content_type, width, height, hash, source_url)
			values (${recipe.id}, 'full', '\\x0102'::bytea, 'image/png', 1, 1, 'h', 'https://example.com/p.png')`);
		await age(h, recipe.itemId, 400);
		return { h, worker, runs, ids: all };
	}

	it('deletes old events and clears the outputs of items saved long ago, leaving recipes row for row', async () => {
		const { h, worker, runs, ids } = await setUp();
		// Events older than two days, more than one chunk of them, beside the fresh ones the items made.
		const fresh = (await h.database.rows<{ n: number }>(sql`select count(*)::int as n from item_events`))[0]!.n;
		await h.database.rows(sql`
			insert into item_events (user_id, item_id, kind, created_at)
			select ${h.userId}, gen_random_uuid(), 'update', now() - interval '3 days' from generate_series(1, ${CHUNK * 2 + 7})`);
		const before = await library(h);

		const run = await retention().run('admin');
		expect(run).toMatchObject({ trigger: 'admin', events: CHUNK * 2 + 7, outputs: 6, workers: 0 });
		expect((await h.database.rows<{ n: number }>(sql`select count(*)::int as n from item_events`))[0]!.n).toBe(fresh);

		expect(await outputs(h, ids.oldSaved)).toEqual([null, null, null]);
		expect(await outputs(h, ids.oldSaved2)).toEqual([null, null, null]);
		// Saved ten days ago: within the 30 days.
		expect(await outputs(h, ids.newSaved)).toEqual([{ page: 'x'.repeat(1000) }, { title: 'Soup' }, { saved: true }]);
		// Failed: a retry resumes from these.
		expect(await outputs(h, ids.oldFailed)).toEqual([{ page: 'x'.repeat(1000) }, { title: 'Soup' }, null]);
		expect(await library(h)).toEqual(before);

		// A pruned item still reads as it was: saved, with its result.
		const pruned = await h.get(ids.oldSaved);
		expect(pruned).toMatchObject({ status: 'success', results: { outputs: expect.any(Object) } });
		expect(pruned.phases.map((p) => p.status)).toEqual(['completed', 'completed', 'completed']);
		expect(await h.service.phaseOutput(h.userId, ids.oldSaved, 'parsing')).toBeUndefined();

		// The failed item is still retryable, and resumes at its failed phase.
		const ran = { ...runs };
		expect((await h.service.retry(h.userId, ids.oldFailed)).kind).toBe('ok');
		await worker.processAvailable();
		expect((await h.get(ids.oldFailed)).status).toBe('success');
		expect(runs).toEqual({ ...ran, uploading: ran.uploading! + 1 });

		// The next run starts where this one ended: nothing more, then only what aged since.
		expect(await retention().run('schedule')).toMatchObject({ events: 0, outputs: 0 });
		await age(h, ids.newSaved, 31);
		expect(await retention().run('schedule')).toMatchObject({ outputs: 3 });
		expect(await outputs(h, ids.newSaved)).toEqual([null, null, null]);
		expect(await library(h)).toEqual(before);
		await worker.stop();
	});

	it("follows the admin's days, keeps outputs with 0, and remembers the last run", async () => {
		const { h, worker, ids } = await setUp();
		const r = retention();
		expect(await r.update({ eventsDays: 5, outputDays: 0 })).toMatchObject({ eventsDays: 5, outputDays: 0, defaults: { eventsDays: 2, outputDays: 30 } });
		await h.database.rows(sql`insert into item_events (user_id, item_id, kind, created_at) values
			(${h.userId}, gen_random_uuid(), 'update', now() - interval '3 days'), (${h.userId}, gen_random_uuid(), 'update', now() - interval '6 days')`);
		const run = await r.run('schedule');
		expect(run).toMatchObject({ events: 1, outputs: 0 });
		expect(await outputs(h, ids.oldSaved)).toEqual([{ page: 'x'.repeat(1000) }, { title: 'Soup' }, { saved: true }]);
		// Another process's instance reads the same settings and the same last run.
		expect(await retention().settings()).toEqual({ eventsDays: 5, outputDays: 0, defaults: { eventsDays: 2, outputDays: 30 }, lastRun: run });
		expect(await r.update({ eventsDays: null, outputDays: null })).toMatchObject({ eventsDays: 2, outputDays: 30 });
		await worker.stop();
	});

	it('one run at a time across processes; a claim left by a crashed run expires', async () => {
		const r = retention();
		const lease = (until: Date) =>
			db.database.rows(sql`insert into app_config (key, value) values ('retention.lease', ${JSON.stringify({ holder: 'elsewhere', until: until.toISOString() })}::jsonb)
				on conflict (key) do update set value = excluded.value`);
		await lease(new Date(Date.now() + 60_000));
		expect(await r.run('admin')).toBeNull();
		await lease(new Date(Date.now() - 1));
		expect(await r.run('admin')).toMatchObject({ trigger: 'admin' });
		// Released when done: the next run needs no wait.
		expect(await retention().run('admin')).toMatchObject({ trigger: 'admin' });
	});

	it('deletes shared files no item needs: those of items saved long ago and those no item names; a failed item keeps its own', async () => {
		const { h, worker, ids } = await setUp();
		const file = async (hoursOld = 0) => {
			const [row] = await h.database.rows<{ id: string }>(sql`
				insert into shared_files (user_id, kind, content_type, bytes, sha256, size, created_at)
				values (${h.userId}, 'html', 'text/html', decode('3c703e', 'hex'), 'h', 2, now() - ${hoursOld} * interval '1 hour') returning id`);
			return row!.id;
		};
		const name = (itemId: string, field: 'htmlFileId' | 'imageFileIds', value: unknown) =>
			h.database.rows(sql`update queue_items set input = input || jsonb_build_object(${field}::text, ${JSON.stringify(value)}::jsonb) where id = ${itemId}`);
		const files = { oldSaved: await file(48 * 40), oldSavedPicture: await file(48 * 40), newSaved: await file(24 * 10), oldFailed: await file(48 * 40), unnamed: await file(2), justStored: await file() };
		await name(ids.oldSaved, 'htmlFileId', files.oldSaved);
		await name(ids.oldSaved2, 'imageFileIds', [files.oldSavedPicture]);
		await name(ids.newSaved, 'htmlFileId', files.newSaved);
		await name(ids.oldFailed, 'htmlFileId', files.oldFailed);

		expect(await retention().run('admin')).toMatchObject({ files: 3 });
		const left = (await h.database.rows<{ id: string }>(sql`select id from shared_files`)).map((r) => r.id).sort();
		// Saved within the 30 days, failed (a retry reads it), or stored a moment ago by an enqueue still making its item.
		expect(left).toEqual([files.newSaved, files.oldFailed, files.justStored].sort());

		// With outputs kept for good (0 days), only files no item names go.
		await retention().update({ eventsDays: null, outputDays: 0 });
		await h.database.rows(sql`update queue_items set finished_at = now() - interval '400 days' where id = ${ids.newSaved}`);
		await h.database.rows(sql`update shared_files set created_at = now() - interval '2 hours' where id = ${files.justStored}`);
		expect(await retention().run('admin')).toMatchObject({ files: 1 });
		expect((await h.database.rows<{ id: string }>(sql`select id from shared_files`)).map((r) => r.id).sort()).toEqual([files.newSaved, files.oldFailed].sort());
		await worker.stop();
	});

	it('deletes the rows of workers not heard from for a day', async () => {
		await db.database.rows(sql`insert into workers (id, hostname, pid, concurrency, heartbeat_ms, started_at, last_seen_at) values
			('gone', 'h', 1, 2, 5000, now() - interval '3 days', now() - interval '2 days'),
			('stale', 'h', 2, 2, 5000, now() - interval '1 hour', now() - interval '1 hour')`);
		expect(await retention().run('admin')).toMatchObject({ workers: 1 });
		expect((await db.database.rows<{ id: string }>(sql`select id from workers`)).map((r) => r.id)).toEqual(['stale']);
	});
});
