import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { RecipeDraft } from '../../src/lib/contract/recipe';
import { parseConfig } from '../../src/lib/server/config';
import { LlmAnswerError, createLlmClient, llmClientFromConfig, parseJsonContent } from '../../src/lib/server/llm/chat-json';
import { strictJsonSchema } from '../../src/lib/server/llm/strict-schema';
import { PermanentError, RetryableError, classifyError } from '../../src/lib/server/failures/errors';
import { within } from '../helpers/deferred';
import { startOpenAiServer, strictSchemaProblem, type OpenAiServer } from '../helpers/openai-server';

const KEY = 'sk-test-Zq8v3N1c9XfT0pLm4RkW7yHs';

const pancakes: RecipeDraft = {
	title: 'Pancakes',
	description: null,
	yields: '8 pancakes',
	servings: 4,
	prepMinutes: 5,
	cookMinutes: 15,
	totalMinutes: null,
	ingredientGroups: [
		{
			name: null,
			ingredients: [
				{ text: '200 g flour', quantity: 200, quantityMax: null, unit: 'gram', name: 'flour', comment: null },
				{ text: '2-3 eggs', quantity: 2, quantityMax: 3, unit: null, name: 'eggs', comment: null }
			]
		}
	],
	stepGroups: [{ name: null, steps: ['Whisk everything.', 'Fry in butter.'] }],
	tags: ['breakfast']
};

const Small = z.object({ answer: z.string().min(1), score: z.number().int().min(0).max(10) });

let server: OpenAiServer;

beforeAll(async () => {
	server = await startOpenAiServer({ apiKey: KEY, model: 'gpt-4o-mini' });
});
afterAll(() => server.close());
afterEach(() => {
	// A test that leaves a reply unused scripted the wrong thing.
	expect(server.pending).toBe(0);
});

const client = (overrides: Partial<Parameters<typeof createLlmClient>[0]> = {}) =>
	createLlmClient({ baseUrl: server.baseUrl, apiKey: KEY, model: 'gpt-4o-mini', timeoutMs: 5_000, ...overrides });

const ask = <T>(schema: z.ZodType<T>, extra: { signal?: AbortSignal; maxTokens?: number } = {}, c = client()) =>
	c.completeJson({ system: 'You read recipes.', user: 'Pancakes: 200 g flour, 2-3 eggs.', schema, schemaName: 'recipe', ...extra });

/** Every object node of a JSON schema, with where it is. */
function objectNodes(node: unknown, at = '#'): { at: string; node: Record<string, unknown> }[] {
	if (Array.isArray(node)) return node.flatMap((n, i) => objectNodes(n, `${at}/${i}`));
	if (!node || typeof node !== 'object') return [];
	const o = node as Record<string, unknown>;
	const here = o.type === 'object' ? [{ at, node: o }] : [];
	return [...here, ...Object.entries(o).flatMap(([k, v]) => (typeof v === 'object' ? objectNodes(v, `${at}/${k}`) : []))];
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
	const err = await within(promise.then(() => null, (e: unknown) => e), 10_000, 'the request to settle');
	if (!(err instanceof Error)) throw new Error('expected the request to fail, and it succeeded');
	return err;
}

describe('strictJsonSchema', () => {
	it('turns a zod schema into a strict-mode schema', () => {
		const schema = z.object({
			name: z.string().trim().max(10),
			note: z.string().nullable(),
			parts: z.array(z.object({ label: z.string() })).max(3),
			extra: z.string().optional(),
			count: z.number().int().min(0).max(9).default(1),
			site: z.url()
		});
		expect(strictJsonSchema(schema)).toEqual({
			type: 'object',
			properties: {
				name: { type: 'string', maxLength: 10 },
				note: { type: ['string', 'null'] }, // zod's short form of anyOf [string, null]; strict mode takes both
				parts: {
					type: 'array',
					maxItems: 3,
					items: { type: 'object', properties: { label: { type: 'string' } }, required: ['label'], additionalProperties: false }
				},
				extra: { anyOf: [{ type: 'string' }, { type: 'null' }] },
				count: { anyOf: [{ type: 'integer', minimum: 0, maximum: 9 }, { type: 'null' }] },
				site: { type: 'string' } // OpenAI refuses format "uri"; zod still checks it on arrival
			},
			required: ['name', 'note', 'parts', 'extra', 'count', 'site'],
			additionalProperties: false
		});
	});

	it('keeps the formats strict mode knows, without zod’s long pattern', () => {
		const schema = strictJsonSchema(z.object({ at: z.iso.datetime(), mail: z.email(), code: z.string().regex(/^[A-Z]{3}$/) }));
		expect(schema.properties).toEqual({
			at: { type: 'string', format: 'date-time' },
			mail: { type: 'string', format: 'email' },
			code: { type: 'string', pattern: '^[A-Z]{3}$' }
		});
	});

	it('refuses what strict mode cannot express', () => {
		expect(() => strictJsonSchema(z.array(z.string()))).toThrow(/object at the root/);
		expect(() => strictJsonSchema(z.object({ m: z.record(z.string(), z.number()) }))).toThrow(/record or map/);
		expect(() => strictJsonSchema(z.object({ t: z.tuple([z.string(), z.number()]) }))).toThrow(/tuple/);
	});

	it('makes RecipeDraft strict at every level', () => {
		const schema = strictJsonSchema(RecipeDraft);
		expect(strictSchemaProblem(schema)).toBeNull();
		const objects = objectNodes(schema);
		expect(objects.map((o) => o.at)).toEqual([
			'#',
			'#/properties/ingredientGroups/items',
			'#/properties/ingredientGroups/items/properties/ingredients/items',
			'#/properties/stepGroups/items'
		]);
		for (const { node } of objects) {
			expect(node.additionalProperties).toBe(false);
			expect(node.required).toEqual(Object.keys(node.properties as object));
		}
		expect(JSON.stringify(schema)).not.toMatch(/"\$schema"|"default"/);
	});
});

describe('the test server', () => {
	it('refuses a schema strict mode would refuse, as OpenAI does', async () => {
		const res = await fetch(`${server.baseUrl}/chat/completions`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
			body: JSON.stringify({
				model: 'gpt-4o-mini',
				messages: [
					{ role: 'system', content: 's' },
					{ role: 'user', content: 'u' }
				],
				response_format: {
					type: 'json_schema',
					json_schema: { name: 'x', strict: true, schema: { type: 'object', properties: { a: { type: 'string' } }, required: ['a'] } }
				}
			})
		});
		expect(res.status).toBe(400);
		expect(await res.json()).toEqual({
			error: {
				message: "Invalid schema for response_format 'x': In context=(), 'additionalProperties' is required to be supplied and to be false.",
				type: 'invalid_request_error',
				param: 'response_format',
				code: 'invalid_json_schema'
			}
		});
		expect(strictSchemaProblem({ type: 'object', properties: { a: { type: 'string' }, b: { type: 'string' } }, required: ['a'], additionalProperties: false })).toMatch(
			/'required' is required .* Missing 'b'/
		);
	});
});

describe('completeJson', () => {
	it('sends the messages and the strict schema, and returns the validated object', async () => {
		server.reply({ json: pancakes, usage: { prompt_tokens: 321, completion_tokens: 99, total_tokens: 420 } });
		const seen = server.nextRequest();
		const result = await ask(RecipeDraft, { maxTokens: 2_000 });
		expect(result.value).toEqual(pancakes);
		expect(result.usage).toEqual({ promptTokens: 321, completionTokens: 99, totalTokens: 420 });

		const req = await seen;
		expect(req.rejected).toBeUndefined();
		expect(req.method).toBe('POST');
		expect(req.path).toBe('/v1/chat/completions');
		expect(req.headers.authorization).toBe(`Bearer ${KEY}`);
		expect(req.headers['content-type']).toMatch(/^application\/json/);
		expect(req.body).toMatchObject({
			model: 'gpt-4o-mini',
			messages: [
				{ role: 'system', content: 'You read recipes.' },
				{ role: 'user', content: 'Pancakes: 200 g flour, 2-3 eggs.' }
			],
			temperature: 0,
			max_tokens: 2_000,
			response_format: { type: 'json_schema', json_schema: { name: 'recipe', strict: true } }
		});
		const sent = req.body.response_format.json_schema.schema;
		expect(sent).toEqual(strictJsonSchema(RecipeDraft));
		const ingredient = sent.properties.ingredientGroups.items.properties.ingredients.items;
		expect(ingredient.additionalProperties).toBe(false);
		expect(ingredient.required).toEqual(['text', 'quantity', 'quantityMax', 'unit', 'name', 'comment']);
	});

	it('needs no key (Ollama) and tolerates a trailing slash in the base URL', async () => {
		const open = await startOpenAiServer({ model: 'llama3.2' });
		try {
			open.reply({ json: { answer: 'yes', score: 3 } });
			const seen = open.nextRequest();
			const c = createLlmClient({ baseUrl: `${open.baseUrl}/`, model: 'llama3.2', timeoutMs: 5_000 });
			expect(c.model).toBe('llama3.2');
			const { value } = await c.completeJson({ system: 's', user: 'u', schema: Small, schemaName: 'small' });
			expect(value).toEqual({ answer: 'yes', score: 3 });
			const req = await seen;
			expect(req.path).toBe('/v1/chat/completions');
			expect(req.headers.authorization).toBeUndefined();
			expect(req.body.max_tokens).toBeUndefined();
		} finally {
			await open.close();
		}
	});

	it('accepts JSON in ```json fences, as local models write it', async () => {
		server.reply({ content: 'Here you go:\n```json\n{"answer": "fenced", "score": 1}\n```\n' });
		expect((await ask(Small)).value).toEqual({ answer: 'fenced', score: 1 });
		expect(parseJsonContent('<think>hmm {</think>\n{"a": 1}')).toEqual({ a: 1 });
		expect(parseJsonContent('no json here')).toBeUndefined();
	});

	it('turns nulls for optional fields back into absent ones', async () => {
		const schema = z.object({ a: z.string(), b: z.string().optional(), c: z.number().default(3), d: z.string().nullish() });
		server.reply({ json: { a: 'x', b: null, c: null, d: null } });
		expect((await ask(schema)).value).toEqual({ a: 'x', c: 3, d: null });
	});

	it('throws LlmAnswerError for content that is not JSON', async () => {
		server.reply({ content: 'Sorry, I can only answer in prose.' });
		const err = await rejection(ask(Small));
		expect(err).toBeInstanceOf(LlmAnswerError);
		expect(err).toMatchObject({ problem: 'invalid_json', content: 'Sorry, I can only answer in prose.' });
		expect(classifyError(err).kind).toBe('permanent');
	});

	it('throws LlmAnswerError for JSON outside the schema', async () => {
		server.reply({ json: { answer: '', score: 11 } });
		const err = await rejection(ask(Small));
		expect(err).toBeInstanceOf(LlmAnswerError);
		expect(err).toMatchObject({ problem: 'schema_mismatch' });
		expect(err.message).toMatch(/answer/);
		expect(err.message).toMatch(/score/);
	});

	it('throws LlmAnswerError for a refusal', async () => {
		server.reply({ refusal: "I'm sorry, I can't help with that." });
		const err = await rejection(ask(Small));
		expect(err).toBeInstanceOf(LlmAnswerError);
		expect(err).toMatchObject({ problem: 'refusal' });
		expect(err.message).toMatch(/can't help/);
	});

	it('throws LlmAnswerError for an answer cut off at the token limit', async () => {
		server.reply({ finishReason: 'length' });
		const err = await rejection(ask(RecipeDraft, { maxTokens: 20 }));
		expect(err).toBeInstanceOf(LlmAnswerError);
		expect(err).toMatchObject({ problem: 'truncated' });
	});

	it('retries a 429 when the server says', async () => {
		server.reply({ status: 429, retryAfter: '2' });
		const err = await rejection(ask(Small));
		expect(err).toBeInstanceOf(RetryableError);
		expect(err).toMatchObject({ code: 'http_429', retryAfterMs: 2_000 });
		expect(err.message).toMatch(/slow down.*Rate limit reached/);
		expect(classifyError(err)).toMatchObject({ kind: 'retryable', retryAfterMs: 2_000 });
	});

	it('does not retry a 429 that means the quota is spent', async () => {
		server.reply({ status: 429, error: { message: 'You exceeded your current quota, please check your plan and billing details.', type: 'insufficient_quota', code: 'insufficient_quota' } });
		const err = await rejection(ask(Small));
		expect(err).toBeInstanceOf(PermanentError);
		expect(err.message).toMatch(/quota/);
	});

	it('retries a server error', async () => {
		server.reply({ status: 500 });
		const err = await rejection(ask(Small));
		expect(err).toBeInstanceOf(RetryableError);
		expect(err).toMatchObject({ code: 'http_500', retryAfterMs: undefined });
		server.reply({ status: 503, body: 'upstream connect error' });
		expect(await rejection(ask(Small))).toMatchObject({ kind: 'retryable', code: 'http_503' });
	});

	it('names LLM_API_KEY for a refused key and never repeats the key', async () => {
		const wrong = 'sk-wrong-Hy2P9dLq0aVx7Tn3Jc5Bw1Ke';
		const err = await rejection(ask(Small, {}, client({ apiKey: wrong })));
		expect(err).toBeInstanceOf(PermanentError);
		expect(err.message).toBe('the language model refused the API key (401): check LLM_API_KEY');
		expect(server.requests.at(-1)?.rejected).toMatch(/Incorrect API key provided/);

		server.reply({ status: 401 });
		const scripted = await rejection(ask(Small));
		expect(scripted.message).toMatch(/LLM_API_KEY/);
		for (const e of [err, scripted]) {
			const everything = JSON.stringify(classifyError(e)) + e.message + String(e.stack) + String((e as { cause?: unknown }).cause ?? '');
			expect(everything).not.toContain(wrong);
			expect(everything).not.toContain(KEY);
		}

		const keyless = await rejection(ask(Small, {}, client({ apiKey: undefined })));
		expect(keyless.message).toMatch(/wants an API key \(401\): set LLM_API_KEY/);
	});

	it('names LLM_API_BASE_URL and LLM_MODEL for a 404', async () => {
		const unknownModel = await rejection(ask(Small, {}, client({ model: 'gpt-9' })));
		expect(unknownModel).toBeInstanceOf(PermanentError);
		expect(unknownModel.message).toMatch(/404: The model `gpt-9` does not exist.*check LLM_API_BASE_URL and LLM_MODEL/);

		const wrongPath = await rejection(ask(Small, {}, client({ baseUrl: server.origin + '/api' })));
		expect(wrongPath.message).toMatch(/Invalid URL \(POST \/api\/chat\/completions\).*LLM_API_BASE_URL/);
	});

	it("reports another 4xx with the server's words, shortened", async () => {
		const long = `This model's maximum context length is 128000 tokens. ${'x'.repeat(1_000)}`;
		server.reply({ status: 400, error: { message: long, code: 'context_length_exceeded', param: 'messages' } });
		const err = await rejection(ask(Small));
		expect(err).toBeInstanceOf(PermanentError);
		expect(err).toMatchObject({ code: 'http_400' });
		expect(err.message).toMatch(/rejected the request \(400\): This model's maximum context length/);
		expect(err.message.length).toBeLessThan(450);
	});

	it('gives up after timeoutMs on a server that never answers', async () => {
		server.reply({ hang: true });
		const started = Date.now();
		const err = await rejection(ask(Small, {}, client({ timeoutMs: 200 })));
		expect(err).toBeInstanceOf(RetryableError);
		expect(err).toMatchObject({ code: 'timeout' });
		expect(err.message).toMatch(/did not answer within/);
		expect(Date.now() - started).toBeLessThan(5_000);
	});

	it("stops when the caller's signal aborts, with the caller's reason", async () => {
		server.reply({ hang: true });
		const controller = new AbortController();
		const arrived = server.nextRequest();
		const pending = ask(Small, { signal: controller.signal });
		await within(arrived, 5_000, 'the request to reach the server');
		const reason = new Error('phase cancelled');
		controller.abort(reason);
		expect(await rejection(pending)).toBe(reason);

		const already = AbortSignal.abort(new Error('already over'));
		expect((await rejection(ask(Small, { signal: already }))).message).toBe('already over');
	});

	it('retries when nothing listens on the port', async () => {
		const closed = await freePort();
		const err = await rejection(ask(Small, {}, client({ baseUrl: `http://127.0.0.1:${closed}/v1` })));
		expect(err).toBeInstanceOf(RetryableError);
		expect(err).toMatchObject({ code: 'network' });
		expect(err.message).toMatch(/refused the connection/);
	});

	it('says so when the base URL is not an OpenAI-style API', async () => {
		const page = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>chat UI</html>'));
		await new Promise<void>((resolve) => page.listen(0, '127.0.0.1', resolve));
		try {
			const { port } = page.address() as AddressInfo;
			const err = await rejection(ask(Small, {}, client({ baseUrl: `http://127.0.0.1:${port}` })));
			expect(err).toBeInstanceOf(PermanentError);
			expect(err.message).toMatch(/not with a chat completion.*LLM_API_BASE_URL/);
		} finally {
			page.closeAllConnections();
			await new Promise<void>((resolve) => page.close(() => resolve()));
		}
	});

	it('refuses a schema name the API would refuse, before sending', async () => {
		const before = server.requests.length;
		const err = await rejection(client().completeJson({ system: 's', user: 'u', schema: Small, schemaName: 'a recipe!' }));
		expect(err).toBeInstanceOf(PermanentError);
		expect(server.requests.length).toBe(before);
	});
});

describe('configuration', () => {
	it('has no client without LLM_API_BASE_URL', () => {
		const config = parseConfig({});
		expect(config).toMatchObject({ LLM_MODEL: 'gpt-4o-mini', LLM_TIMEOUT_MS: 60_000, LLM_MAX_INPUT_CHARS: 12_000 });
		expect(config.LLM_API_BASE_URL).toBeUndefined();
		expect(config.LLM_API_KEY).toBeUndefined();
		expect(llmClientFromConfig(config)).toBeNull();
		expect(llmClientFromConfig(parseConfig({ LLM_API_BASE_URL: '  ' }))).toBeNull();
	});

	it('builds the client from the environment', async () => {
		const config = parseConfig({ LLM_API_BASE_URL: server.baseUrl, LLM_API_KEY: KEY, LLM_MODEL: 'gpt-4o-mini', LLM_TIMEOUT_MS: '5000' });
		const c = llmClientFromConfig(config);
		expect(c?.model).toBe('gpt-4o-mini');
		server.reply({ json: { answer: 'configured', score: 0 } });
		expect((await ask(Small, {}, c!)).value).toEqual({ answer: 'configured', score: 0 });
	});

	it('refuses a base URL that is not http(s)', () => {
		expect(() => parseConfig({ LLM_API_BASE_URL: 'localhost:11434/v1' })).toThrow(/LLM_API_BASE_URL/);
		expect(() => parseConfig({ LLM_API_BASE_URL: 'ftp://models.example/v1' })).toThrow(/LLM_API_BASE_URL/);
		expect(() => parseConfig({ LLM_TIMEOUT_MS: '10' })).toThrow(/LLM_TIMEOUT_MS/);
	});
});

/** A port nothing listens on (it was free a moment ago). */
async function freePort(): Promise<number> {
	const s = http.createServer();
	await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
	const { port } = s.address() as AddressInfo;
	await new Promise<void>((resolve) => s.close(() => resolve()));
	return port;
}
