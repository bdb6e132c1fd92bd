import { afterEach, describe, expect, it } from 'vitest';
import { html, startHttpServer } from '../helpers/http-server';
import { startOpenAiServer } from '../helpers/openai-server';
import { proseDraft, prosePage } from '../helpers/recipe-page';
import { serverStorage, sessionCookie, startServer, waitForItem } from '../helpers/server';
import { startTandoorServer } from '../helpers/tandoor-server';

// A server starts inside each test: on a loaded machine that alone can take 20 s.
const SERVER_TEST_MS = 60_000;
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
	while (cleanups.length) await cleanups.pop()!();
});

describe('logs', () => {
	it('never hold a password, a session cookie, an API token, a target token or the LLM key, even at debug level', async () => {
		const password = 'pw-Secret-Horse-93817';
		const wrongPassword = 'pw-Wrong-Guess-55120';
		const targetToken = 'tda_secret_target_7f3a9c';
		const llmKey = 'sk-secret-llm-key-4e8d2b';
		const tandoor = await startTandoorServer({ token: targetToken });
		const llm = await startOpenAiServer({ apiKey: llmKey });
		const site = await startHttpServer({ '/soup': html(prosePage('Tomato Soup')) });
		const storage = await serverStorage();
		cleanups.push(() => tandoor.close(), () => llm.close(), () => site.close(), () => storage.cleanup());
		llm.reply({ json: proseDraft('Tomato Soup') });
		const server = await startServer(storage, { LOG_LEVEL: 'debug', SECRET_KEY: 's'.repeat(40), LLM_API_BASE_URL: llm.baseUrl, LLM_API_KEY: llmKey });
		cleanups.push(() => server.stop('SIGKILL'));

		const account = await server.signUp('alice', password);
		const refused = await server.api('/api/auth/login', { method: 'POST', json: { username: 'alice', password: wrongPassword }, auth: false });
		expect(refused.status).toBe(401);
		const login = await server.api('/api/auth/login', { method: 'POST', json: { username: 'alice', password }, auth: false });
		expect(login.status).toBe(200);
		const cookie = sessionCookie(login);
		expect((await server.api('/settings', { headers: { cookie } })).status).toBe(200);
		const saved = await server.api('/api/targets', { method: 'PUT', json: { kind: 'tandoor', baseUrl: tandoor.origin, token: targetToken }, headers: { cookie } });
		expect(saved.status).toBe(200);
		const shared = await server.api('/api/queue', { method: 'POST', json: { url: `${site.origin}/soup` } });
		const { id } = (await shared.json()) as { id: string };
		await waitForItem(server, id, (i) => i.status === 'success', 30_000);
		// The secrets were used: the target and the model were reached with theirs.
		expect(tandoor.requests.some((r) => r.headers.authorization === `Bearer ${targetToken}`)).toBe(true);
		expect(llm.requests[0]!.headers.authorization).toBe(`Bearer ${llmKey}`);
		await server.stop('SIGTERM');

		const logs = server.logs();
		expect(logs).toContain('"level":20'); // debug lines were written
		const secrets = {
			password,
			wrongPassword,
			firstCookie: account.cookie.split('=')[1]!,
			cookie: cookie.split('=')[1]!,
			apiToken: account.token,
			targetToken,
			llmKey
		};
		for (const [what, secret] of Object.entries(secrets)) expect(logs.includes(secret), `${what} is in the logs`).toBe(false);
	}, SERVER_TEST_MS);
});
