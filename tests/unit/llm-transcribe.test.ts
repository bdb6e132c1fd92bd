import { afterEach, describe, expect, it } from 'vitest';
import { createTranscriptionClient } from '../../src/lib/server/llm/transcribe';
import { PermanentError, RetryableError } from '../../src/lib/server/failures/errors';
import { startOpenAiServer, type OpenAiServer } from '../helpers/openai-server';

const KEY = 'sk-stt-Xy7Qw3Lm9Pz2Rt5Vb8Nc';
let server: OpenAiServer | undefined;
afterEach(async () => {
	expect(server?.pending ?? 0).toBe(0);
	await server?.close();
	server = undefined;
});

const video = new Uint8Array([0, 0, 0, 0x18, 0x66, 0x74, 0x79, 0x70, 0x6d, 0x70, 0x34, 0x32]);

describe('transcription client', () => {
	it('sends the file as multipart with its name, type and the model, and reads the text and duration', async () => {
		server = await startOpenAiServer({ apiKey: KEY, model: 'whisper-1' });
		server.transcript({ text: ' 200 grams of flour and two eggs. ', duration: 4.5 });
		const seen: unknown[] = [];
		const client = createTranscriptionClient({ baseUrl: server.baseUrl, apiKey: KEY, model: 'whisper-1', timeoutMs: 5_000, observe: (...a) => seen.push(a) });
		const transcript = await client.transcribe({ bytes: video, filename: 'video.mp4', contentType: 'video/mp4', language: 'en' });
		expect(transcript.text).toBe('200 grams of flour and two eggs.');
		// OpenAI's json answer for whisper-1 names whole seconds.
		expect(transcript.duration).toBe(5);
		const [t] = server.transcriptions;
		expect(t!.file).toEqual({ bytes: Buffer.from(video), filename: 'video.mp4', contentType: 'video/mp4' });
		expect(t!.fields).toEqual({ model: 'whisper-1', response_format: 'json', language: 'en' });
		expect(t!.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
		expect(seen).toEqual([['ok', 5]]);
	});

	it('classifies a wrong key as permanent without quoting it, a 5xx as retryable, a wrong model as not found', async () => {
		server = await startOpenAiServer({ apiKey: KEY, model: 'whisper-1' });
		const wrong = createTranscriptionClient({ baseUrl: server.baseUrl, apiKey: 'sk-wrong-key-123456789', model: 'whisper-1', timeoutMs: 5_000 });
		const auth = await wrong.transcribe({ bytes: video, filename: 'v.mp4', contentType: 'video/mp4' }).catch((e: unknown) => e);
		expect(auth).toBeInstanceOf(PermanentError);
		expect((auth as Error).message).toMatch(/STT_API_KEY/);
		expect((auth as Error).message).not.toContain('sk-wrong');

		const client = createTranscriptionClient({ baseUrl: server.baseUrl, apiKey: KEY, model: 'whisper-1', timeoutMs: 5_000 });
		server.transcript({ status: 503 });
		const busy = await client.transcribe({ bytes: video, filename: 'v.mp4', contentType: 'video/mp4' }).catch((e: unknown) => e);
		expect(busy).toBeInstanceOf(RetryableError);

		const other = createTranscriptionClient({ baseUrl: server.baseUrl, apiKey: KEY, model: 'whisper-large', timeoutMs: 5_000 });
		const missing = await other.transcribe({ bytes: video, filename: 'v.mp4', contentType: 'video/mp4' }).catch((e: unknown) => e);
		expect((missing as PermanentError).code).toBe('stt_not_found');
		expect((missing as Error).message).toMatch(/STT_MODEL/);
	});

	it('says so when the address is not a transcription API', async () => {
		server = await startOpenAiServer({ model: 'whisper-1' });
		const client = createTranscriptionClient({ baseUrl: `${server.origin}/v1/chat`, model: 'whisper-1', timeoutMs: 5_000 });
		// /v1/chat/audio/transcriptions does not exist there: a 404 naming the settings.
		const err = await client.transcribe({ bytes: video, filename: 'v.mp4', contentType: 'video/mp4' }).catch((e: unknown) => e);
		expect((err as PermanentError).code).toBe('stt_not_found');
	});
});
