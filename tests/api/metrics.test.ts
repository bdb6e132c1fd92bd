import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { ItemDetail } from '../../src/lib/contract/queue';
import { html, startHttpServer } from '../helpers/http-server';
import { startOpenAiServer } from '../helpers/openai-server';
import { scrape, scrapeUntil } from '../helpers/prometheus';
import { proseDraft, prosePage, recipePage } from '../helpers/recipe-page';
import { serverStorage, startServer, waitForItem, type ServerProcess } from '../helpers/server';
import { startTandoorServer } from '../helpers/tandoor-server';

// A server starts inside each test: on a loaded machine that alone can take 20 s.
const SERVER_TEST_MS = 60_000;
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
	while (cleanups.length) await cleanups.pop()!();
});

async function boot(env: Record<string, string> = {}): Promise<ServerProcess> {
	const storage = await serverStorage();
	cleanups.push(() => storage.cleanup());
	const server = await startServer(storage, env);
	cleanups.push(() => server.stop('SIGKILL'));
	return server;
}

async function share(server: ServerProcess, url: string): Promise<string> {
	const res = await server.api('/api/queue', { method: 'POST', json: { url } });
	expect(res.status).toBe(201);
	return ((await res.json()) as { id: string }).id;
}

describe('GET /metrics', () => {
	it('parses as Prometheus text, and its counters, histograms and queue gauges move as items run', async () => {
		const site = await startHttpServer({ '/stew': html(recipePage('Slow Stew')) });
		cleanups.push(() => site.close());
		const server = await boot();
		await server.signUp();
		const url = `${server.origin}/metrics`;

		const before = await scrape(url);
		expect(before.type('cookmark_phase_duration_seconds')).toBe('HISTOGRAM');
		expect(before.type('cookmark_items_finished_total')).toBe('COUNTER');
		expect(before.type('cookmark_items')).toBe('GAUGE');
		expect(before.type('process_cpu_user_seconds_total')).toBe('COUNTER'); // prom-client's process metrics
		expect(before.value('cookmark_items', { status: 'success' })).toBe(0);
		expect(before.value('cookmark_items_finished_total', { status: 'success' })).toBe(0);
		expect(before.count('cookmark_phase_duration_seconds')).toBe(0);

		const saved = await share(server, `${site.origin}/stew`);
		const missing = await share(server, `${site.origin}/gone`);
		await waitForItem(server, saved, (i) => i.status === 'success');
		await waitForItem(server, missing, (i) => i.status === 'error');

		const after = await scrapeUntil(url, (s) => s.value('cookmark_items', { status: 'success' }) === 1 && s.value('cookmark_items', { status: 'error' }) === 1);
		expect(after.value('cookmark_items', { status: 'pending' })).toBe(0);
		expect(after.value('cookmark_queue_due_items')).toBe(0);
		expect(after.value('cookmark_leases_active')).toBe(0);
		expect(after.value('cookmark_items_finished_total', { status: 'success' })).toBe(1);
		expect(after.value('cookmark_items_finished_total', { status: 'error' })).toBe(1);
		expect(after.value('cookmark_items_claimed_total')).toBe(2);
		// One extraction each; the 404 ends there (a permanent failure), the other goes on.
		expect(after.value('cookmark_phase_attempts_total', { pipeline: 'recipe', phase: 'extraction' })).toBe(2);
		expect(after.value('cookmark_phase_attempts_total', { phase: 'uploading' })).toBe(1);
		for (const phase of ['extraction', 'parsing', 'uploading']) {
			expect(after.count('cookmark_phase_duration_seconds', { phase, outcome: 'completed' })).toBe(1);
		}
		expect(after.count('cookmark_phase_duration_seconds', { phase: 'extraction', outcome: 'error' })).toBe(1);
		expect(after.value('cookmark_phase_retries_total')).toBe(0);
		// Four transitions written (three for one item, one for the other), in however many statements.
		expect(after.count('cookmark_transition_flush_seconds')).toBe(4);
		expect(after.value('cookmark_transition_batch_size_sum')).toBe(4);
		expect(after.value('cookmark_fetches_total', { kind: 'page', outcome: 'ok' })).toBe(1);
		expect(after.value('cookmark_fetches_total', { kind: 'page', outcome: 'http_error' })).toBe(1);
		// Labels say what kind, never where: no host or URL in any series.
		expect(after.text).not.toContain('127.0.0.1');
		expect(after.count('cookmark_http_request_duration_seconds', { route: '/api/queue', method: 'POST', status_class: '2xx' })).toBe(2);
		expect(after.count('cookmark_http_request_duration_seconds', { route: '/api/queue/[id]', method: 'GET' })).toBeGreaterThan(0);
		expect(after.count('cookmark_http_request_duration_seconds', { route: '/metrics', method: 'GET' })).toBeGreaterThan(0);
	}, SERVER_TEST_MS);

	it('with METRICS_TOKEN set, refuses a scrape without it or with another token (a session or API token included)', async () => {
		const token = 'metrics-token-0123456789';
		const server = await boot({ METRICS_TOKEN: token });
		const account = await server.signUp();
		const url = `${server.origin}/metrics`;
		const attempts: Array<Record<string, string>> = [{}, { authorization: 'Bearer wrong' }, { authorization: `Bearer ${account.token}` }, { cookie: account.cookie }, { authorization: token }];
		for (const headers of attempts) {
			const res = await fetch(url, { headers });
			expect(res.status).toBe(401);
			expect(res.headers.get('www-authenticate')).toMatch(/^Bearer /);
			expect(await res.json()).toMatchObject({ error: { code: 'unauthorized' } });
		}
		const scraped = await scrape(url, { authorization: `Bearer ${token}` });
		expect(scraped.type('cookmark_items')).toBe('GAUGE');
	}, SERVER_TEST_MS);

	it("sends the item's correlation id to Tandoor and the language model, never to the site, and logs it on the phase's lines", async () => {
		const tandoorToken = 'tda_0123456789abcdef';
		const tandoor = await startTandoorServer({ token: tandoorToken });
		const llm = await startOpenAiServer({ apiKey: 'sk-test-metrics' });
		const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
		const siteHeaders: http.IncomingHttpHeaders[] = [];
		const site = await startHttpServer({
			'/soup': (req, res) => {
				siteHeaders.push(req.headers);
				return html(prosePage('Tomato Soup', '<meta property="og:image" content="/soup.png">'))(req, res);
			},
			'/soup.png': (req, res) => {
				siteHeaders.push(req.headers);
				res.writeHead(200, { 'content-type': 'image/png' }).end(png);
			}
		});
		cleanups.push(() => tandoor.close(), () => llm.close(), () => site.close());
		llm.reply({ json: proseDraft('Tomato Soup'), usage: { prompt_tokens: 321, completion_tokens: 54, total_tokens: 375 } });
		const server = await boot({
			SECRET_KEY: 'k'.repeat(40),
			TANDOOR_BASE_URL: tandoor.origin,
			TANDOOR_TOKEN: tandoorToken,
			LLM_API_BASE_URL: llm.baseUrl,
			LLM_API_KEY: 'sk-test-metrics'
		});
		await server.signUp();
		const id = await share(server, `${site.origin}/soup`);
		const done = ItemDetail.parse(await waitForItem(server, id, (i) => i.status === 'success', 30_000));
		expect(done.results).toMatchObject({ title: 'Tomato Soup', target: { kind: 'tandoor' } });

		// The phases' log lines name the item's correlation id, one and the same.
		const lines = server
			.logs()
			.split('\n')
			.filter((l) => l.startsWith('{'))
			.map((l) => JSON.parse(l) as Record<string, unknown>)
			.filter((l) => l.itemId === id && typeof l.phase === 'string');
		expect(lines.map((l) => l.phase)).toEqual(expect.arrayContaining(['extraction', 'parsing', 'uploading']));
		const ids = new Set(lines.map((l) => l.correlationId));
		expect(ids.size).toBe(1);
		const correlationId = [...ids][0] as string;
		expect(correlationId).toMatch(/^[0-9a-f-]{36}$/);
		expect(done.correlationId).toBe(correlationId);

		expect(llm.requests).toHaveLength(1);
		expect(llm.requests[0]!.headers['x-correlation-id']).toBe(correlationId);
		expect(tandoor.requests.length).toBeGreaterThan(1);
		for (const r of tandoor.requests) expect(r.headers['x-correlation-id'], `${r.method} ${r.path}`).toBe(correlationId);
		expect(siteHeaders).toHaveLength(2); // the page and its picture
		for (const h of siteHeaders) expect(h['x-correlation-id']).toBeUndefined();

		const metrics = await scrape(`${server.origin}/metrics`);
		expect(metrics.value('cookmark_llm_calls_total', { outcome: 'ok' })).toBe(1);
		expect(metrics.value('cookmark_llm_tokens_total', { type: 'prompt' })).toBe(321);
		expect(metrics.value('cookmark_llm_tokens_total', { type: 'completion' })).toBe(54);
		expect(metrics.value('cookmark_fetches_total', { kind: 'picture', outcome: 'ok' })).toBe(1);
	}, SERVER_TEST_MS);
});
