import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractLink } from '../../src/lib/server/pipeline/recipe/extract';
import { extractionSummary, readPage } from '../../src/lib/server/pipeline/recipe/extract/read-page';
import { safeFetch } from '../../src/lib/server/net/safe-fetch';
import { html, startHttpServer } from '../helpers/http-server';

const page = (head: string, body = '') => `<!doctype html><html><head>${head}</head><body>${body}</body></html>`;
const attr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/\n/g, '&#10;');
const meta = (property: string, content: string) => `<meta property="${property}" content="${attr(content)}" />`;
const jsonScript = (id: string, data: unknown) => `<script id="${id}" type="application/json">${JSON.stringify(data)}</script>`;

const caption = ['Miso Soup 🍜', '', 'Ingredients:', '- 1 l dashi', '- 3 tbsp miso', '', 'Method:', '1. Warm the dashi.', '2. Stir in the miso.', '', '#soup'].join('\n');
const recipeLines = { ingredients: ['1 l dashi', '3 tbsp miso'], instructions: ['Warm the dashi.', 'Stir in the miso.'] };

describe('Instagram', () => {
	const post = 'https://www.instagram.com/p/abc123/';

	it('unwraps the caption from og:description, with its author and the post\'s picture; the "on Instagram" line is no title', () => {
		const content = readPage(
			page(
				meta('og:title', `cook.jo on Instagram: "${caption.slice(0, 30)}"`) +
					meta('og:description', `1,234 likes, 56 comments - cook.jo on March 8, 2025: "${caption}". `) +
					meta('og:image', 'https://cdn.example/ig/photo.jpg')
			),
			post
		);
		expect(content).toMatchObject({ title: 'Miso Soup', author: 'cook.jo', text: caption, image: 'https://cdn.example/ig/photo.jpg', followUrl: null });
		expect(content.recipe).toMatchObject({ ...recipeLines, title: 'Miso Soup', source: 'caption', image: 'https://cdn.example/ig/photo.jpg' });
	});

	it('reads the whole caption from the embed page, where the description would be cut short', () => {
		const body = `<div class="Caption"><a class="CaptionUsername" href="/cook.jo/">cook.jo</a><br><br>${caption
			.split('\n')
			.join('<br>')}<div class="CaptionComments"><a>View all 12 comments</a></div></div><img class="EmbeddedMediaImage" src="https://cdn.example/ig/embed.jpg">`;
		const content = readPage(page(meta('og:description', '1 like - cook.jo on May 1: "Miso Soup 🍜 Ingredi…"'), body), `${post}embed/captioned/`);
		expect(content.author).toBe('cook.jo');
		expect(content.text).toBe(caption);
		expect(content.image).toBe('https://cdn.example/ig/embed.jpg');
		expect(content.recipe).toMatchObject(recipeLines);
	});

	it('keeps no text, recipe or junk title from the login page', () => {
		const content = readPage(page(meta('og:title', 'Instagram') + meta('og:description', 'Create an account or log in to Instagram.')), post);
		expect(content).toMatchObject({ title: null, text: null, recipe: null, description: null });
	});
});

describe('TikTok', () => {
	const video = 'https://www.tiktok.com/@cook.jo/video/7495684859614594169';

	it('reads itemStruct from the rehydration JSON', () => {
		const state = {
			__DEFAULT_SCOPE__: {
				'webapp.video-detail': {
					itemInfo: { itemStruct: { desc: caption, author: { uniqueId: 'cook.jo', nickname: 'Jo Cooks' }, video: { cover: 'https://cdn.example/tt/cover.jpg' } } }
				}
			}
		};
		const content = readPage(page(meta('og:title', 'cook.jo on TikTok') + jsonScript('__UNIVERSAL_DATA_FOR_REHYDRATION__', state)), video);
		expect(content).toMatchObject({ title: 'Miso Soup', author: 'Jo Cooks', text: caption, image: 'https://cdn.example/tt/cover.jpg' });
		expect(content.recipe).toMatchObject(recipeLines);
	});

	it('reads the older SIGI_STATE shape', () => {
		const state = { ItemModule: { '7495684859614594169': { desc: caption, author: 'cook.jo', nickname: 'Jo Cooks', video: { originCover: 'https://cdn.example/tt/origin.jpg' } } } };
		const content = readPage(page(jsonScript('SIGI_STATE', state)), video);
		expect(content).toMatchObject({ author: 'Jo Cooks', image: 'https://cdn.example/tt/origin.jpg' });
		expect(content.recipe).toMatchObject(recipeLines);
	});
});

describe('YouTube', () => {
	const watch = 'https://www.youtube.com/watch?v=abc';
	const player = {
		videoDetails: {
			title: 'Miso Soup in 5 Minutes #shorts',
			author: 'Jo Cooks',
			// Braces and quotes inside strings must not end the object early.
			shortDescription: `${caption}\n\nQuestions? say "hi }} there`,
			thumbnail: {
				thumbnails: [
					{ url: 'https://i.ytimg.com/vi/abc/default.jpg', width: 120, height: 90 },
					{ url: 'https://i.ytimg.com/vi/abc/maxresdefault.jpg', width: 1280, height: 720 },
					{ url: 'https://i.ytimg.com/vi/abc/hqdefault.jpg', width: 480, height: 360 }
				]
			}
		}
	};
	const script = `<script>var ytInitialPlayerResponse = ${JSON.stringify(player)};var meta = {a: 1};if (x) { y(); }</script>`;

	it('finds ytInitialPlayerResponse in its script and takes the video title and the largest thumbnail', () => {
		const content = readPage(page(meta('og:title', 'Miso Soup in 5 Minutes #shorts'), script), watch);
		expect(content).toMatchObject({ title: 'Miso Soup in 5 Minutes', author: 'Jo Cooks', image: 'https://i.ytimg.com/vi/abc/maxresdefault.jpg' });
		expect(content.text).toContain('Questions? say "hi }} there');
		expect(content.recipe).toMatchObject({ ...recipeLines, title: 'Miso Soup in 5 Minutes' });
	});

	it("puts the page's own og:image first and keeps the thumbnail among the pictures", () => {
		const content = readPage(page(meta('og:image', 'https://i.ytimg.com/vi/abc/hqdefault.jpg'), script), watch);
		expect(content.images).toEqual(['https://i.ytimg.com/vi/abc/hqdefault.jpg', 'https://i.ytimg.com/vi/abc/maxresdefault.jpg']);
	});

	it("lists the player's subtitle tracks, a person's before the automatic ones", () => {
		const tracks = [
			{ baseUrl: '/api/timedtext?v=abc&lang=en&kind=asr', languageCode: 'en', kind: 'asr' },
			{ baseUrl: 'https://www.youtube.com/api/timedtext?v=abc&lang=de', languageCode: 'de' }
		];
		const withTracks = { ...player, captions: { playerCaptionsTracklistRenderer: { captionTracks: tracks } } };
		const content = readPage(page(`<script>var ytInitialPlayerResponse = ${JSON.stringify(withTracks)};</script>`), watch);
		expect(content.media).toEqual({
			videoUrl: null,
			slides: [],
			captionTracks: [
				{ url: 'https://www.youtube.com/api/timedtext?v=abc&lang=de', language: 'de', automatic: false },
				{ url: 'https://www.youtube.com/api/timedtext?v=abc&lang=en&kind=asr', language: 'en', automatic: true }
			]
		});
		expect(readPage(page(script), watch).media).toBeNull();
	});

	it('leaves a structured recipe on the page alone', () => {
		const ld = `<script type="application/ld+json">${JSON.stringify({ '@type': 'Recipe', name: 'Structured Soup', recipeIngredient: ['water'] })}</script>`;
		const out = extractionSummary(readPage(page(ld, script), watch));
		expect(out).toMatchObject({ title: 'Structured Soup', ingredients: ['water'] });
	});
});

describe('Pinterest pins', () => {
	const pin = 'https://www.pinterest.com/pin/4242/';

	it('expose their source from the meta tags', () => {
		expect(readPage(page(meta('og:see_also', 'https://food.example/soup')), pin).followUrl).toBe('https://food.example/soup');
	});

	it("expose their source from the page state, the pin's own link rather than another pin's", () => {
		const state = { props: { initialReduxState: { pins: { '1': { id: '1', link: 'https://other.example/' }, '4242': { id: '4242', link: 'https://food.example/soup' } } } } };
		expect(readPage(page(jsonScript('__PWS_DATA__', state)), pin).followUrl).toBe('https://food.example/soup');
	});

	it('are not followed back into Pinterest', () => {
		expect(readPage(page(meta('pinterestapp:source', 'https://www.pinterest.com/pin/99/')), pin).followUrl).toBeNull();
	});
});

it('an ordinary page is not read as a post', () => {
	const content = readPage(page(meta('og:description', '12 likes - a on May 1: "Ingredients: 2 eggs"')), 'https://blog.example/post');
	expect(content).toMatchObject({ text: null, recipe: null, followUrl: null });
});

describe('the extraction phase', () => {
	let site: Awaited<ReturnType<typeof startHttpServer>>;
	const recipe = `<script type="application/ld+json">${JSON.stringify({ '@type': 'Recipe', name: 'Source Soup', recipeIngredient: ['1 l water'] })}</script>`;
	beforeAll(async () => {
		site = await startHttpServer({
			'/pin/4242/': (req, res) => html(page(meta('og:site_name', 'Pinterest') + meta('pinterestapp:source', `http://${req.headers.host}/soup`)))(req, res),
			// A pin whose source is itself a pin: followed once only.
			'/pin/1/': (req, res) => html(page(meta('og:site_name', 'Pinterest') + meta('og:see_also', `http://${req.headers.host}/pin/2/`)))(req, res),
			'/pin/2/': (req, res) => html(page(meta('og:site_name', 'Pinterest') + meta('og:see_also', `http://${req.headers.host}/soup`)))(req, res),
			'/soup': html(page(recipe))
		});
	});
	afterAll(() => site.close());

	const run = (url: string) =>
		extractLink(url, (u, signal) => safeFetch(u, { signal, maxBytes: 100_000, timeoutMs: 5_000, allowPrivate: true }), new AbortController().signal);

	it("follows a pin to its source and reads the recipe there", async () => {
		const content = await run(`${site.origin}/pin/4242/`);
		expect(content.url).toBe(`${site.origin}/soup`);
		expect(content.recipe).toMatchObject({ title: 'Source Soup', ingredients: ['1 l water'] });
	});

	it('follows one hop only', async () => {
		site.hits.length = 0;
		const content = await run(`${site.origin}/pin/1/`);
		expect(site.hits).toEqual(['/pin/1/', '/pin/2/']);
		expect(content.url).toBe(`${site.origin}/pin/2/`);
	});
});
