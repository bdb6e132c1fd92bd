import { afterEach, describe, expect, it } from 'vitest';
import { RecipeDraft } from '../../src/lib/contract/recipe';
import { LlmAnswerError, createLlmClient } from '../../src/lib/server/llm/chat-json';
import { draftByModel, recipeAnswer } from '../../src/lib/server/pipeline/recipe/parse/llm-draft';
import { classifyError } from '../../src/lib/server/failures/errors';
import { imagesOf, startOpenAiServer, userTextOf, type OpenAiServer } from '../helpers/openai-server';

let server: OpenAiServer | undefined;
afterEach(async () => {
	expect(server?.pending ?? 0).toBe(0);
	await server?.close();
	server = undefined;
});

const clientFor = (s: OpenAiServer) => createLlmClient({ baseUrl: s.baseUrl, model: s.model, timeoutMs: 5_000 });

/** A schema.org-minded model in JSON mode: its own names, flat lists. */
const aliased = {
	name: 'Garlic noodles',
	recipeYield: 2,
	recipeIngredient: ['200 g noodles', '4 cloves garlic, minced'],
	recipeInstructions: ['Boil the noodles.', { '@type': 'HowToStep', text: 'Fry the garlic and toss.' }],
	keywords: 'noodles, garlic'
};

describe('answers from models without structured output', () => {
	it('asks again in JSON mode when the server refuses json_schema, and keeps asking that way', async () => {
		server = await startOpenAiServer({ refuseSchemas: true });
		const client = clientFor(server);
		server.reply({ json: aliased }, { content: '```json\n' + JSON.stringify(aliased) + '\n```' });
		const draft = await draftByModel(client, 'Garlic noodles: 200 g noodles, 4 cloves garlic.');
		expect(server.requests.map((r) => [r.body.response_format.type, r.rejected ?? null])).toEqual([
			['json_schema', 'response_format type must be one of "text" or "json_object", but got: json_schema'],
			['json_object', null]
		]);
		// JSON mode enforces no schema, so the model is told it in words.
		expect(server.requests[1]!.body.messages[0].content).toContain('"ingredientGroups"');
		expect(client.answerFormat).toBe('json_object');
		expect(draft).toMatchObject({
			title: 'Garlic noodles',
			yields: '2',
			description: null,
			ingredientGroups: [{ name: null, ingredients: [{ text: '200 g noodles', quantity: 200, unit: 'gram' }, { text: '4 cloves garlic, minced' }] }],
			stepGroups: [{ name: null, steps: ['Boil the noodles.', 'Fry the garlic and toss.'] }],
			tags: ['noodles', 'garlic']
		});
		// The fenced second answer, straight in JSON mode: one request, no schema tried again.
		const again = await draftByModel(client, 'Garlic noodles again.');
		expect(server.requests).toHaveLength(3);
		expect(server.requests[2]!.body.response_format).toEqual({ type: 'json_object' });
		expect(again?.title).toBe('Garlic noodles');
	});

	it('fails a nonsense answer with a clear, permanent LlmAnswerError after one request', async () => {
		server = await startOpenAiServer();
		server.reply({ json: { colour: 'blue', mood: 42 } });
		const err = await draftByModel(clientFor(server), 'Soup.').catch((e: unknown) => e);
		expect(err).toBeInstanceOf(LlmAnswerError);
		expect((err as LlmAnswerError).message).toMatch(/does not fit the schema \(title: /);
		expect(classifyError(err).kind).toBe('permanent');
		expect(server.requests).toHaveLength(1);
	});

	it('sends pictures as image content parts after the text', async () => {
		server = await startOpenAiServer();
		server.reply({ json: { ...aliased } });
		await draftByModel(clientFor(server), 'A photo post.', undefined, { images: ['data:image/jpeg;base64,/9j/AA==', 'https://cdn.example/2.jpg'] });
		expect(imagesOf(server.requests[0]!)).toEqual(['data:image/jpeg;base64,/9j/AA==', 'https://cdn.example/2.jpg']);
		expect(userTextOf(server.requests[0]!)).toBe('A photo post.');
	});
});

describe('recipeAnswer', () => {
	it('leaves a draft in the schema as it is', () => {
		const draft: RecipeDraft = {
			title: 'T',
			description: null,
			yields: null,
			servings: 2,
			prepMinutes: null,
			cookMinutes: null,
			totalMinutes: null,
			ingredientGroups: [{ name: 'Sauce', ingredients: [{ text: '1 egg', quantity: 1, quantityMax: null, unit: null, name: 'egg', comment: null }] }],
			stepGroups: [{ name: null, steps: ['Mix.'] }],
			tags: []
		};
		expect(RecipeDraft.parse(recipeAnswer(structuredClone(draft)))).toEqual(draft);
	});

	it('maps instructions/ingredients/title/servings aliases', () => {
		const out = recipeAnswer({ title: 'X', ingredients: ['1 egg'], instructions: ['Mix.'], servings: '4 people' }) as Record<string, any>;
		expect(out.ingredientGroups[0].ingredients[0]).toMatchObject({ text: '1 egg', quantity: 1 });
		expect(out.stepGroups).toEqual([{ name: null, steps: ['Mix.'] }]);
		expect(out.servings).toBe(4);
	});
});
