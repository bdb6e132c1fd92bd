import { afterEach, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { createLlmClient } from '../../src/lib/server/llm/chat-json';
import { createTranscriptionClient } from '../../src/lib/server/llm/transcribe';
import { ApiError } from '../../src/lib/server/http/api-error';
import { ReadingServices, type ReadingServicesOptions } from '../../src/lib/server/reading-services';
import { toneWav } from '../../src/lib/server/reading-services/samples';
import { imagesOf, startOpenAiServer, userTextOf, type OpenAiServer } from '../helpers/openai-server';

/**
 * Settings' Test for the chat model, pictures and transcription, through the pipeline's own
 * clients against a local OpenAI-compatible server: what is sent, what a good answer reports,
 * and the clear refusal for each way it goes wrong.
 */
const KEY = 'sk-test-Qw3Lm9Pz2Rt5Vb8Nc';
let server: OpenAiServer | undefined;
afterEach(async () => {
	expect(server?.pending ?? 0).toBe(0);
	await server?.close();
	server = undefined;
});

const pancakes = {
	title: 'Quick pancakes',
	ingredients: ['200 g flour', '2 eggs', '300 ml milk', '1 pinch of salt'],
	instructions: ['Whisk into a batter.', 'Rest 10 minutes.', 'Fry.']
};

function services(s: OpenAiServer, more: Partial<ReadingServicesOptions> = {}): ReadingServices {
	return new ReadingServices({
		llm: createLlmClient({ baseUrl: s.baseUrl, apiKey: KEY, model: s.model, timeoutMs: 5_000 }),
		llmBaseUrl: s.baseUrl,
		vision: false,
		// The stand-in serves one model name for both endpoints.
		transcriber: createTranscriptionClient({ baseUrl: s.baseUrl, apiKey: KEY, model: s.model, timeoutMs: 5_000 }),
		sttBaseUrl: s.baseUrl,
		...more
	});
}

const refusal = (p: Promise<unknown>) => p.then(() => expect.unreachable('the test passed'), (e: unknown) => e as ApiError);

describe('what Settings shows', () => {
	it('names each service and its model; the host only to the admin; what would set up a missing one', async () => {
		server = await startOpenAiServer();
		const host = new URL(server.baseUrl).host;
		const admin = services(server).view(true).services;
		expect(admin).toEqual([
			{ service: 'chat', configured: true, model: 'gpt-4o-mini', host, setup: null },
			{ service: 'pictures', configured: false, model: null, host: null, setup: expect.stringContaining('LLM_VISION=true') },
			{ service: 'transcription', configured: true, model: 'gpt-4o-mini', host, setup: null }
		]);
		const person = services(server, { vision: true, transcriber: null }).view(false).services;
		expect(person.map((s) => [s.service, s.configured, s.host])).toEqual([
			['chat', true, null],
			['pictures', true, null],
			['transcription', false, null]
		]);
		expect(person[2]!.setup).toMatch(/STT_API_BASE_URL/);
	});
});

describe('Test', () => {
	it('chat: the model reads the test recipe, and the report says what it read and how it was asked', async () => {
		server = await startOpenAiServer({ apiKey: KEY });
		server.reply({ json: pancakes });
		const result = await services(server).test('chat');
		expect(result).toMatchObject({
			service: 'chat',
			model: 'gpt-4o-mini',
			answerFormat: 'json_schema',
			recipe: { title: 'Quick pancakes', ingredients: 4, steps: 3 },
			heard: null,
			summary: 'Read “Quick pancakes”: 4 ingredients, 3 steps'
		});
		expect(result.ms).toBeGreaterThanOrEqual(0);
		const [request] = server.requests;
		expect(request!.body.response_format.type).toBe('json_schema');
		expect(userTextOf(request!)).toContain('300 ml milk');
		expect(imagesOf(request!)).toEqual([]);
	});

	it('chat: a server without JSON schemas is asked again in JSON mode, and the report says so', async () => {
		server = await startOpenAiServer({ apiKey: KEY, refuseSchemas: true });
		server.reply({ content: '```json\n' + JSON.stringify(pancakes) + '\n```' });
		const result = await services(server).test('chat');
		expect(result.answerFormat).toBe('json_object');
		expect(result.recipe?.ingredients).toBe(4);
		expect(server.requests.map((r) => r.body.response_format.type)).toEqual(['json_schema', 'json_object']);
	});

	it('pictures: the test recipe goes with a real PNG picture as an image content part', async () => {
		server = await startOpenAiServer({ apiKey: KEY });
		server.reply({ json: pancakes });
		const result = await services(server, { vision: true }).test('pictures');
		expect(result.summary).toMatch(/^Took the picture and read “Quick pancakes”/);
		const [image] = imagesOf(server.requests[0]!);
		expect(image).toMatch(/^data:image\/png;base64,/);
		const meta = await sharp(Buffer.from(image!.split(',')[1]!, 'base64')).metadata();
		expect([meta.format, meta.width, meta.height]).toEqual(['png', 128, 128]);
	});

	it('transcription: a one-second WAV tone goes as the multipart file, and the words heard are reported', async () => {
		server = await startOpenAiServer({ apiKey: KEY });
		server.transcript({ text: '', duration: 1 });
		const result = await services(server).test('transcription');
		expect(result).toMatchObject({ service: 'transcription', model: 'gpt-4o-mini', heard: '', recipe: null, answerFormat: null });
		expect(result.summary).toMatch(/no words in it/);
		const [t] = server.transcriptions;
		expect(t!.file).toMatchObject({ filename: 'cookmark-test.wav', contentType: 'audio/wav' });
		expect(t!.file!.bytes.equals(Buffer.from(toneWav()))).toBe(true);
		expect(t!.fields).toMatchObject({ model: 'gpt-4o-mini', response_format: 'json', language: 'en' });
	});

	it('a service that is not set up: 409 naming the settings', async () => {
		server = await startOpenAiServer();
		const none = new ReadingServices({ llm: null, vision: false, transcriber: null });
		for (const [service, setting] of [['chat', 'LLM_API_BASE_URL'], ['pictures', 'LLM_VISION'], ['transcription', 'STT_API_BASE_URL']] as const) {
			const err = await refusal(none.test(service));
			expect([err.status, err.code]).toEqual([409, 'service_not_configured']);
			expect(err.message).toContain(setting);
		}
		// A chat model without LLM_VISION does not take pictures either.
		expect((await refusal(services(server).test('pictures'))).code).toBe('service_not_configured');
		expect(server.requests).toEqual([]);
	});

	it('a wrong key is 422 naming the setting, never quoting the key; a failing server 502', async () => {
		server = await startOpenAiServer({ apiKey: KEY });
		const wrong = services(server, {
			llm: createLlmClient({ baseUrl: server.baseUrl, apiKey: 'sk-wrong-Zz9Yy8Xx7', model: server.model, timeoutMs: 5_000 }),
			transcriber: createTranscriptionClient({ baseUrl: server.baseUrl, apiKey: 'sk-wrong-Zz9Yy8Xx7', model: server.model, timeoutMs: 5_000 })
		});
		const chat = await refusal(wrong.test('chat'));
		expect([chat.status, chat.code]).toEqual([422, 'llm_auth']);
		expect(chat.message).toMatch(/LLM_API_KEY/);
		const stt = await refusal(wrong.test('transcription'));
		expect([stt.status, stt.code]).toEqual([422, 'stt_auth']);
		expect(`${chat.message} ${stt.message}`).not.toContain('sk-wrong');

		server.reply({ status: 503 });
		const busy = await refusal(services(server).test('chat'));
		expect([busy.status, busy.code]).toEqual([502, 'http_503']);
	});

	it('a model that misses most of the recipe fails with what it read; nonsense fails as an unusable answer', async () => {
		server = await startOpenAiServer({ apiKey: KEY });
		server.reply({ json: { title: 'Pancakes', ingredients: ['flour'], instructions: ['Fry.'] } });
		const misread = await refusal(services(server).test('chat'));
		expect([misread.status, misread.code]).toEqual([422, 'llm_misread']);
		expect(misread.message).toMatch(/read 1 of the test recipe's 4 ingredients/);

		server.reply({ content: 'Sure! Here is your recipe: pancakes are great.' });
		const nonsense = await refusal(services(server).test('chat'));
		expect([nonsense.status, nonsense.code]).toEqual([422, 'llm_answer']);
	});
});

describe('the test sound', () => {
	it('is a valid 16 kHz mono 16-bit PCM WAV file of one second that starts and ends silent', () => {
		const wav = Buffer.from(toneWav());
		expect(wav.toString('ascii', 0, 4)).toBe('RIFF');
		expect(wav.readUInt32LE(4)).toBe(wav.length - 8);
		expect(wav.toString('ascii', 8, 16)).toBe('WAVEfmt ');
		expect([wav.readUInt16LE(20), wav.readUInt16LE(22), wav.readUInt32LE(24), wav.readUInt16LE(34)]).toEqual([1, 1, 16_000, 16]);
		expect(wav.toString('ascii', 36, 40)).toBe('data');
		expect(wav.readUInt32LE(40)).toBe(32_000);
		expect(wav.readInt16LE(44)).toBe(0);
		expect(wav.readInt16LE(wav.length - 2)).toBe(0);
		let peak = 0;
		for (let i = 44; i < wav.length; i += 2) peak = Math.max(peak, Math.abs(wav.readInt16LE(i)));
		expect(peak).toBeGreaterThan(9_000);
	});
});
