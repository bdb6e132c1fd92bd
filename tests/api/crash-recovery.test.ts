import { afterEach, describe, expect, it } from 'vitest';
import type { ServerResponse } from 'node:http';
import { ItemDetail } from '../../src/lib/contract/queue';
import { deferred, within } from '../helpers/deferred';
import { startHttpServer } from '../helpers/http-server';
import { recipePage } from '../helpers/recipe-page';
import { serverStorage, startServer, waitForItem, type ServerProcess, type ServerStorage } from '../helpers/server';

const page = recipePage('Slow Stew');

/** A recipe site whose first visit hangs (until the test lets go), and later visits answer at once. */
async function hangingSite() {
	const firstVisit = deferred();
	const held: ServerResponse[] = [];
	let visits = 0;
	const site = await startHttpServer({
		'/stew': (_req, res) => {
			visits++;
			if (visits === 1) {
				held.push(res);
				firstVisit.resolve();
				return;
			}
			res.writeHead(200, { 'content-type': 'text/html' }).end(page);
		}
	});
	return { site, firstVisit: firstVisit.promise, visits: () => visits };
}

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
	while (cleanups.length) await cleanups.pop()!();
});

async function boot(storage: ServerStorage, env: Record<string, string>): Promise<ServerProcess> {
	const server = await startServer(storage, env);
	cleanups.push(() => server.stop('SIGKILL'));
	return server;
}

describe('crash recovery across processes', () => {
	it('SIGKILL in the middle of a phase: after a restart the item finishes, re-running only that phase', async () => {
		const { site, firstVisit, visits } = await hangingSite();
		const storage = await serverStorage();
		cleanups.push(() => site.close(), () => storage.cleanup());
		// Short leases so the restarted server reclaims within a couple of seconds.
		const env = { QUEUE_LEASE_MS: '1500', QUEUE_POLL_MS: '200' };

		const first = await boot(storage, env);
		const { token } = await first.signUp();
		const res = await first.api('/api/queue', { method: 'POST', json: { url: `${site.origin}/stew` } });
		const { id } = await res.json();
		await within(firstVisit, 15_000, 'the worker to fetch the page');
		expect(await first.stop('SIGKILL')).toBeNull(); // killed, no exit code

		// The killed server's short lease lets this one in quickly; its own leases are long, so a
		// loaded machine that delays its heartbeats does not make it lose (and repeat) a phase too.
		const second = await boot(storage, { ...env, QUEUE_LEASE_MS: '15000' });
		second.token = token; // same database, same account
		const done = ItemDetail.parse(await waitForItem(second, id, (i) => i.status === 'success', 30_000));
		expect(done.results).toMatchObject({ title: 'Slow Stew' });
		expect(done.attempts.map((a) => [a.phase, a.number, a.outcome])).toEqual([
			['extraction', 1, 'lost'],
			['extraction', 2, 'completed'],
			['parsing', 1, 'completed'],
			['uploading', 1, 'completed']
		]);
		expect(done.attempts[0]!.worker).not.toBe(done.attempts[1]!.worker);
		expect(visits()).toBe(2);
	});

	it('SIGTERM: the server stops within its grace period and another takes the item at once', async () => {
		const { site, firstVisit, visits } = await hangingSite();
		const storage = await serverStorage();
		cleanups.push(() => site.close(), () => storage.cleanup());
		// A long lease: only an explicit release (not expiry) can let the next server in quickly.
		const env = { QUEUE_LEASE_MS: '600000', QUEUE_SHUTDOWN_GRACE_MS: '300' };

		const first = await boot(storage, env);
		const { token } = await first.signUp();
		const { id } = await (await first.api('/api/queue', { method: 'POST', json: { url: `${site.origin}/stew` } })).json();
		await within(firstVisit, 15_000, 'the worker to fetch the page');
		expect(await within(first.stop('SIGTERM'), 15_000, 'a graceful exit')).toBe(0);
		expect(first.logs()).toMatch(/released leases/);

		const second = await boot(storage, env);
		second.token = token;
		const done = ItemDetail.parse(await waitForItem(second, id, (i) => i.status === 'success', 30_000));
		expect(done.attempts.map((a) => [a.phase, a.outcome])).toEqual([
			['extraction', 'released'],
			['extraction', 'completed'],
			['parsing', 'completed'],
			['uploading', 'completed']
		]);
		// A released attempt is not counted against the phase's budget.
		expect(done.phases[0]!.attempts).toBe(1);
		expect(visits()).toBe(2);
	});
});
