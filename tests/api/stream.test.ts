import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionEvent, QueueDeleteEvent, QueueUpdateEvent } from '../../src/lib/contract/queue';
import { html, startHttpServer } from '../helpers/http-server';
import { recipePage } from '../helpers/recipe-page';
import { serverStorage, startServer, type ServerProcess, type ServerStorage } from '../helpers/server';
import { openStream } from '../helpers/sse';

let site: Awaited<ReturnType<typeof startHttpServer>>;
let storage: ServerStorage;
let server: ServerProcess;

beforeAll(async () => {
	site = await startHttpServer({ '/soup': html(recipePage('Leek Soup')), '/gone': (_q, res) => res.writeHead(404).end() });
	storage = await serverStorage();
	server = await startServer(storage, { LIVE_PING_MS: '300' });
	await server.signUp();
});

afterAll(async () => {
	await server?.stop();
	await Promise.all([storage?.cleanup(), site?.close()]);
});

const enqueue = async (url: string) => (await (await server.api('/api/queue', { method: 'POST', json: { url } })).json()).id as string;

async function connections(): Promise<number> {
	return (await (await server.api('/api/ready')).json()).live.connections;
}

describe('GET /api/queue/stream', () => {
	it('opens with a snapshot, then follows an item through every phase to success', async () => {
		const first = await enqueue(`${site.origin}/soup?first`);
		const stream = await openStream(server);
		expect(stream.status).toBe(200);
		expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
		const connection = ConnectionEvent.parse((await stream.next((e) => e.event === 'connection')).data);
		expect(connection.resumed).toBe(false);
		expect(connection.items.map((i) => i.id)).toContain(first);

		const id = await enqueue(`${site.origin}/soup?live`);
		const done = await stream.next((e) => e.event === 'queue-update' && e.data.itemId === id && e.data.status === 'success', 15_000, 'success');
		const update = QueueUpdateEvent.parse(done.data);
		expect(update.phases.map((p) => [p.name, p.status, p.progress])).toEqual([
			['extraction', 'completed', 100],
			['parsing', 'completed', 100],
			['uploading', 'completed', 100]
		]);
		expect(update.results).toMatchObject({ title: 'Leek Soup' });
		expect(Number(done.id)).toBeGreaterThan(0);
		// Every update carries an increasing id.
		const ids = stream.events.filter((e) => e.id !== undefined).map((e) => Number(e.id));
		expect(ids).toEqual([...ids].sort((a, b) => a - b));
		stream.close();
	});

	it('reports failures and deletions as they happen', async () => {
		const stream = await openStream(server);
		await stream.next((e) => e.event === 'connection');
		const id = await enqueue(`${site.origin}/gone`);
		const failed = await stream.next((e) => e.event === 'queue-update' && e.data.itemId === id && e.data.status === 'error');
		expect(failed.data.error).toMatchObject({ kind: 'permanent', code: 'http_404' });
		expect((await server.api(`/api/queue/${id}`, { method: 'DELETE' })).status).toBe(204);
		const deleted = await stream.next((e) => e.event === 'queue-delete' && e.data.itemId === id);
		expect(QueueDeleteEvent.parse(deleted.data).itemId).toBe(id);
		stream.close();
	});

	it('?itemId= streams that item only', async () => {
		const all = await openStream(server);
		await all.next((e) => e.event === 'connection');
		const watched = await enqueue(`${site.origin}/soup?watched`);
		const stream = await openStream(server, `/api/queue/stream?itemId=${watched}`);
		const connection = await stream.next((e) => e.event === 'connection');
		expect(connection.data.items.map((i: { id: string }) => i.id)).toEqual([watched]);
		const other = await enqueue(`${site.origin}/soup?other`);
		await all.next((e) => e.event === 'queue-update' && e.data.itemId === watched && e.data.status === 'success');
		await all.next((e) => e.event === 'queue-update' && e.data.itemId === other && e.data.status === 'success');
		// The watched item finished before this stream opened (the snapshot says so) or after (an update does).
		if (connection.data.items[0].status !== 'success') {
			await stream.next((e) => e.event === 'queue-update' && e.data.itemId === watched && e.data.status === 'success');
		}
		expect(stream.events.some((e) => e.data?.itemId === other)).toBe(false);
		stream.close();
		all.close();
	});

	it('resumes from Last-Event-ID with the final state of everything missed', async () => {
		const stream = await openStream(server);
		await stream.next((e) => e.event === 'connection');
		const last = stream.lastEventId!;
		stream.close();

		// While disconnected: one item finishes, one is deleted (a second stream watches it happen).
		const watcher = await openStream(server);
		await watcher.next((e) => e.event === 'connection');
		const done = await enqueue(`${site.origin}/soup?while-away`);
		const doomed = await enqueue(`${site.origin}/soup?doomed`);
		await watcher.next((e) => e.event === 'queue-update' && e.data.itemId === done && e.data.status === 'success');
		await watcher.next((e) => e.event === 'queue-update' && e.data.itemId === doomed && e.data.status === 'success');
		await server.api(`/api/queue/${doomed}`, { method: 'DELETE' });
		await watcher.next((e) => e.event === 'queue-delete' && e.data.itemId === doomed);
		watcher.close();

		const resumed = await openStream(server, '/api/queue/stream', { 'last-event-id': last });
		const connection = ConnectionEvent.parse((await resumed.next((e) => e.event === 'connection')).data);
		expect(connection.resumed).toBe(true);
		const finished = await resumed.next((e) => e.event === 'queue-update' && e.data.itemId === done);
		expect(finished.data.status).toBe('success');
		await resumed.next((e) => e.event === 'queue-delete' && e.data.itemId === doomed);
		// Each missed item comes once, with its latest state.
		expect(resumed.events.filter((e) => e.data?.itemId === done)).toHaveLength(1);
		resumed.close();
	});

	it('a Last-Event-ID that is no longer kept (or never was) gets a fresh snapshot instead', async () => {
		for (const id of ['999999999999', 'garbage']) {
			const stream = await openStream(server, '/api/queue/stream', { 'last-event-id': id });
			const connection = ConnectionEvent.parse((await stream.next((e) => e.event === 'connection')).data);
			expect(connection.resumed).toBe(false);
			expect(connection.items.length).toBeGreaterThan(0);
			stream.close();
		}
	});

	it('pings while idle', async () => {
		const stream = await openStream(server);
		const ping = await stream.next((e) => e.event === 'ping', 5_000, 'a ping');
		expect(Date.parse(ping.data.time)).not.toBeNaN();
		expect(ping.id).toBeUndefined(); // pings do not move Last-Event-ID
		stream.close();
	});

	it('closed connections are cleaned up at once', async () => {
		// The server learns of a close from its socket; give it (briefly) the time that takes.
		const settle = async (n: number) => {
			const deadline = Date.now() + 5_000;
			while ((await connections()) !== n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
			return connections();
		};
		expect(await settle(0)).toBe(0); // earlier tests closed theirs
		const streams = await Promise.all(Array.from({ length: 6 }, () => openStream(server)));
		await Promise.all(streams.map((s) => s.next((e) => e.event === 'connection')));
		expect(await connections()).toBe(6);
		for (const s of streams) s.close();
		expect(await settle(0)).toBe(0);
	});

	it('is the signed-in user\'s only', async () => {
		const id = await enqueue(`${site.origin}/soup?mine`);
		const anonymous = await server.api('/api/queue/stream', { auth: false });
		expect(anonymous.status).toBe(401);
		expect((await server.api('/api/queue/stream?itemId=not-a-uuid')).status).toBe(404);
		// Someone else cannot stream it, and their all-items stream never shows it.
		const alice = server.token;
		expect((await server.api('/api/users', { method: 'POST', json: { username: 'bob', password: 'correct horse battery staple' } })).status).toBe(201);
		await server.signUp('bob');
		const bobs = await openStream(server);
		expect((await server.api(`/api/queue/stream?itemId=${id}`)).status).toBe(404);
		const connection = await bobs.next((e) => e.event === 'connection');
		expect(connection.data.items).toEqual([]);
		server.token = alice;
		const aliceStream = await openStream(server);
		await aliceStream.next((e) => e.event === 'connection');
		await enqueue(`${site.origin}/soup?after-bob`);
		await aliceStream.next((e) => e.event === 'queue-update' && e.data.status === 'success');
		expect(bobs.events.filter((e) => e.event === 'queue-update')).toEqual([]);
		bobs.close();
		aliceStream.close();
	});
});
