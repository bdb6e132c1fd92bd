import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import pino from 'pino';
import type { RecipeDraft } from '../../src/lib/contract/recipe';
import { createLlmClient } from '../../src/lib/server/llm/chat-json';
import { readPage } from '../../src/lib/server/pipeline/recipe/extract/read-page';
import { parseContent } from '../../src/lib/server/pipeline/recipe/parse';
import { RetryableError } from '../../src/lib/server/failures/errors';
import { startOpenAiServer, type OpenAiServer } from '../helpers/openai-server';

const KEY = 'sk-test-parse-0123456789';
let server: OpenAiServer;
beforeAll(async () => {
	server = await startOpenAiServer({ apiKey: KEY, model: 'llama3.1' });
});
afterAll(() => server.close());
beforeEach(() => {
	server.requests.length = 0;
});

const ctx = { signal: new AbortController().signal, progress: () => {}, log: pino({ level: 'silent' }) };
const deps = (maxChars = 12_000) => ({
	llm: createLlmClient({ baseUrl: server.baseUrl, apiKey: KEY, model: 'llama3.1', timeoutMs: 5_000 }),
	llmMaxInputChars: maxChars
});

const caption = 'Grandma’s pancakes 🥞\nIngredients:\n- 2 eggs\n- 1 cup milk\nMethod:\n1. Whisk.\n2. Fry.';
const post = readPage(
	`<html><head><meta property="og:description" content="5 likes, 1 comments - gran on May 1, 2026: &quot;${caption.replace(/\n/g, '&#10;')}&quot;"></head><body></body></html>`,
	'https://www.instagram.com/p/pan123/'
);

const draft: RecipeDraft = {
	title: 'Grandma’s pancakes',
	description: null,
	yields: '2 servings',
	servings: 2,
	prepMinutes: 5,
	cookMinutes: 10,
	totalMinutes: 15,
	ingredientGroups: [
		{
			name: null,
			ingredients: [
				{ text: '2 eggs', quantity: 2, quantityMax: null, unit: null, name: 'eggs', comment: null },
				{ text: '1 cup milk', quantity: 1, quantityMax: null, unit: 'cup', name: 'milk', comment: null }
			]
		}
	],
	stepGroups: [{ name: null, steps: ['Whisk.', 'Fry.'] }],
	tags: ['breakfast']
};

describe('parsing with a language model (a local OpenAI-compatible server)', () => {
	it("sends only the caption, with the recipe model's strict JSON schema, and keeps the validated answer", async () => {
		server.reply({ json: draft });
		const recipe = await parseContent(post, deps(), ctx);
		expect(recipe).toMatchObject({ ...draft, parsedBy: 'llm', sourceUrl: 'https://www.instagram.com/p/pan123/' });
		expect(server.requests).toHaveLength(1);
		const body = server.requests[0]!.body;
		expect(server.requests[0]!.rejected).toBeUndefined();
		expect(body.model).toBe('llama3.1');
		expect(body.response_format).toMatchObject({ type: 'json_schema', json_schema: { name: 'recipe', strict: true } });
		expect(body.response_format.json_schema.schema.required).toEqual(expect.arrayContaining(['title', 'ingredientGroups', 'stepGroups']));
		const user = body.messages.find((m: { role: string }) => m.role === 'user').content as string;
		expect(user).toContain('- 1 cup milk');
		expect(user).not.toContain('likes, 1 comments');
	});

	it("falls back to Cookmark's rules when the answer is not valid", async () => {
		server.reply({ json: { title: 'Pancakes', ingredientGroups: 'two eggs' } });
		const recipe = await parseContent(post, deps(), ctx);
		expect(recipe.parsedBy).toBe('rules');
		expect(recipe.ingredientGroups[0]!.ingredients.map((i) => i.text)).toEqual(['2 eggs', '1 cup milk']);
		server.reply({ content: 'Sure! Here is the recipe: pancakes.' });
		expect((await parseContent(post, deps(), ctx)).parsedBy).toBe('rules');
	});

	it('hands rate limits and server errors back to the engine to retry', async () => {
		server.reply({ status: 429, retryAfter: '7' });
		const err = await parseContent(post, deps(), ctx).catch((e: unknown) => e);
		expect(err).toBeInstanceOf(RetryableError);
		expect((err as RetryableError).retryAfterMs).toBe(7_000);
		server.reply({ status: 503 });
		await expect(parseContent(post, deps(), ctx)).rejects.toBeInstanceOf(RetryableError);
	});

	it('uses the rules when the key is refused, and names the key when the rules find nothing either', async () => {
		server.reply({ status: 401 });
		expect((await parseContent(post, deps(), ctx)).parsedBy).toBe('rules');
		const chat = readPage(
			`<html><head><meta property="og:description" content="5 likes, 1 comments - gran on May 1, 2026: &quot;Lovely day at the beach&quot;"></head></html>`,
			'https://www.instagram.com/p/beach1/'
		);
		server.reply({ status: 401 });
		await expect(parseContent(chat, deps(), ctx)).rejects.toMatchObject({ kind: 'permanent', message: expect.stringContaining('LLM_API_KEY') });
		server.reply({ json: { ...draft, ingredientGroups: [], stepGroups: [] } });
		await expect(parseContent(chat, deps(), ctx)).rejects.toMatchObject({ code: 'no_recipe', message: 'no recipe found in this post' });
	});

	it('never asks about a page with structured data, and cuts a long page to the configured size', async () => {
		const structured = readPage(
			`<html><head><script type="application/ld+json">${JSON.stringify({ '@type': 'Recipe', name: 'Soup', recipeIngredient: ['1 onion'], recipeInstructions: ['Cook.'] })}</script></head></html>`,
			'https://food.example.com/soup'
		);
		expect((await parseContent(structured, deps(), ctx)).parsedBy).toBe('structured-data');
		expect(server.requests).toHaveLength(0);

		const prose = readPage(`<html><body><article>${'<p>We talk about soup for a long while. '.repeat(400)}</p></article></body></html>`, 'https://food.example.com/story');
		server.reply({ json: draft });
		await parseContent(prose, deps(800), ctx);
		const user = server.requests[0]!.body.messages.find((m: { role: string }) => m.role === 'user').content as string;
		expect(user.length).toBeLessThanOrEqual(800);
		expect(user).toContain('We talk about soup');
	});
});
