import { describe, expect, it } from 'vitest';
import { readPage } from '../../src/lib/server/pipeline/recipe/extract/read-page';

/**
 * Post pages in the shapes the platforms serve a logged-out fetch, modelled on what yt-dlp's
 * extractors read (yt_dlp/extractor/instagram.py: `shortcode_media` with `edge_media_to_caption`,
 * `edge_sidecar_to_children`, `display_url`, `video_url`; tiktok.py: `itemStruct.video.playAddr`,
 * `bitrateInfo[].PlayAddr.UrlList`, `imagePost.images[].imageURL.urlList`; youtube: the player
 * bar's `multiMarkersPlayerBarRenderer` chapters; facebook.py: `message.text`, `playable_url`).
 */
const page = (head: string, body = '') => `<!doctype html><html><head>${head}</head><body>${body}</body></html>`;
const meta = (property: string, content: string) => `<meta property="${property}" content="${content.replace(/"/g, '&quot;')}" />`;
const jsonScript = (id: string, data: unknown) => `<script id="${id}" type="application/json">${JSON.stringify(data)}</script>`;

const caption = 'Miso Soup\n\nIngredients:\n- 1 l dashi\n- 3 tbsp miso\n\nMethod:\n1. Warm the dashi.\n2. Stir in the miso.';
const recipeLines = { ingredients: ['1 l dashi', '3 tbsp miso'], instructions: ['Warm the dashi.', 'Stir in the miso.'] };

/** The embed page's ServerJS payload: the post as a JSON string (`contextJSON`) inside the script's JSON. */
const embedScript = (media: unknown) =>
	`<script>requireLazy(["ServerJS"],function(ServerJS){(new ServerJS()).handle(${JSON.stringify({
		require: [['PolarisEmbedSimple', 'init', [], [{ contextJSON: JSON.stringify({ context: { type: 'media' }, gql_data: { shortcode_media: media } }) }]]]
	})});});</script>`;

describe('Instagram embed pages', () => {
	const embed = 'https://www.instagram.com/p/C1arousel/embed/captioned/';

	it('read a carousel: the caption, its author and every picture, the cover first', () => {
		const media = {
			__typename: 'GraphSidecar',
			display_url: 'https://cdn.example/ig/1.jpg',
			owner: { username: 'cook.jo' },
			edge_media_to_caption: { edges: [{ node: { text: caption } }] },
			edge_sidecar_to_children: {
				edges: [{ node: { display_url: 'https://cdn.example/ig/1.jpg' } }, { node: { display_url: 'https://cdn.example/ig/2.jpg' } }, { node: { display_url: 'https://cdn.example/ig/3.jpg' } }]
			}
		};
		const content = readPage(page('', `<div class="EmbedSidecar"></div>${embedScript(media)}`), embed);
		expect(content).toMatchObject({ author: 'cook.jo', text: caption, image: 'https://cdn.example/ig/1.jpg', isPost: true });
		expect(content.recipe).toMatchObject(recipeLines);
		expect(content.media).toEqual({ videoUrl: null, captionTracks: [], slides: ['https://cdn.example/ig/1.jpg', 'https://cdn.example/ig/2.jpg', 'https://cdn.example/ig/3.jpg'] });
	});

	it('read a single photo as the post\'s one slide, so a recipe card with a caption that is not the recipe can be read', () => {
		const media = { __typename: 'GraphImage', is_video: false, display_url: 'https://cdn.example/ig/card.jpg', owner: { username: 'cook.jo' }, edge_media_to_caption: { edges: [{ node: { text: 'Recipe in the picture! Save it for later' } }] } };
		const content = readPage(page('', embedScript(media)), 'https://www.instagram.com/p/C1ard/embed/captioned/');
		expect(content.media).toEqual({ videoUrl: null, captionTracks: [], slides: ['https://cdn.example/ig/card.jpg'] });
		expect(content).toMatchObject({ image: 'https://cdn.example/ig/card.jpg', text: 'Recipe in the picture! Save it for later', recipe: null });
	});

	it("read a reel's video address from the additional data", () => {
		const media = { is_video: true, video_url: 'https://cdn.example/ig/reel.mp4', display_url: 'https://cdn.example/ig/cover.jpg', owner: { username: 'cook.jo' }, edge_media_to_caption: { edges: [] } };
		const script = `<script>window.__additionalDataLoaded('/p/C9reel/',${JSON.stringify({ graphql: { shortcode_media: media } })});</script>`;
		const content = readPage(page('', script), 'https://www.instagram.com/p/C9reel/embed/captioned/');
		expect(content.media).toEqual({ videoUrl: 'https://cdn.example/ig/reel.mp4', captionTracks: [], slides: [] });
		expect(content).toMatchObject({ image: 'https://cdn.example/ig/cover.jpg', author: 'cook.jo', text: null, recipe: null });
	});

	it('leave the login wall empty: no caption, no media', () => {
		const login = page(meta('og:title', 'Instagram') + meta('og:description', 'Create an account or log in to Instagram - Share what you are into with the people who get you.'), '<form id="loginForm"></form>');
		const content = readPage(login, 'https://www.instagram.com/accounts/login/');
		expect(content).toMatchObject({ text: null, recipe: null, media: null });
	});
});

describe('TikTok', () => {
	const state = (item: unknown) => jsonScript('__UNIVERSAL_DATA_FOR_REHYDRATION__', { __DEFAULT_SCOPE__: { 'webapp.video-detail': { itemInfo: { itemStruct: item } } } });

	it("reads a video's address: playAddr, else the first bitrate rendition", () => {
		const video = { desc: caption, author: { uniqueId: 'cook.jo' }, video: { cover: 'https://cdn.example/tt/cover.jpg', playAddr: 'https://v16.example/tt/play.mp4' } };
		expect(readPage(page(state(video)), 'https://www.tiktok.com/@cook.jo/video/1').media).toEqual({ videoUrl: 'https://v16.example/tt/play.mp4', captionTracks: [], slides: [] });
		const rendition = { ...video, video: { cover: 'https://cdn.example/tt/cover.jpg', bitrateInfo: [{ PlayAddr: { UrlList: ['https://v16.example/tt/720.mp4'] } }] } };
		expect(readPage(page(state(rendition)), 'https://www.tiktok.com/@cook.jo/video/1').media?.videoUrl).toBe('https://v16.example/tt/720.mp4');
	});

	it("reads a photo post's pictures as slides, the cover first, and its caption's recipe", () => {
		const photo = {
			desc: caption,
			author: { uniqueId: 'cook.jo', nickname: 'Jo Cooks' },
			imagePost: {
				cover: { imageURL: { urlList: ['https://cdn.example/tt/p0.jpg'] } },
				images: [{ imageURL: { urlList: ['https://cdn.example/tt/p1.jpg', 'https://cdn.example/tt/p1-alt.jpg'] } }, { imageURL: { urlList: ['https://cdn.example/tt/p2.jpg'] } }]
			}
		};
		const content = readPage(page(state(photo)), 'https://www.tiktok.com/@cook.jo/photo/2');
		expect(content.media).toEqual({ videoUrl: null, captionTracks: [], slides: ['https://cdn.example/tt/p0.jpg', 'https://cdn.example/tt/p1.jpg', 'https://cdn.example/tt/p2.jpg'] });
		expect(content).toMatchObject({ image: 'https://cdn.example/tt/p0.jpg', author: 'Jo Cooks' });
		expect(content.recipe).toMatchObject(recipeLines);
	});
});

describe('YouTube Shorts with chapters', () => {
	const description = 'Miso Soup\n\nIngredients:\n- 1 l dashi\n- 3 tbsp miso';
	const player = { videoDetails: { title: 'Miso Soup #shorts', author: 'Jo Cooks', shortDescription: description } };
	const chapter = (title: string, ms: number) => ({ chapterRenderer: { title: { simpleText: title }, timeRangeStartMillis: ms } });
	const initialData = {
		playerOverlays: {
			playerOverlayRenderer: {
				decoratedPlayerBarRenderer: {
					decoratedPlayerBarRenderer: {
						playerBar: { multiMarkersPlayerBarRenderer: { markersMap: [{ key: 'DESCRIPTION_CHAPTERS', value: { chapters: [chapter('Intro', 0), chapter('Warm the dashi', 5000), chapter('Stir in the miso', 20000), chapter('Taste test', 40000)] } }] } }
					}
				}
			}
		}
	};
	const scripts = `<script>var ytInitialPlayerResponse = ${JSON.stringify(player)};</script><script>var ytInitialData = ${JSON.stringify(initialData)};</script>`;

	it("makes the chapters the steps a description without a method lacks, without the opening and closing", () => {
		const content = readPage(page('', scripts), 'https://www.youtube.com/shorts/aBcDeFgHiJk');
		expect(content.recipe).toMatchObject({ title: 'Miso Soup', ingredients: recipeLines.ingredients, instructions: ['Warm the dashi', 'Stir in the miso'] });
	});

	it("reads the description's own timestamps when the page has no markers", () => {
		const withTimes = { videoDetails: { ...player.videoDetails, shortDescription: `${description}\n\n0:00 Intro\n0:05 Warm the dashi\n0:20 - Stir in the miso` } };
		const content = readPage(page('', `<script>var ytInitialPlayerResponse = ${JSON.stringify(withTimes)};</script>`), 'https://www.youtube.com/watch?v=aBcDeFgHiJk');
		expect(content.recipe?.instructions).toEqual(['Warm the dashi', 'Stir in the miso']);
	});

	it('drops only whole opening and closing titles: "Start the broth" is a step', () => {
		const withTimes = { videoDetails: { ...player.videoDetails, shortDescription: `${description}\n\n0:00 Start\n0:05 Start the broth\n0:20 Stir in the miso\n0:40 The final result!` } };
		const content = readPage(page('', `<script>var ytInitialPlayerResponse = ${JSON.stringify(withTimes)};</script>`), 'https://www.youtube.com/watch?v=aBcDeFgHiJk');
		expect(content.recipe?.instructions).toEqual(['Start the broth', 'Stir in the miso']);
	});

	it('keeps the steps a description writes out', () => {
		const full = { videoDetails: { ...player.videoDetails, shortDescription: caption } };
		const content = readPage(page('', `<script>var ytInitialPlayerResponse = ${JSON.stringify(full)};</script><script>var ytInitialData = ${JSON.stringify(initialData)};</script>`), 'https://www.youtube.com/shorts/x1');
		expect(content.recipe?.instructions).toEqual(recipeLines.instructions);
	});
});

describe('Facebook reels and posts', () => {
	it("read the post's words and video from the page data, the author from its owner", () => {
		const data = { require: [['ScheduledServerJS', 'handle', null, [{ __bbox: { result: { data: { video: { story: { message: { text: caption } }, owner: { name: 'Jo Cooks' }, playable_url: 'https://video.example/fb/sd.mp4', playable_url_quality_hd: 'https://video.example/fb/hd.mp4' } } } } }]]] };
		const html = page(meta('og:title', 'Jo Cooks | Miso Soup') + meta('og:image', 'https://scontent.example/fb/cover.jpg'), `<script type="application/json" data-sjs>${JSON.stringify(data)}</script>`);
		const content = readPage(html, 'https://www.facebook.com/reel/1234567890123456/');
		expect(content).toMatchObject({ author: 'Jo Cooks', text: caption, image: 'https://scontent.example/fb/cover.jpg' });
		expect(content.media?.videoUrl).toBe('https://video.example/fb/hd.mp4');
		expect(content.recipe).toMatchObject(recipeLines);
	});

	it('fall back to og:description', () => {
		const content = readPage(page(meta('og:description', caption)), 'https://www.facebook.com/JoCooks/posts/pfbid02abc/');
		expect(content.text).toBe(caption);
		expect(content.media).toBeNull();
	});
});
