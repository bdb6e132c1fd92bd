import { afterEach, describe, expect, it } from 'vitest';
import { ItemDetail } from '../../src/lib/contract/queue';
import { within } from '../helpers/deferred';
import { html, startHttpServer } from '../helpers/http-server';
import { recipePage } from '../helpers/recipe-page';
import { serverStorage, startServer, waitForItem, type ServerProcess, type ServerStorage } from '../helpers/server';
import { startMealieServer } from '../helpers/mealie-server';
import { startTandoorServer, type TandoorServer } from '../helpers/tandoor-server';

const TOKEN = 'tda_0123456789abcdef';
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
	while (cleanups.length) await cleanups.pop()!();
});

async function setUp() {
	const tandoor = await startTandoorServer({ token: TOKEN });
	const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
	const site = await startHttpServer({
		'/stew': html(recipePage('Slow Stew', '<meta property="og:image" content="/stew.png">')),
		'/stew.png': (_req, res) => void res.writeHead(200, { 'content-type': 'image/png' }).end(png)
	});
	const storage = await serverStorage();
	cleanups.push(() => tandoor.close(), () => site.close(), () => storage.cleanup());
	return { tandoor, site, storage };
}

async function boot(storage: ServerStorage, env: Record<string, string> = {}): Promise<ServerProcess> {
	const server = await startServer(storage, { SECRET_KEY: 'k'.repeat(40), ...env });
	cleanups.push(() => server.stop('SIGKILL'));
	return server;
}

const creates = (tandoor: TandoorServer) => tandoor.requests.filter((r) => r.method === 'POST' && r.path === '/api/recipe/').length;

async function share(server: ServerProcess, url: string): Promise<string> {
	const res = await server.api('/api/queue', { method: 'POST', json: { url } });
	expect(res.status).toBe(201);
	return ((await res.json()) as { id: string }).id;
}

// Two server starts, a kill and a retry: the waits inside add up to more than the default 30 s.
const KILL_TEST_MS = 90_000;

describe('uploading to Tandoor', () => {
	it('the create answered but lost (the server killed while waiting): after a restart, exactly one recipe on Tandoor', async () => {
		const { tandoor, site, storage } = await setUp();
		const env = { QUEUE_LEASE_MS: '1500', QUEUE_POLL_MS: '200', TANDOOR_BASE_URL: tandoor.origin, TANDOOR_TOKEN: TOKEN };
		tandoor.failNext('timeout-after-create');
		const first = await boot(storage, env);
		const { token } = await first.signUp();
		const held = tandoor.nextHold();
		const id = await share(first, `${site.origin}/stew`);
		await within(held, 20_000, 'Tandoor to receive the create');
		expect(tandoor.recipes.size).toBe(1); // made on Tandoor; Cookmark never heard its id
		expect(await first.stop('SIGKILL')).toBeNull();

		const second = await boot(storage, env);
		second.token = token;
		const done = ItemDetail.parse(await waitForItem(second, id, (i) => i.status === 'success', 30_000));
		expect(tandoor.recipes.size).toBe(1);
		expect(creates(tandoor)).toBe(1);
		const [recipe] = [...tandoor.recipes.values()];
		expect(recipe).toMatchObject({ name: 'Slow Stew', source_url: `${site.origin}/stew` });
		expect(done.results).toMatchObject({ title: 'Slow Stew', target: { kind: 'tandoor', remoteId: String(recipe!.id), url: `${tandoor.origin}/recipe/${recipe!.id}` } });
		// Only the upload ran again: extraction and parsing kept their outputs.
		expect(done.attempts.map((a) => [a.phase, a.outcome])).toEqual([
			['extraction', 'completed'],
			['parsing', 'completed'],
			['uploading', 'lost'],
			['uploading', 'completed']
		]);
	}, KILL_TEST_MS);

	it('killed after the id was recorded (while the picture uploads): the retry updates that recipe', async () => {
		const { tandoor, site, storage } = await setUp();
		const env = { QUEUE_LEASE_MS: '1500', QUEUE_POLL_MS: '200', TANDOOR_BASE_URL: tandoor.origin, TANDOOR_TOKEN: TOKEN };
		tandoor.failNext('hold-image');
		const first = await boot(storage, env);
		const { token } = await first.signUp();
		const held = tandoor.nextHold();
		const id = await share(first, `${site.origin}/stew`);
		await within(held, 20_000, 'Tandoor to receive the picture');
		await first.stop('SIGKILL');
		const before = tandoor.requests.length;

		const second = await boot(storage, env);
		second.token = token;
		await waitForItem(second, id, (i) => i.status === 'success', 30_000);
		expect(tandoor.recipes.size).toBe(1);
		expect(creates(tandoor)).toBe(1);
		// The retry went straight to the recorded recipe: its rows read, the spare ones deleted (two
		// steps, none of the ingredient rows: the page has one step), an update in place, then the
		// picture; no search, nothing left behind.
		const [recipeId] = [...tandoor.recipes.keys()];
		const after = tandoor.requests.slice(before).map((r) => `${r.method} ${r.path}`);
		expect(after[0]).toBe(`GET /api/recipe/${recipeId}/`);
		expect(after.slice(-2)).toEqual([`PUT /api/recipe/${recipeId}/`, `PUT /api/recipe/${recipeId}/image/`]);
		expect(after.some((r) => r.startsWith('POST') || r.includes('?query='))).toBe(false);
		expect(tandoor.orphans()).toEqual({ steps: 0, ingredients: 0, properties: 0 });
		expect(tandoor.recipes.get(recipeId!)!.image).toEqual(expect.stringContaining('/media/recipes/'));
	}, KILL_TEST_MS);

	it('a refused token fails the item at once with what to do; fixing it in Settings and pressing Retry saves one recipe', async () => {
		const { tandoor, site, storage } = await setUp();
		const server = await boot(storage);
		await server.signUp();
		const put = await server.api('/api/targets', { method: 'PUT', json: { kind: 'tandoor', baseUrl: `${tandoor.origin}/`, token: 'tda_wrong' } });
		expect(put.status).toBe(200);
		const view = await put.json();
		expect(view).toEqual({ kind: 'tandoor', baseUrl: tandoor.origin, source: 'user', tokenSaved: true, serverDefault: 'none' });
		expect(JSON.stringify(view)).not.toContain('tda_wrong');

		const id = await share(server, `${site.origin}/stew`);
		const failed = ItemDetail.parse(await waitForItem(server, id, (i) => i.status === 'error'));
		expect(failed.error).toMatchObject({ kind: 'permanent', code: 'target_auth' });
		expect(failed.error!.message).toMatch(/check your Tandoor token in Settings/);
		expect(failed.attempts.filter((a) => a.phase === 'uploading')).toHaveLength(1); // not retried by itself
		expect(server.logs()).not.toContain('tda_wrong');

		expect((await server.api('/api/targets', { method: 'PUT', json: { kind: 'tandoor', baseUrl: tandoor.origin, token: TOKEN } })).status).toBe(200);
		expect((await server.api(`/api/queue/${id}/retry`, { method: 'POST' })).status).toBe(200);
		const done = ItemDetail.parse(await waitForItem(server, id, (i) => i.status === 'success'));
		expect(tandoor.recipes.size).toBe(1);
		expect(done.results).toMatchObject({ target: { kind: 'tandoor' } });
		expect(server.logs()).not.toContain(TOKEN);

		// Sending it again from the library updates the same recipe.
		const recipeId = (done.results as { recipeId: string }).recipeId;
		const resend = await server.api(`/api/recipes/${recipeId}/send`, { method: 'POST' });
		expect(resend.status).toBe(200);
		expect(await resend.json()).toMatchObject({ kind: 'tandoor', url: (done.results as { target: { url: string } }).target.url });
		expect(tandoor.recipes.size).toBe(1);
		expect(creates(tandoor)).toBe(1);
	});

	it('a Tandoor added later: re-upload sends a library recipe there; library-only asks to choose a target first', async () => {
		const { tandoor, site, storage } = await setUp();
		const server = await boot(storage);
		await server.signUp();
		const id = await share(server, `${site.origin}/stew`);
		const done = ItemDetail.parse(await waitForItem(server, id, (i) => i.status === 'success'));
		expect(done.results).toMatchObject({ target: null });
		const recipeId = (done.results as { recipeId: string }).recipeId;

		const none = await server.api(`/api/recipes/${recipeId}/send`, { method: 'POST' });
		expect(none.status).toBe(409);
		expect(await none.json()).toMatchObject({ error: { code: 'no_target' } });

		await server.api('/api/targets', { method: 'PUT', json: { kind: 'tandoor', baseUrl: tandoor.origin, token: TOKEN } });
		const sent = await server.api(`/api/recipes/${recipeId}/send`, { method: 'POST' });
		expect(sent.status).toBe(200);
		expect(await sent.json()).toMatchObject({ kind: 'tandoor', imageSet: true });
		expect([...tandoor.recipes.values()].map((r) => r.name)).toEqual(['Slow Stew']);
		expect((await server.api('/api/recipes/00000000-0000-4000-8000-000000000000/send', { method: 'POST' })).status).toBe(404);
	});
});

describe('uploading to Mealie', () => {
	it('a shared link ends up as one Mealie recipe with its source, ingredients, steps and picture', async () => {
		const { site, storage } = await setUp();
		const mealie = await startMealieServer({ token: 'mealie-jwt' });
		cleanups.push(() => mealie.close());
		const server = await boot(storage, { MEALIE_BASE_URL: mealie.origin, MEALIE_TOKEN: 'mealie-jwt' });
		await server.signUp();
		expect(await (await server.api('/api/targets')).json()).toMatchObject({ kind: 'mealie', source: 'server', serverDefault: 'mealie' });
		const id = await share(server, `${site.origin}/stew`);
		const done = ItemDetail.parse(await waitForItem(server, id, (i) => i.status === 'success'));
		expect(mealie.recipes.size).toBe(1);
		const [slug, recipe] = [...mealie.recipes.entries()][0]!;
		expect(slug).toBe('slow-stew');
		expect(recipe).toMatchObject({ name: 'Slow Stew', orgURL: `${site.origin}/stew` });
		expect(JSON.stringify(recipe)).toContain('2 cups flour');
		expect(done.results).toMatchObject({ target: { kind: 'mealie', remoteId: 'slow-stew', imageSet: true } });
		// Sending it again from the library keeps it one recipe.
		const recipeId = (done.results as { recipeId: string }).recipeId;
		expect((await server.api(`/api/recipes/${recipeId}/send`, { method: 'POST' })).status).toBe(200);
		expect(mealie.recipes.size).toBe(1);
	});
	it('a copy an earlier write broke is replaced and named; a picture that cannot be had is named, never a failure', async () => {
		const { storage } = await setUp();
		const site = await startHttpServer({ '/soup': html(recipePage('Green Soup', '<meta property="og:image" content="/gone.jpg">')) });
		const mealie = await startMealieServer({ token: 'mealie-jwt', version: 'v2.0.0' });
		cleanups.push(() => mealie.close(), () => site.close());
		const server = await boot(storage, { MEALIE_BASE_URL: mealie.origin, MEALIE_TOKEN: 'mealie-jwt' });
		await server.signUp();

		const done = ItemDetail.parse(await waitForItem(server, await share(server, `${site.origin}/soup`), (i) => i.status === 'success'));

		const target = (done.results as { target: { imageSet: boolean; notes: string[] } }).target;
		expect(target).toMatchObject({ kind: 'mealie', remoteId: 'green-soup', imageSet: false });
		expect(target.notes).toEqual([`saved without its picture: the picture could not be downloaded (${new URL(site.origin).host} answered 404)`]);
		expect(mealie.broken.size).toBe(0);

		// What every upload did before reference ids were sent: the copy in Mealie can no longer be read.
		mealie.broken.add(mealie.recipes.get('green-soup')!.id);
		const recipeId = (done.results as { recipeId: string }).recipeId;
		const sent = await server.api(`/api/recipes/${recipeId}/send`, { method: 'POST' });
		expect(sent.status).toBe(200);
		const link = (await sent.json()) as { remoteId: string; notes: string[] };
		expect(link.remoteId).toBe('green-soup-1');
		expect(link.notes[0]).toMatch(/^Mealie still lists an earlier copy it cannot open \(.*green-soup\)/);
		expect(mealie.recipes.get('green-soup-1')).toMatchObject({ name: 'Green Soup (1)', orgURL: `${site.origin}/soup` });
		// The next send updates the new copy: the broken one is no longer ours to try.
		expect((await (await server.api(`/api/recipes/${recipeId}/send`, { method: 'POST' })).json()) as object).toMatchObject({ remoteId: 'green-soup-1' });
		expect(mealie.recipes.size).toBe(2);
	});
});

describe('a run of uploads', () => {
	it('twelve shares at worker concurrency 2 into a fresh Mealie: every line with a food linked, each unit and food made once', async () => {
		const { storage } = await setUp();
		const titles = Array.from({ length: 12 }, (_, i) => `Bake ${i + 1}`);
		const site = await startHttpServer(Object.fromEntries(titles.map((t, i) => [`/bake-${i + 1}`, html(recipePage(t))])));
		const mealie = await startMealieServer({ token: 'mealie-jwt', latencyMs: 5, units: [] });
		cleanups.push(() => mealie.close(), () => site.close());
		const server = await boot(storage, { MEALIE_BASE_URL: mealie.origin, MEALIE_TOKEN: 'mealie-jwt', QUEUE_CONCURRENCY: '2' });
		await server.signUp();

		const ids = await Promise.all(titles.map((_, i) => share(server, `${site.origin}/bake-${i + 1}`)));
		for (const id of ids) await waitForItem(server, id, (i) => i.status === 'success', 60_000);

		expect(mealie.recipes.size).toBe(12);
		for (const recipe of mealie.recipes.values()) {
			expect(recipe.recipeIngredient.map((i) => (i.food as { name: string } | null)?.name ?? null)).toEqual(['flour', 'salt', 'eggs']);
		}
		expect(mealie.units.map((u) => u.name).sort()).toEqual(['cup', 'teaspoon']);
		expect(mealie.foods.map((f) => f.name).sort()).toEqual(['eggs', 'flour', 'salt']);
		// Read once for the run, not once a recipe.
		expect(mealie.requests.filter((r) => r.method === 'GET' && r.path === '/api/foods').length).toBeLessThanOrEqual(2);
	});
});

describe('target settings API', () => {
	it('validates input, tests a connection without saving it, and never answers with a token', async () => {
		const { tandoor, storage } = await setUp();
		const server = await boot(storage);
		await server.signUp();
		expect(await (await server.api('/api/targets')).json()).toEqual({ kind: 'none', baseUrl: null, source: 'none', tokenSaved: false, serverDefault: 'none' });

		const bad = await server.api('/api/targets', { method: 'PUT', json: { kind: 'tandoor', baseUrl: 'not a url', token: 'x' } });
		expect(bad.status).toBe(400);
		expect(await bad.json()).toMatchObject({ error: { code: 'validation_failed', issues: [{ path: 'baseUrl' }] } });
		const noToken = await server.api('/api/targets', { method: 'PUT', json: { kind: 'mealie', baseUrl: 'http://m.example' } });
		expect(noToken.status).toBe(400);
		expect((await server.api('/api/targets', { method: 'PUT', json: { kind: 'kitchen' } })).status).toBe(400);

		const ok = await server.api('/api/targets/test', { method: 'POST', json: { kind: 'tandoor', baseUrl: tandoor.origin, token: TOKEN } });
		expect(ok.status).toBe(200);
		expect(await ok.json()).toMatchObject({ server: expect.stringMatching(/^Tandoor/) });
		const refused = await server.api('/api/targets/test', { method: 'POST', json: { kind: 'tandoor', baseUrl: tandoor.origin, token: 'tda_nope' } });
		expect(refused.status).toBe(422);
		expect((await refused.json()).error.message).toMatch(/check your Tandoor token in Settings/);
		const notTandoor = await startHttpServer({});
		cleanups.push(() => notTandoor.close());
		const wrongServer = await server.api('/api/targets/test', { method: 'POST', json: { kind: 'tandoor', baseUrl: notTandoor.origin, token: TOKEN } });
		expect(wrongServer.status).toBe(422);
		expect((await wrongServer.json()).error.message).toMatch(/does not look like a Tandoor server/);
		await notTandoor.close();
		const down = await server.api('/api/targets/test', { method: 'POST', json: { kind: 'tandoor', baseUrl: notTandoor.origin, token: TOKEN } });
		expect(down.status).toBe(502);
		// Testing saved nothing.
		expect(await (await server.api('/api/targets')).json()).toMatchObject({ kind: 'none', source: 'none' });
	});
});
