import { afterEach, describe, expect, it } from 'vitest';
import { createTranscriptionClient } from '../../src/lib/server/llm/transcribe';
import { serverError } from '../../src/lib/server/llm/service-errors';
import { PermanentError, RetryableError } from '../../src/lib/server/failures/errors';
import { startOpenAiServer, type OpenAiServer, type TranscriptionServer } from '../helpers/openai-server';

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

	// What each server answers `json` with, and how it refuses (tests/helpers/openai-server.ts cites their source).
	const servers: [TranscriptionServer, number | undefined][] = [
		['openai', 5],
		['speaches', undefined],
		['localai', 4.5]
	];

	it.each(servers)("reads %s's json answer", async (flavor, duration) => {
		server = await startOpenAiServer({ model: 'whisper-1', transcriptionServer: flavor });
		server.transcript({ text: 'Two eggs and a cup of milk.', duration: 4.5 });
		const client = createTranscriptionClient({ baseUrl: server.baseUrl, model: 'whisper-1', timeoutMs: 5_000 });
		const transcript = await client.transcribe({ bytes: video, filename: 'video.mp4', contentType: 'video/mp4' });
		expect(transcript).toEqual({ text: 'Two eggs and a cup of milk.', language: flavor === 'localai' ? 'en' : undefined, duration });
		expect(server.transcriptions[0]!.rejected).toBeUndefined();
	});

	it.each(servers)('names STT_MODEL when %s does not know the model', async (flavor) => {
		server = await startOpenAiServer({ model: 'whisper-1', transcriptionServer: flavor });
		const client = createTranscriptionClient({ baseUrl: server.baseUrl, model: 'whisper-large-v3', timeoutMs: 5_000 });
		const err = await client.transcribe({ bytes: video, filename: 'video.mp4', contentType: 'video/mp4' }).catch((e: unknown) => e);
		expect(err).toMatchObject({ kind: 'permanent', code: 'stt_not_found', message: expect.stringMatching(/STT_MODEL/) });
		expect(server.transcriptions.map((t) => t.rejected)).toEqual(['model']);
	});

	it("quotes the server's reason for refusing the file: OpenAI's for a name without a known extension, speaches' for an empty file", async () => {
		server = await startOpenAiServer({ model: 'whisper-1' });
		const openai = createTranscriptionClient({ baseUrl: server.baseUrl, model: 'whisper-1', timeoutMs: 5_000 });
		const named = await openai.transcribe({ bytes: video, filename: 'video', contentType: 'video/mp4' }).catch((e: unknown) => e);
		expect(named).toMatchObject({ kind: 'permanent', code: 'http_400', message: expect.stringContaining('Invalid file format. Supported formats:') });
		await server.close();

		server = await startOpenAiServer({ model: 'whisper-1', transcriptionServer: 'speaches' });
		const speaches = createTranscriptionClient({ baseUrl: server.baseUrl, model: 'whisper-1', timeoutMs: 5_000 });
		const empty = await speaches.transcribe({ bytes: new Uint8Array(), filename: 'video.mp4', contentType: 'video/mp4' }).catch((e: unknown) => e);
		expect(empty).toMatchObject({ kind: 'permanent', code: 'http_400', message: expect.stringContaining('The provided file is likely empty') });
	});

	it("reads FastAPI's validation errors (speaches' 422) as the field and what is wrong with it", () => {
		const body = { detail: [{ type: 'missing', loc: ['body', 'file'], msg: 'Field required', input: null }, { type: 'literal_error', loc: ['body', 'response_format'], msg: "Input should be 'text' or 'json'", input: 'xml' }] };
		expect(serverError(JSON.stringify(body)).message).toBe("file: Field required; response_format: Input should be 'text' or 'json'");
	});
});
