import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReadingServicesView, ServiceTestResult } from '../../src/lib/contract/reading-services';
import { auditLines, lastAudit } from '../helpers/audit';
import { startOpenAiServer, userTextOf, type OpenAiServer } from '../helpers/openai-server';
import { serverStorage, startServer, type Account, type ServerProcess, type ServerStorage } from '../helpers/server';

/**
 * Test for the chat model and transcription, through the built app against a local
 * OpenAI-compatible server: the admin's JSON API and the Settings form, what a person who is not
 * the admin sees, and the answers for bad input, an unset service and a refused key.
 */
const KEY = 'sk-reading-Hq4Wd8Kp2Lx6Zt';
let storage: ServerStorage;
let server: ServerProcess;
let peer: OpenAiServer;
let admin: Account;
let bob: Account;

beforeAll(async () => {
	peer = await startOpenAiServer({ apiKey: KEY });
	storage = await serverStorage();
	server = await startServer(storage, {
		LLM_API_BASE_URL: peer.baseUrl,
		LLM_API_KEY: KEY,
		LLM_MODEL: peer.model,
		STT_API_BASE_URL: peer.baseUrl,
		STT_API_KEY: KEY,
		STT_MODEL: peer.model,
		SIGNUP: 'open'
	});
	admin = await server.signUp('admin');
	bob = await server.signUp('bob');
	server.token = admin.token;
}, 60_000);

afterAll(async () => {
	await server?.stop();
	await storage?.cleanup();
	await peer?.close();
});

const pancakes = { title: 'Quick pancakes', ingredients: ['200 g flour', '2 eggs', '300 ml milk', 'salt'], instructions: ['Whisk.', 'Rest.', 'Fry.'] };

async function test(body: unknown, headers?: Record<string, string>) {
	const res = await server.api('/api/admin/services/test', { method: 'POST', json: body, ...(headers ? { headers } : {}) });
	return { status: res.status, body: await res.json() };
}

describe('POST /api/admin/services/test', () => {
	it('chat: the model reads the test recipe; the answer is the documented shape and the action is audited', async () => {
		const since = auditLines(server).length;
		peer.reply({ json: pancakes });
		const { status, body } = await test({ service: 'chat' });
		expect(status).toBe(200);
		const result = ServiceTestResult.parse(body);
		expect(result).toMatchObject({ service: 'chat', model: peer.model, answerFormat: 'json_schema', recipe: { ingredients: 4, steps: 3 } });
		expect(userTextOf(peer.requests.at(-1)!)).toContain('200 g flour');
		expect(await lastAudit(server, 'service.test', since)).toMatchObject({ actor: { username: 'admin' }, target: { service: 'chat', ok: true } });
	});

	it('transcription: the service receives a WAV file and the answer says what it heard', async () => {
		peer.transcript({ text: 'Thank you.', duration: 1 });
		const { status, body } = await test({ service: 'transcription' });
		expect(status).toBe(200);
		expect(ServiceTestResult.parse(body)).toMatchObject({ service: 'transcription', heard: 'Thank you.' });
		const sent = peer.transcriptions.at(-1)!;
		expect(sent.file?.contentType).toBe('audio/wav');
		expect(sent.file?.bytes.toString('ascii', 0, 4)).toBe('RIFF');
	});

	it('pictures without LLM_VISION: 409 naming the setting; nothing is sent', async () => {
		const sent = peer.requests.length;
		const { status, body } = await test({ service: 'pictures' });
		expect(status).toBe(409);
		expect(body.error.code).toBe('service_not_configured');
		expect(body.error.message).toContain('LLM_VISION');
		expect(peer.requests).toHaveLength(sent);
	});

	it("the model's refusal is a 422 in its own words, the server's trouble a 502, and both are audited as failed", async () => {
		const since = auditLines(server).length;
		peer.reply({ json: { title: 'Pancakes', ingredients: [], instructions: [] } });
		const misread = await test({ service: 'chat' });
		expect([misread.status, misread.body.error.code]).toEqual([422, 'llm_misread']);
		peer.reply({ status: 500 });
		const failing = await test({ service: 'chat' });
		expect([failing.status, failing.body.error.code]).toEqual([502, 'http_500']);
		// Each failure is audited with its code (waited for by code: the log is written asynchronously).
		for (const code of ['llm_misread', 'http_500']) {
			expect((await lastAudit(server, 'service.test', since, (l) => l.target.code === code)).target).toEqual({ service: 'chat', ok: false, code });
		}
	});

	it('bad input is a 400 with the field; another method a 405; nobody else may run it', async () => {
		const bad = await test({ service: 'fax' });
		expect([bad.status, bad.body.error.code]).toEqual([400, 'validation_failed']);
		expect(bad.body.error.issues[0].path).toBe('service');
		expect((await test('chat')).status).toBe(400);
		const get = await server.api('/api/admin/services/test');
		expect([get.status, get.headers.get('allow')]).toEqual([405, 'POST']);
		const sent = peer.requests.length;
		const refused = await test({ service: 'chat' }, { authorization: `Bearer ${bob.token}` });
		expect([refused.status, refused.body.error.code]).toEqual([403, 'admin_only']);
		expect(peer.requests).toHaveLength(sent);
	});
});

describe('what the server reads with', () => {
	it('GET /api/admin/services names each service, its model and host', async () => {
		const res = await server.api('/api/admin/services');
		const { services } = ReadingServicesView.parse(await res.json());
		const host = new URL(peer.baseUrl).host;
		expect(services.map((s) => [s.service, s.configured, s.host])).toEqual([
			['chat', true, host],
			['pictures', false, null],
			['transcription', true, host]
		]);
	});

	it('Settings: Test as a form shows what was read; a person who is not the admin sees the states, no host and no Test', async () => {
		peer.reply({ json: pancakes });
		const form = new URLSearchParams({ service: 'chat' });
		const res = await server.api('/settings?/testService', {
			method: 'POST',
			body: form,
			headers: { cookie: admin.cookie, origin: server.origin, 'content-type': 'application/x-www-form-urlencoded' },
			auth: false
		});
		expect(res.status).toBe(200);
		const page = await res.text();
		expect(page).toContain('Read “Quick pancakes”: 4 ingredients, 3 steps');

		const bobs = await server.api('/settings', { headers: { cookie: bob.cookie }, auth: false });
		const html = await bobs.text();
		expect(html).toContain('Reading videos and pictures');
		expect(html).toContain(peer.model);
		expect(html).not.toContain(new URL(peer.baseUrl).host);
		expect(html).not.toContain('?/testService');
		const refused = await server.api('/settings?/testService', {
			method: 'POST',
			body: form,
			// As the enhanced form sends it: the action's answer as JSON.
			headers: { cookie: bob.cookie, origin: server.origin, 'content-type': 'application/x-www-form-urlencoded', 'x-sveltekit-action': 'true', accept: 'application/json' },
			auth: false
		});
		expect(await refused.json()).toMatchObject({ type: 'failure', status: 403 });
		expect(peer.pending).toBe(0);
	});

	it('the API key is never in the log', () => {
		expect(server.logs()).not.toContain(KEY);
	});
});
