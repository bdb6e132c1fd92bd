import { afterEach, describe, expect, it } from 'vitest';
import pino from 'pino';
import type { ExtractedContent } from '../../src/lib/server/pipeline/recipe/extract';
import { parseContent, type ParsingDeps } from '../../src/lib/server/pipeline/recipe/parse';
import type { MediaFiles } from '../../src/lib/server/pipeline/recipe/parse/spoken';
import { createLlmClient } from '../../src/lib/server/llm/chat-json';
import { createTranscriptionClient } from '../../src/lib/server/llm/transcribe';
import { PermanentError } from '../../src/lib/server/failures/errors';
import { imagesOf, startOpenAiServer, userTextOf, type OpenAiServer } from '../helpers/openai-server';

let server: OpenAiServer | undefined;
afterEach(async () => {
	expect(server?.pending ?? 0).toBe(0);
	await server?.close();
	server = undefined;
});

const progress: string[] = [];
const ctx = { signal: new AbortController().signal, progress: (_: number, m?: string) => void progress.push(m ?? ''), log: pino({ level: 'silent' }) };

/** A TikTok-shaped video post whose caption only teases the recipe. */
const post = (media: Partial<NonNullable<ExtractedContent['media']>>): ExtractedContent => ({
	url: 'https://www.tiktok.com/@cook/video/7300000000000000000',
	canonicalUrl: 'https://www.tiktok.com/@cook/video/7300000000000000000',
	title: 'cook on TikTok',
	description: null,
	image: 'https://p16-sign.tiktokcdn.com/cover.jpeg',
	images: [],
	author: 'cook',
	siteName: 'TikTok',
	text: 'The easiest pasta ever 🍝 #pasta #dinner',
	recipe: null,
	isPost: true,
	media: { videoUrl: null, captionTracks: [], slides: [], ...media },
	followUrl: null
});

const SPOKEN = 'Okay so you need 200 grams of spaghetti, 3 cloves of garlic and some olive oil. Boil the pasta, fry the garlic, toss it all together.';
const fetched: string[] = [];
const fetchFile: MediaFiles['fetch'] = async (url) => {
	fetched.push(url);
	if (url.endsWith('.mp4')) return { url, status: 200, contentType: 'video/mp4', bytes: new Uint8Array([0, 0, 0, 0x18, 0x66, 0x74, 0x79, 0x70]) };
	if (url.includes('timedtext')) return { url, status: 200, contentType: 'text/xml', bytes: Buffer.from(`<transcript><text start="0" dur="2">${SPOKEN}</text></transcript>`) };
	return { url, status: 200, contentType: 'image/jpeg', bytes: new Uint8Array([0xff, 0xd8, 0xff]) };
};

const answer = {
	title: 'Garlic spaghetti',
	ingredients: ['200 g spaghetti', '3 cloves garlic', 'olive oil'],
	instructions: ['Boil the pasta.', 'Fry the garlic.', 'Toss together.']
};

const depsFor = (s: OpenAiServer, more: Partial<ParsingDeps> = {}): ParsingDeps => ({
	llm: createLlmClient({ baseUrl: s.baseUrl, model: s.model, timeoutMs: 5_000 }),
	llmMaxInputChars: 12_000,
	transcriber: createTranscriptionClient({ baseUrl: s.baseUrl, model: 'gpt-4o-mini', timeoutMs: 5_000 }),
	llmVision: false,
	media: { fetch: fetchFile, videoMaxBytes: 1024 * 1024 },
	...more
});

describe('a recipe only spoken in the video', () => {
	it('transcribes the video and reads the recipe from caption and transcript', async () => {
		server = await startOpenAiServer();
		server.transcript({ text: SPOKEN, duration: 21 });
		server.reply({ json: answer });
		fetched.length = progress.length = 0;
		const recipe = await parseContent(post({ videoUrl: 'https://v16.tiktokcdn.com/video.mp4' }), depsFor(server), ctx);
		expect(server.transcriptions[0]!.file).toMatchObject({ filename: 'video.mp4', contentType: 'video/mp4' });
		const said = userTextOf(server.requests[0]!);
		expect(said).toContain('The easiest pasta ever');
		expect(said).toContain(SPOKEN);
		expect(recipe).toMatchObject({ title: 'Garlic spaghetti', parsedBy: 'llm', readFrom: 'speech' });
		expect(recipe.ingredientGroups[0]!.ingredients.map((i) => i.text)).toEqual(answer.ingredients);
		expect(progress).toEqual(expect.arrayContaining(["transcribing the video's speech", 'asking the model']));
	});

	it('reads subtitles without downloading the video', async () => {
		server = await startOpenAiServer();
		server.reply({ json: answer });
		fetched.length = 0;
		const recipe = await parseContent(
			post({ videoUrl: 'https://v16.tiktokcdn.com/video.mp4', captionTracks: [{ url: 'https://www.youtube.com/api/timedtext?v=x&lang=en', language: 'en', automatic: false }] }),
			depsFor(server),
			ctx
		);
		expect(fetched).toEqual(['https://www.youtube.com/api/timedtext?v=x&lang=en&fmt=json3']);
		expect(server.transcriptions).toHaveLength(0);
		expect(userTextOf(server.requests[0]!)).toContain(SPOKEN);
		expect(recipe.readFrom).toBe('speech');
	});

	it('fails with how to set up transcription when none is configured', async () => {
		server = await startOpenAiServer();
		// The caption alone is asked about first, and holds nothing.
		server.reply({ json: { title: 'Pasta', ingredientGroups: [], stepGroups: [] } });
		const err = await parseContent(post({ videoUrl: 'https://v16.tiktokcdn.com/video.mp4' }), depsFor(server, { transcriber: null }), ctx).catch((e: unknown) => e);
		expect(err).toBeInstanceOf(PermanentError);
		expect((err as PermanentError).code).toBe('no_transcription');
		expect((err as Error).message).toMatch(/STT_API_BASE_URL/);
	});

	it('sends the pictures as data: URLs when the model reads pictures', async () => {
		server = await startOpenAiServer();
		server.reply({ json: answer });
		const recipe = await parseContent(post({ slides: ['https://p16-sign.tiktokcdn.com/1.jpeg', 'https://p16-sign.tiktokcdn.com/2.jpeg'] }), depsFor(server, { llmVision: true }), ctx);
		expect(imagesOf(server.requests[0]!)).toEqual(['data:image/jpeg;base64,/9j/', 'data:image/jpeg;base64,/9j/', 'data:image/jpeg;base64,/9j/']);
		expect(recipe.readFrom).toBe('pictures');
	});
});
