import { describe, expect, it } from 'vitest';
import type http from 'node:http';
import { INSTAGRAM_LOGIN_WALL } from '../../src/lib/server/pipeline/recipe/extract';
import { recipePage } from '../helpers/recipe-page';
import { forSuite, startPipelineApp, startSites, type SiteRoute } from '../helpers/pipeline-sites';

/**
 * Shared posts through the whole pipeline (createApp's worker, the safe fetcher): one fixture on
 * 127.0.0.4 plays the platforms' hosts and a recipe blog, by the test's address policy; the pages
 * are the shapes the platforms serve a logged-out fetch (see tests/unit/extract-social-platforms.test.ts).
 */
const PUBLIC = '127.0.0.4';
const HOSTS = ['www.instagram.com', 'instagram.com', 'www.tiktok.com', 'vm.tiktok.com', 'www.youtube.com', 'www.facebook.com', 'blog.example'];

const page = (head: string, body = '') => `<!doctype html><html><head>${head}</head><body>${body}</body></html>`;
const meta = (property: string, content: string) => `<meta property="${property}" content="${content.replace(/"/g, '&quot;')}" />`;
const caption = 'Miso Soup\n\nIngredients:\n- 1 l dashi\n- 3 tbsp miso\n\nMethod:\n1. Warm the dashi.\n2. Stir in the miso.';
const loginWall = page(meta('og:title', 'Instagram') + meta('og:description', 'Create an account or log in to Instagram.'), '<form id="loginForm"></form>');

const sites = forSuite(() => startSites(PUBLIC, HOSTS, routes));
const at = (host: string, path: string) => sites.at(host, path);

const routes: Record<string, SiteRoute> = {
	// A post served as the login wall; its embed page shows the caption (the `.Caption` box).
	'www.instagram.com /p/WallPost/': (res) => send(res, loginWall),
	'www.instagram.com /p/WallPost/embed/captioned/': (res) =>
		send(res, page('', `<div class="Caption"><a class="CaptionUsername">cook.jo</a><br>${caption.split('\n').join('<br>')}</div><img class="EmbeddedMediaImage" src="${at('www.instagram.com', '/media/wall.jpg')}">`)),
	// Login wall everywhere: the post redirects to the login page and the embed page is gone.
	'www.instagram.com /p/Nothing/': (res) => res.writeHead(302, { location: at('www.instagram.com', '/accounts/login/?next=/p/Nothing/') }).end(),
	'www.instagram.com /accounts/login/': (res) => send(res, loginWall),
	// A reel whose caption defers to the blog.
	'www.instagram.com /reel/LinkPost/': (res) =>
		send(res, page(meta('og:description', `12 likes - cook.jo on May 1, 2025: "Cosy miso soup 🍜\nFull recipe at ${at('blog.example', '/miso-soup')}"`) + meta('og:image', at('www.instagram.com', '/media/reel.jpg')))),
	'blog.example /miso-soup': (res) => send(res, recipePage('Blog Miso Soup')),
	// A short link: the redirect to the video page.
	'vm.tiktok.com /ZMshort/': (res) => res.writeHead(301, { location: at('www.tiktok.com', '/@cook.jo/video/7495684859614594169?_r=1') }).end(),
	'www.tiktok.com /@cook.jo/video/7495684859614594169': (res) =>
		send(
			res,
			page(
				'',
				`<script id="__UNIVERSAL_DATA_FOR_REHYDRATION__" type="application/json">${JSON.stringify({
					__DEFAULT_SCOPE__: { 'webapp.video-detail': { itemInfo: { itemStruct: { desc: caption.replace('Miso Soup', 'TikTok Miso Soup'), author: { uniqueId: 'cook.jo' }, video: { playAddr: at('www.tiktok.com', '/v.mp4') } } } } }
				})}</script>`
			)
		)
};

function send(res: http.ServerResponse, body: string) {
	res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(body);
}

const pipeline = forSuite(() => startPipelineApp(sites.policy));

describe('shared posts through the pipeline', () => {
	it("an Instagram post served as the login wall is read from its embed page, shared with tracking parameters", async () => {
		const item = await pipeline.share(at('instagram.com', '/p/WallPost/?igsh=MWQ1ZGUxMzBkMA==&utm_source=ig_web_copy_link'));
		expect(item).toMatchObject({ status: 'success', results: { title: 'Miso Soup', image: at('www.instagram.com', '/media/wall.jpg'), sourceUrl: at('www.instagram.com', '/p/WallPost/') } });
		expect(sites.hits).toContain('www.instagram.com /p/WallPost/embed/captioned/');
	});

	it('a vm.tiktok.com short link is followed to the video', async () => {
		const item = await pipeline.share(at('vm.tiktok.com', '/ZMshort'));
		expect(item).toMatchObject({ status: 'success', results: { title: 'TikTok Miso Soup', sourceUrl: at('www.tiktok.com', '/@cook.jo/video/7495684859614594169') } });
		expect(sites.hits).toEqual(expect.arrayContaining(['vm.tiktok.com /ZMshort/', 'www.tiktok.com /@cook.jo/video/7495684859614594169']));
	});

	it("a reel whose caption points at the recipe saves the linked page's recipe with the post's picture, the post its source", async () => {
		const item = await pipeline.share(at('www.instagram.com', '/reel/LinkPost/'));
		expect(item).toMatchObject({ status: 'success', results: { title: 'Blog Miso Soup', image: at('www.instagram.com', '/media/reel.jpg'), sourceUrl: at('www.instagram.com', '/reel/LinkPost/') } });
		expect(sites.hits).toContain('blog.example /miso-soup');
	});

	it('a post that shows only the login wall fails with what to do', async () => {
		const item = await pipeline.share(at('www.instagram.com', '/p/Nothing/'));
		expect(item).toMatchObject({ status: 'error', error: { kind: 'permanent', code: 'instagram_login_wall', message: INSTAGRAM_LOGIN_WALL } });
		expect(sites.hits).toContain('www.instagram.com /p/Nothing/embed/captioned/');
	});
});
