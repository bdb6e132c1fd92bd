import { afterEach, describe, expect, it } from 'vitest';
import postgres from 'postgres';
import { startPostgres } from '../../scripts/postgres.mjs';
import { startServer } from '../helpers/server';
import { openStream } from '../helpers/sse';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
	while (cleanups.length) await cleanups.pop()!();
});

describe('a PostgreSQL restart under a running web process', () => {
	it('the API answers 503 with Retry-After while it is down, and a live stream still sees what changed as it came back', async () => {
		const pg = (await startPostgres())!;
		cleanups.push(() => pg.stop());
		const web = await startServer({ env: { DATABASE_URL: pg.url }, cleanup: async () => {} }, { QUEUE_PROCESSING_ENABLED: 'false' });
		cleanups.push(() => web.stop('SIGKILL'));
		await web.signUp();
		const stream = await openStream(web);
		cleanups.push(() => stream.close());
		await stream.next((e) => e.event === 'connection');

		await pg.halt();
		const down = await web.api('/api/queue', { method: 'POST', json: { url: 'https://example.com/during' } });
		expect(down.status).toBe(503);
		expect(down.headers.get('retry-after')).toBeTruthy();
		expect(await down.json()).toMatchObject({ error: { code: 'database_unavailable' } });

		await pg.resume();
		// Written the moment the database is back, before the web process listens again: its
		// notification reaches nobody, so only a catch-up from the event log can bring it.
		const sql = postgres(pg.url, { max: 1, onnotice: () => {} });
		cleanups.push(() => sql.end({ timeout: 1 }));
		const [user] = await sql<{ id: string }[]>`select id from users limit 1`;
		const [item] = await sql<{ id: string }[]>`
			insert into queue_items (user_id, pipeline, url, normalized_url, input, max_attempts, correlation_id)
			values (${user!.id}, 'recipe', 'https://example.com/back', 'https://example.com/back', '{}', 3, 'c') returning id`;
		await sql`insert into item_phases (item_id, name, position) values (${item!.id}, 'extraction', 1)`;
		const seen = await stream.next((e) => e.event === 'queue-update' && e.data.itemId === item!.id, 20_000, 'the item written as the database came back');
		expect(seen.data.status).toBe('pending');
	}, 60_000);
});
