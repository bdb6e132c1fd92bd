import { afterEach, describe, expect, it } from 'vitest';
import { JobError } from '../../src/lib/server/failures/errors';
import { identifyServer } from '../../src/lib/server/targets/identify';
import { mealieClient } from '../../src/lib/server/targets/mealie';
import { tandoorClient } from '../../src/lib/server/targets/tandoor';
import { startHttpServer } from '../helpers/http-server';
import { startMealieServer } from '../helpers/mealie-server';
import { startTandoorServer } from '../helpers/tandoor-server';

const LIMITS = { timeoutMs: 5_000, maxBytes: 1_000_000, allowPrivate: true };
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
	while (closers.length) await closers.pop()!();
});

async function failure(promise: Promise<unknown>): Promise<JobError> {
	const err = await promise.then(() => null, (e: unknown) => e);
	if (!(err instanceof JobError)) throw new Error(`expected a JobError, got ${String(err)}`);
	return err;
}

describe('the wrong kind of server', () => {
	it('Mealie chosen, Tandoor’s address: says it is a Tandoor server, not that Mealie redirects', async () => {
		const tandoor = await startTandoorServer({ token: 'tda_x' });
		closers.push(tandoor.close);

		const err = await failure(mealieClient({ kind: 'mealie', baseUrl: tandoor.origin, token: 'mealie-token' }, LIMITS).testConnection());

		expect(err).toMatchObject({ kind: 'permanent', code: 'target_wrong_kind', message: 'this address is a Tandoor server, not Mealie: choose Tandoor in Settings' });
		// Tandoor really answered Mealie's path with a relative redirect to its login page.
		expect(tandoor.requests[0]).toMatchObject({ path: '/api/app/about', status: 302 });
	});

	it.each(['v2.0.0', 'v3.5.0'])('Tandoor chosen, the address of Mealie %s (its web page for any other path): says it is a Mealie server', async (version) => {
		const mealie = await startMealieServer({ token: 'mealie-token', version });
		closers.push(mealie.close);

		const err = await failure(tandoorClient({ kind: 'tandoor', baseUrl: mealie.origin, token: 'tda_x' }, LIMITS).testConnection());

		expect(err).toMatchObject({ code: 'target_wrong_kind', message: 'this address is a Mealie server, not Tandoor: choose Mealie in Settings' });
	});

	it('recognises each by its public self-description, and neither on another site', async () => {
		const tandoor = await startTandoorServer({ token: 'tda_x' });
		const mealie = await startMealieServer({ token: 'm' });
		const other = await startHttpServer({ '/api/app/about': (_req, res) => void res.writeHead(200, { 'content-type': 'application/json' }).end('{"version":"1.0"}') });
		closers.push(tandoor.close, mealie.close, other.close);

		expect(await identifyServer(tandoor.origin, LIMITS)).toBe('tandoor');
		expect(await identifyServer(mealie.origin, LIMITS)).toBe('mealie');
		expect(await identifyServer(other.origin, LIMITS)).toBeNull();
		expect(await identifyServer('http://127.0.0.1:9', LIMITS)).toBeNull();
	});

	it('a redirect to another origin still says where the server lives', async () => {
		const moved = await startHttpServer({
			'/api/app/about': (_req, res) => void res.writeHead(301, { location: 'https://mealie.example.org/api/app/about' }).end()
		});
		closers.push(moved.close);

		const err = await failure(mealieClient({ kind: 'mealie', baseUrl: moved.origin, token: 'm' }, LIMITS).testConnection());

		expect(err).toMatchObject({ code: 'redirected', message: 'Mealie redirects to mealie.example.org; use that address in Settings' });
	});
});
