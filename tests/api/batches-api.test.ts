import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Batch, BatchActionResult, BatchList, BatchPreview } from '../../src/lib/contract/imports';
import { Item, ItemList } from '../../src/lib/contract/queue';
import { expectError } from '../helpers/api-error';
import { deferred } from '../helpers/deferred';
import { html, startHttpServer, type Route } from '../helpers/http-server';
import { recipePage } from '../helpers/recipe-page';
import { serverStorage, startServer, waitForItem, type Account, type ServerProcess, type ServerStorage } from '../helpers/server';

/**
 * Bulk import over HTTP: what a preview counts, a batch made from each kind of file, its progress,
 * Retry all failed and Cancel the rest, and the clear 4xx of every bad file.
 */
let site: Awaited<ReturnType<typeof startHttpServer>>;
let storage: ServerStorage;
let server: ServerProcess;
let alice: Account;
const held = deferred();
let brokenFixed = false;

const link = (path: string) => `${site.origin}${path}`;
const page = (title: string): Route => html(recipePage(title));
const heldPage: Route = async (req, res) => {
	await held.promise;
	return page('Held')(req, res);
};

beforeAll(async () => {
	const routes: Record<string, Route> = {
		'/saved': page('Saved Soup'),
		'/queued': heldPage,
		'/broken': (req, res) => (brokenFixed ? page('Mended Pie')(req, res) : void res.writeHead(404).end('gone')),
		'/wait/1': heldPage,
		'/wait/2': heldPage,
		'/wait/3': heldPage
	};
	for (let i = 0; i < 12; i++) routes[`/r/${i}`] = page(`Recipe ${i}`);
	site = await startHttpServer(routes);
	storage = await serverStorage();
	// Every fixture link is one host (127.0.0.1), and up to four of its pages are held open on purpose.
	server = await startServer(storage, { QUEUE_CONCURRENCY: '8', FETCH_HOST_CONCURRENCY: '8', FETCH_HOST_RATE_PER_MINUTE: '6000', QUEUE_RETRY_ATTEMPTS: '1' });
	alice = await server.signUp('alice');
});

afterAll(async () => {
	held.resolve();
	await server?.stop();
	await Promise.all([storage?.cleanup(), site?.close()]);
});

const post = (body: unknown) => server.api('/api/batches', { method: 'POST', json: body });
function upload(name: string, content: string, fields: Record<string, string> = {}, type = 'application/octet-stream') {
	const form = new FormData();
	for (const [k, v] of Object.entries(fields)) form.set(k, v);
	form.set('file', new Blob([content], { type }), name);
	return server.api('/api/batches', { method: 'POST', body: form });
}
async function batch(id: string): Promise<Batch> {
	return Batch.parse(await (await server.api(`/api/batches/${id}`)).json());
}
/** Polls the batch until it says it is finished (a moment after its last item ends: ends are gathered, then checked). */
async function finished(id: string, ms = 20_000): Promise<Batch> {
	const deadline = Date.now() + ms;
	let last = await batch(id);
	while (!last.finishedAt) {
		if (Date.now() > deadline) throw new Error(`batch ${id} did not finish: ${JSON.stringify(last.progress)}\n${server.logs().slice(-3000)}`);
		await new Promise((r) => setTimeout(r, 50));
		last = await batch(id);
	}
	return last;
}

describe('preview', () => {
	beforeAll(async () => {
		const saved = Item.parse(await (await server.api('/api/queue', { method: 'POST', json: { url: link('/saved') } })).json());
		await waitForItem(server, saved.id, (i: { status: string }) => i.status === 'success');
		expect((await server.api('/api/queue', { method: 'POST', json: { url: link('/queued') } })).status).toBe(201);
	});

	it('counts links, duplicates after normalising, what is saved or queued already, and the sites, and makes nothing', async () => {
		const text = [
			`My list: ${link('/r/0')}, ${link('/r/1')}`,
			`${link('/r/0')}?utm_source=ig#top (again)`,
			`already a recipe: ${link('/saved')}`,
			`in the queue: ${link('/queued')}`,
			'https://www.example.org/one-more'
		].join('\n');
		const res = await post({ text, preview: true });
		expect(res.status).toBe(200);
		const answer = BatchPreview.parse(await res.json());
		expect(answer.counts).toEqual({
			found: 6,
			duplicates: 1,
			alreadySaved: 1,
			alreadyQueued: 1,
			toImport: 3,
			sites: [
				{ host: '127.0.0.1', links: 2 },
				{ host: 'example.org', links: 1 }
			],
			siteCount: 2
		});
		// 2 links to one site at 6,000 a minute: a second or two at the least.
		expect(answer.etaSeconds).toBeGreaterThanOrEqual(1);
		expect(BatchList.parse(await (await server.api('/api/batches')).json()).batches).toEqual([]);
	});
});

describe('a batch', () => {
	it('from a CSV file: its items run, the bad link fails alone, and Retry all failed runs it again', async () => {
		const csv = ['name,url,notes', `Zero,${link('/r/2')},"good, really"`, `Three,${link('/r/3')},`, `Broken,${link('/broken')},"404s"`].join('\n');
		const res = await upload('recipes.csv', csv);
		expect(res.status).toBe(201);
		const made = Batch.parse(await res.json());
		expect(res.headers.get('location')).toBe(`/api/batches/${made.id}`);
		expect(made).toMatchObject({ label: 'recipes.csv', total: 3, finishedAt: null, counts: { found: 3, toImport: 3 } });

		const items = ItemList.parse(await (await server.api(`/api/queue?batch=${made.id}`)).json());
		expect(items.total).toBe(3);
		expect(items.items.every((i) => i.batchId === made.id)).toBe(true);

		const done = await finished(made.id);
		expect(done.progress).toEqual({ waiting: 0, running: 0, saved: 2, failed: 1, canceled: 0 });
		expect(done.etaSeconds).toBeNull();

		brokenFixed = true;
		const retried = BatchActionResult.parse(await (await server.api(`/api/batches/${made.id}/retry-failed`, { method: 'POST' })).json());
		expect(retried.changed).toBe(1);
		expect(retried.batch.finishedAt).toBeNull();
		const again = await finished(made.id);
		expect(again.progress).toMatchObject({ saved: 3, failed: 0 });
		// Nothing left to retry.
		expect(BatchActionResult.parse(await (await server.api(`/api/batches/${made.id}/retry-failed`, { method: 'POST' })).json()).changed).toBe(0);
	});

	it('from a bookmarks file and an Instagram-style JSON export', async () => {
		const bookmarks = `<!DOCTYPE NETSCAPE-Bookmark-file-1>\n<DL><p>\n<DT><H3>Recipes</H3>\n<DL><p>\n<DT><A HREF="${link('/r/4')}" ADD_DATE="1">Four</A>\n<DT><A HREF="${link('/r/5')}">Five</A>\n</DL><p>\n</DL>`;
		const fromHtml = Batch.parse(await (await upload('bookmarks.html', bookmarks, { label: 'Browser bookmarks' })).json());
		expect(fromHtml).toMatchObject({ label: 'Browser bookmarks', total: 2 });
		const json = JSON.stringify({ saved_saved_media: [{ title: 'cook', string_list_data: [{ href: link('/r/6'), timestamp: 1 }] }, { string_list_data: [{ href: link('/r/7') }] }] });
		const fromJson = Batch.parse(await (await upload('saved_posts.json', json)).json());
		expect(fromJson.total).toBe(2);
		expect((await finished(fromHtml.id)).progress.saved).toBe(2);
		expect((await finished(fromJson.id)).progress.saved).toBe(2);
		const listed = BatchList.parse(await (await server.api('/api/batches')).json()).batches.map((b) => b.id);
		expect(listed.slice(0, 2)).toEqual([fromJson.id, fromHtml.id]);
	});

	it('Cancel the rest stops what waits and runs, keeps what finished, and the batch is finished', async () => {
		const made = Batch.parse(await (await post({ links: [link('/wait/1'), link('/wait/2'), link('/wait/3'), link('/r/8')], label: 'Slow ones' })).json());
		const quick = ItemList.parse(await (await server.api(`/api/queue?batch=${made.id}`)).json()).items.find((i) => i.url?.endsWith('/r/8'))!;
		await waitForItem(server, quick.id, (i: { status: string }) => i.status === 'success');
		const canceled = BatchActionResult.parse(await (await server.api(`/api/batches/${made.id}/cancel`, { method: 'POST' })).json());
		expect(canceled.changed).toBe(3);
		expect(canceled.batch.finishedAt).not.toBeNull();
		expect(canceled.batch.progress).toEqual({ waiting: 0, running: 0, saved: 1, failed: 0, canceled: 3 });
	});
});

describe('bad input gets a clear 4xx', () => {
	it('a malformed CSV names the line', async () => {
		const body = await expectError(await upload('list.csv', `url\n${link('/r/9')}\n"unclosed,${link('/r/10')}\n`), 400, 'invalid_file');
		expect(body.error.message).toMatch(/“list\.csv” could not be read: .*line 3/);
	});

	it('a malformed JSON file names the line', async () => {
		const body = await expectError(await upload('saved.json', `{\n  "a": "${link('/r/9')}",\n  "b": }\n`), 400, 'invalid_file');
		expect(body.error.message).toMatch(/line 3/);
	});

	it('an empty file, a file without links, and a list without links', async () => {
		await expectError(await upload('empty.txt', ''), 400, 'empty_file');
		await expectError(await upload('notes.txt', 'flour, sugar, eggs\nno links here'), 400, 'no_links');
		await expectError(await post({ links: ['not a link', 'ftp://example.com/x'] }), 400, 'no_links');
		await expectError(await post({}), 400, 'no_links');
		await expectError(await post({ links: 'https://example.com' }), 400, 'validation_failed');
	});

	it('10,001 new links are refused with the limit named; 10,000 are not counted against it twice', async () => {
		const links = Array.from({ length: 10_001 }, (_, i) => `https://example.net/recipe/${i}`);
		const body = await expectError(await upload('many.txt', links.join('\n')), 400, 'too_many_links');
		expect(body.error.message).toMatch(/10,001 links .* at most 10,000/);
		// The preview says so too, before anything is made.
		const preview = BatchPreview.parse(await (await upload('many.txt', links.join('\n'), { preview: 'true' })).json());
		expect(preview.counts.toImport).toBe(10_001);
		// The limit is on links to import: duplicates and links already saved do not count.
		const withDuplicates = [...links.slice(0, 10_000), ...links.slice(0, 500)];
		const fine = BatchPreview.parse(await (await upload('many.txt', withDuplicates.join('\n'), { preview: 'true' })).json());
		expect(fine.counts).toMatchObject({ found: 10_500, duplicates: 500, toImport: 10_000 });
	});

	it('a file over 10 MB is refused as too large, whether the server or the form reader stops it', async () => {
		await expectError(await upload('big.txt', 'x'.repeat(10 * 1024 * 1024 + 100)), 413, 'file_too_large');
		// Past the whole body's limit (21 MB), before the form is read.
		await expectError(await upload('huge.txt', 'x'.repeat(22 * 1024 * 1024)), 413, 'file_too_large');
	});

	it('a broken multipart body, a form without a file, an unknown batch, someone else’s batch and a wrong method', async () => {
		await expectError(await server.api('/api/batches', { method: 'POST', body: 'x', headers: { 'content-type': 'multipart/form-data' } }), 400, 'invalid_body');
		const form = new FormData();
		form.set('label', 'nothing');
		await expectError(await server.api('/api/batches', { method: 'POST', body: form }), 400, 'no_file');
		await expectError(await server.api('/api/batches/not-a-uuid'), 404, 'not_found');
		await expectError(await server.api('/api/batches/01890000-0000-7000-8000-000000000000'), 404, 'not_found');
		await expectError(await server.api('/api/batches/01890000-0000-7000-8000-000000000000/cancel', { method: 'POST' }), 404, 'not_found');
		const mine = BatchList.parse(await (await server.api('/api/batches')).json()).batches[0]!;
		expect((await server.api('/api/users', { method: 'POST', json: { username: 'bob', password: 'correct horse battery staple' } })).status).toBe(201);
		await server.signUp('bob');
		try {
			await expectError(await server.api(`/api/batches/${mine.id}`), 404, 'not_found');
			await expectError(await server.api(`/api/batches/${mine.id}/retry-failed`, { method: 'POST' }), 404, 'not_found');
			expect(BatchList.parse(await (await server.api('/api/batches')).json()).batches).toEqual([]);
		} finally {
			server.token = alice.token;
		}
		await expectError(await server.api('/api/batches', { method: 'DELETE' }), 405, 'method_not_allowed');
	});
});
