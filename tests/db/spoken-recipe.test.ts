import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type http from 'node:http';
import type { RecipeDraft } from '../../src/lib/contract/recipe';
import { getRecipe, toDetail } from '../../src/lib/server/recipes/library';
import { imagesOf, startOpenAiServer, userTextOf } from '../helpers/openai-server';
import { forSuite, startPipelineApp, startSites } from '../helpers/pipeline-sites';
import { ingredient } from '../helpers/recipe';

/**
 * Issue 26 end to end: a post whose recipe is only said in its video becomes a saved recipe. The
 * real app (createApp's worker, the safe fetcher) reads pages in the platforms' shapes from a
 * fixture on 127.0.0.5, sends the video to a transcription stand-in playing a speaches server
 * (multipart, as speaches reads it) and the caption with the words to a chat stand-in.
 */
const PUBLIC = '127.0.0.5';
const HOSTS = ['www.instagram.com', 'scontent.cdninstagram.com', 'www.youtube.com', 'rr3---sn-5hne6nzk.googlevideo.com'];
const STT_MODEL = 'Systran/faster-whisper-small';
const STT_MAX_BYTES = 64 * 1024;

const page = (head: string, body = '') => `<!doctype html><html><head>${head}</head><body>${body}</body></html>`;
const meta = (property: string, content: string) => `<meta property="${property}" content="${content.replace(/"/g, '&quot;')}" />`;
const CAPTION = 'so good 😍 #dinner';

/** An mp4's first box (`ftyp`, isom), then filler: the bytes only have to arrive unchanged. */
const mp4 = (size: number) => Buffer.concat([Buffer.from('000000186674797069736f6d0000020069736f6d69736f32', 'hex'), Buffer.alloc(size - 24, 0x2a)]);
const VIDEO = mp4(6 * 1024);
const HUGE_VIDEO = mp4(STT_MAX_BYTES * 3);

const SPOKEN = 'Okay so for this one you need one litre of dashi, three tablespoons of white miso and 200 grams of silken tofu. Warm the dashi, whisk in the miso, then the tofu.';
const SUBTITLES = ['so today we need a litre of dashi', 'a litre of dashi and three tablespoons of miso', 'warm it and stir in the miso'];

const draft = (title: string): RecipeDraft => ({
	title,
	description: null,
	yields: null,
	servings: null,
	prepMinutes: null,
	cookMinutes: null,
	totalMinutes: null,
	ingredientGroups: [
		{
			name: null,
			ingredients: [
				ingredient('1 l dashi', { quantity: 1, unit: 'liter', name: 'dashi' }),
				ingredient('3 tbsp white miso', { quantity: 3, unit: 'tablespoon', name: 'white miso' }),
				ingredient('200 g silken tofu', { quantity: 200, unit: 'gram', name: 'silken tofu' })
			]
		}
	],
	stepGroups: [{ name: null, steps: ['Warm the dashi.', 'Whisk in the miso.', 'Add the tofu.'] }],
	tags: []
});
const NOTHING: RecipeDraft = { ...draft('Dinner'), ingredientGroups: [], stepGroups: [] };

const at = (host: string, path: string) => sites.at(host, path);

/** A logged-out reel page: the caption in its meta description and the post's data (`shortcode_media`, as yt-dlp's instagram extractor reads it). */
const reel = (code: string, video: string) => (res: http.ServerResponse) => {
	const media = {
		__typename: 'GraphVideo',
		shortcode: code,
		is_video: true,
		video_url: at('scontent.cdninstagram.com', video),
		display_url: at('scontent.cdninstagram.com', `/v/t51/${code}.jpg`),
		owner: { username: 'cook.jo' },
		edge_media_to_caption: { edges: [{ node: { text: CAPTION } }] }
	};
	html(
		res,
		page(
			meta('og:description', `1,024 likes, 31 comments - cook.jo on May 1, 2025: "${CAPTION}"`) + meta('og:image', media.display_url),
			`<script>window.__additionalDataLoaded('/reel/${code}/',${JSON.stringify({ graphql: { shortcode_media: media } })});</script>`
		)
	);
};

/** A logged-out photo post: one picture (a recipe card), its caption not the recipe. */
const photoPost = (code: string) => (res: http.ServerResponse) => {
	const media = {
		__typename: 'GraphImage',
		shortcode: code,
		is_video: false,
		display_url: at('scontent.cdninstagram.com', `/v/t51/${code}.jpg`),
		owner: { username: 'cook.jo' },
		edge_media_to_caption: { edges: [{ node: { text: CAPTION } }] }
	};
	html(res, page(meta('og:image', media.display_url), `<script>window.__additionalDataLoaded('/p/${code}/',${JSON.stringify({ graphql: { shortcode_media: media } })});</script>`));
};
/** The recipe card's bytes, a real JPEG. */
const CARD = Buffer.from('/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSEw8UHRofHh0aHBwgJC4nICIsIxwcKDcpLDAxNDQ0Hyc5PTgyPC4zNDL/wAALCAABAAEBAREA/8QAFAABAAAAAAAAAAAAAAAAAAAACf/EABQQAQAAAAAAAAAAAAAAAAAAAAD/2gAIAQEAAD8AKp//2Q==', 'base64');

/** A Short's watch page: the player data lists an automatic English track and the video's own stream. */
const short = (res: http.ServerResponse) => {
	const player = {
		videoDetails: { videoId: 'aBcDeFgHiJk', title: 'Miso soup in a minute #shorts', author: 'Jo Cooks', shortDescription: CAPTION },
		captions: {
			playerCaptionsTracklistRenderer: {
				captionTracks: [{ baseUrl: at('www.youtube.com', '/api/timedtext?v=aBcDeFgHiJk&lang=en&kind=asr'), name: { simpleText: 'English (auto-generated)' }, languageCode: 'en', kind: 'asr' }]
			}
		},
		streamingData: { formats: [{ itag: 18, mimeType: 'video/mp4; codecs="avc1.42001E, mp4a.40.2"', url: at('rr3---sn-5hne6nzk.googlevideo.com', '/videoplayback?id=1') }] }
	};
	html(res, page(meta('og:title', 'Miso soup in a minute #shorts'), `<script>var ytInitialPlayerResponse = ${JSON.stringify(player)};</script>`));
};

function html(res: http.ServerResponse, body: string) {
	res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(body);
}
const video = (bytes: Buffer) => (res: http.ServerResponse) => res.writeHead(200, { 'content-type': 'video/mp4' }).end(bytes);

const sites = forSuite(() =>
	startSites(PUBLIC, HOSTS, {
		'www.instagram.com /reel/SpokenReel/': reel('SpokenReel', '/v/t50/spoken.mp4'),
		'www.instagram.com /reel/LongReel/': reel('LongReel', '/v/t50/long.mp4'),
		'www.instagram.com /reel/NoSttReel/': reel('NoSttReel', '/v/t50/nostt.mp4'),
		'www.instagram.com /reel/NoLlmReel/': reel('NoLlmReel', '/v/t50/nollm.mp4'),
		'scontent.cdninstagram.com /v/t50/spoken.mp4': video(VIDEO),
		'scontent.cdninstagram.com /v/t50/long.mp4': video(HUGE_VIDEO),
		'scontent.cdninstagram.com /v/t50/nostt.mp4': video(VIDEO),
		'scontent.cdninstagram.com /v/t50/nollm.mp4': video(VIDEO),
		'www.youtube.com /shorts/aBcDeFgHiJk': short,
		// timedtext answers json3 when asked (`fmt=json3`); anything else would be its XML.
		'www.youtube.com /api/timedtext': (res, req) => {
			if (new URL(req.url ?? '/', 'http://x').searchParams.get('fmt') !== 'json3') return void res.writeHead(400).end();
			res.writeHead(200, { 'content-type': 'application/json; charset=UTF-8' }).end(JSON.stringify({ wireMagic: 'pb3', events: SUBTITLES.map((cue, i) => ({ tStartMs: i * 2000, dDurationMs: 2000, segs: [{ utf8: cue }] })) }));
		},
		'rr3---sn-5hne6nzk.googlevideo.com /videoplayback': video(VIDEO),
		'www.instagram.com /p/CardPost/': photoPost('CardPost'),
		'scontent.cdninstagram.com /v/t51/CardPost.jpg': (res) => res.writeHead(200, { 'content-type': 'image/jpeg' }).end(CARD)
	})
);

const chat = forSuite(() => startOpenAiServer());
const stt = forSuite(() => startOpenAiServer({ model: STT_MODEL, transcriptionServer: 'speaches' }));
afterEach(() => {
	// Every scripted answer was asked for.
	expect(chat.pending + stt.pending).toBe(0);
});
beforeEach(() => {
	chat.requests.length = 0;
	stt.transcriptions.length = 0;
	sites.hits.length = 0;
});

const LLM = () => ({ LLM_API_BASE_URL: chat.baseUrl, LLM_MODEL: chat.model });
const STT = () => ({ STT_API_BASE_URL: stt.baseUrl, STT_MODEL, STT_MAX_BYTES: String(STT_MAX_BYTES) });
const ingredientsOf = (d: RecipeDraft) => d.ingredientGroups.flatMap((g) => g.ingredients.map((i) => i.text));

describe('with a chat model and a transcription service', () => {
	const pipeline = forSuite(() => startPipelineApp(sites.policy, { ...LLM(), ...STT() }));

	it("saves a reel whose caption holds no recipe with the recipe said in its video, read from the transcript", async () => {
		stt.transcript({ text: SPOKEN, duration: 14.2 });
		chat.reply({ json: draft('Tofu miso soup') });
		const item = await pipeline.share(at('www.instagram.com', '/reel/SpokenReel/'));
		expect(item).toMatchObject({ status: 'success', results: { title: 'Tofu miso soup', sourceUrl: at('www.instagram.com', '/reel/SpokenReel/') } });

		// The video went to the transcription service as the fixture served it.
		expect(stt.transcriptions).toHaveLength(1);
		const [sent] = stt.transcriptions;
		expect(sent!.rejected).toBeUndefined();
		expect(sent!.file!.bytes.equals(VIDEO)).toBe(true);
		expect(sent!.file!.filename).toMatch(/^[\w-]+\.mp4$/);
		expect(sent!.file!.contentType).toBe('video/mp4');
		expect(sent!.fields).toMatchObject({ model: STT_MODEL, response_format: 'json' });

		// The chat model was asked once, with the caption and the transcript.
		expect(chat.requests).toHaveLength(1);
		const asked = userTextOf(chat.requests[0]!);
		expect(asked).toContain(CAPTION);
		expect(asked).toContain(SPOKEN);

		const detail = toDetail((await getRecipe(pipeline.app.database, pipeline.userId, item.results!.recipeId as string))!);
		expect(detail.recipe).toMatchObject({ title: 'Tofu miso soup', parsedBy: 'llm', readFrom: 'speech' });
		expect(detail.recipe!.ingredientGroups.flatMap((g) => g.ingredients.map((i) => i.text))).toEqual(ingredientsOf(draft('')));
		expect(sites.hits).toEqual(['www.instagram.com /reel/SpokenReel/', 'scontent.cdninstagram.com /v/t50/spoken.mp4', 'scontent.cdninstagram.com /v/t51/SpokenReel.jpg']);
	});

	it("reads a YouTube Short's subtitles, without downloading the video or calling the transcription service", async () => {
		chat.reply({ json: draft('Miso soup in a minute') });
		const item = await pipeline.share(at('www.youtube.com', '/shorts/aBcDeFgHiJk'));
		expect(item).toMatchObject({ status: 'success', results: { title: 'Miso soup in a minute' } });
		expect(userTextOf(chat.requests[0]!)).toContain(SUBTITLES.join('\n'));
		expect(stt.transcriptions).toEqual([]);
		expect(sites.hits).toContain('www.youtube.com /api/timedtext');
		expect(sites.hits.filter((h) => h.includes('googlevideo.com'))).toEqual([]);
		const detail = toDetail((await getRecipe(pipeline.app.database, pipeline.userId, item.results!.recipeId as string))!);
		expect(detail.recipe?.readFrom).toBe('speech');
	});

	it('fails a video larger than STT_MAX_BYTES with a note saying so; the transcription service never gets it', async () => {
		const item = await pipeline.share(at('www.instagram.com', '/reel/LongReel/'));
		expect(item).toMatchObject({
			status: 'error',
			error: { kind: 'permanent', code: 'video_too_large', message: expect.stringMatching(/video is larger than 64 KiB, the most downloaded to be transcribed \(STT_MAX_BYTES/) }
		});
		expect(sites.hits).toContain('scontent.cdninstagram.com /v/t50/long.mp4');
		expect(stt.transcriptions).toEqual([]);
		expect(chat.requests).toEqual([]);
	});
});

describe('with a chat model that reads pictures', () => {
	const pipeline = forSuite(() => startPipelineApp(sites.policy, { ...LLM(), LLM_VISION: 'true' }));

	it('saves a photo post whose caption holds no recipe with the recipe read from its one picture', async () => {
		chat.reply({ json: draft('Miso soup from the card') });
		const item = await pipeline.share(at('www.instagram.com', '/p/CardPost/'));
		expect(item).toMatchObject({ status: 'success', results: { title: 'Miso soup from the card' } });
		// The picture went to the model as the fixture served it, with the caption.
		expect(chat.requests).toHaveLength(1);
		expect(imagesOf(chat.requests[0]!)).toEqual([`data:image/jpeg;base64,${CARD.toString('base64')}`]);
		expect(userTextOf(chat.requests[0]!)).toContain(CAPTION);
		expect(stt.transcriptions).toEqual([]);
		const detail = toDetail((await getRecipe(pipeline.app.database, pipeline.userId, item.results!.recipeId as string))!);
		expect(detail.recipe).toMatchObject({ parsedBy: 'llm', readFrom: 'pictures' });
	});
});

describe('with a chat model and no transcription service', () => {
	const pipeline = forSuite(() => startPipelineApp(sites.policy, LLM()));

	it('fails a video-only post with how to set up transcription', async () => {
		// The caption alone is asked about, and holds nothing.
		chat.reply({ json: NOTHING });
		const item = await pipeline.share(at('www.instagram.com', '/reel/NoSttReel/'));
		expect(item).toMatchObject({ status: 'error', error: { kind: 'permanent', code: 'no_transcription', message: expect.stringMatching(/set STT_API_BASE_URL/) } });
		expect(chat.requests).toHaveLength(1);
		expect(sites.hits).not.toContain('scontent.cdninstagram.com /v/t50/nostt.mp4');
	});
});

describe('without a chat model', () => {
	const pipeline = forSuite(() => startPipelineApp(sites.policy, STT()));

	it('fails a video-only post with the note that a language model is needed, without downloading or transcribing the video', async () => {
		const item = await pipeline.share(at('www.instagram.com', '/reel/NoLlmReel/'));
		expect(item).toMatchObject({ status: 'error', error: { kind: 'permanent', code: 'no_llm', message: expect.stringMatching(/needs a language model: set LLM_API_BASE_URL/) } });
		expect(sites.hits).not.toContain('scontent.cdninstagram.com /v/t50/nollm.mp4');
		expect(stt.transcriptions).toEqual([]);
		expect(chat.requests).toEqual([]);
	});
});
