import { afterEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { ItemDetail } from '../../src/lib/contract/queue';
import { within } from '../helpers/deferred';
import { html, startHttpServer } from '../helpers/http-server';
import { recipePage } from '../helpers/recipe-page';
import { serverStorage, startServer, waitForItem } from '../helpers/server';
import { openStream } from '../helpers/sse';
import { spawnWorker } from '../helpers/worker-process';

const root = path.resolve(import.meta.dirname, '../..');
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
	while (cleanups.length) await cleanups.pop()!();
});

/** `npm run worker` as a process of its own; resolves once its loop is idle. */
async function startWorkerProcess(env: Record<string, string>) {
	const worker = spawnWorker({ LOG_LEVEL: 'debug', ...env });
	cleanups.push(() => worker.stop('SIGKILL'));
	await within(worker.idle, 30_000, 'the worker process to go idle');
	return { output: worker.output, stop: () => worker.stop('SIGTERM') };
}

describe('several processes on one PostgreSQL', () => {
	it('a web process without a worker and a separate worker process: NOTIFY wakes the worker at once', async () => {
		const site = await startHttpServer({ '/soup': html(recipePage('Pea Soup')) });
		const storage = await serverStorage();
		cleanups.push(() => site.close(), () => storage.cleanup());

		const web = await startServer(storage, { QUEUE_PROCESSING_ENABLED: 'false' });
		cleanups.push(() => web.stop('SIGKILL'));
		await web.signUp();
		expect(await (await web.api('/api/health')).json()).toMatchObject({ worker: null });

		// An hour's poll: only LISTEN/NOTIFY can bring the item to it in time.
		const worker = await startWorkerProcess({ ...storage.env, FETCH_ALLOW_PRIVATE: 'true', QUEUE_POLL_MS: '3600000' });
		// A browser's stream on the web process: it must see what the other process does.
		const stream = await openStream(web);
		await stream.next((e) => e.event === 'connection');
		const { id } = await (await web.api('/api/queue', { method: 'POST', json: { url: `${site.origin}/soup` } })).json();
		const live = await stream.next((e) => e.event === 'queue-update' && e.data.itemId === id && e.data.status === 'success', 15_000, 'success over SSE');
		expect(live.data.results).toMatchObject({ title: 'Pea Soup' });
		stream.close();
		const done = ItemDetail.parse(await waitForItem(web, id, (i) => i.status === 'success', 15_000));
		expect(done.results).toMatchObject({ title: 'Pea Soup' });
		expect(new Set(done.attempts.map((a) => a.worker)).size).toBe(1);
		expect(worker.output()).toContain(done.attempts[0]!.worker);

		expect(await within(worker.stop(), 15_000, 'the worker to stop')).toBe(0);
		expect(worker.output()).toMatch(/worker stopped/);
	});

	it('the worker command refuses to run on the embedded database', async () => {
		const child = spawn(process.execPath, [path.join(root, 'node_modules/tsx/dist/cli.mjs'), 'src/cli/cookmark.ts', 'worker'], {
			cwd: root,
			env: { PATH: process.env.PATH ?? '' },
			stdio: ['ignore', 'pipe', 'pipe']
		});
		let err = '';
		child.stderr.on('data', (d) => (err += d));
		const code = await new Promise((resolve) => child.once('exit', resolve));
		expect(code).toBe(1);
		expect(err).toMatch(/needs DATABASE_URL/);
	});
});
