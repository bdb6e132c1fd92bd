import { describe, expect, it } from 'vitest';
import { instagramEmbedUrl, postLink } from '../../src/lib/server/pipeline/recipe/extract/social/links';
import { recipeLinkInCaption } from '../../src/lib/server/pipeline/recipe/extract/recipe-link';

describe('post links', () => {
	it.each([
		['https://www.instagram.com/p/DA1b2C3d4E5/?igsh=MWQ1ZGUxMzBkMA==', 'https://www.instagram.com/p/DA1b2C3d4E5/', 'DA1b2C3d4E5'],
		['https://instagram.com/reel/C9xYz_-12ab?utm_source=ig_web_copy_link&utm_medium=share', 'https://www.instagram.com/reel/C9xYz_-12ab/', 'C9xYz_-12ab'],
		['https://www.instagram.com/reels/C9xYz_-12ab/', 'https://www.instagram.com/reel/C9xYz_-12ab/', 'C9xYz_-12ab'],
		['https://www.instagram.com/tv/BkfuX9UB-eK/?hl=de', 'https://www.instagram.com/tv/BkfuX9UB-eK/', 'BkfuX9UB-eK'],
		['https://instagr.am/p/aye83DjauH/', 'https://www.instagram.com/p/aye83DjauH/', 'aye83DjauH'],
		['https://www.instagram.com/cook.jo/p/DA1b2C3d4E5/', 'https://www.instagram.com/p/DA1b2C3d4E5/', 'DA1b2C3d4E5'],
		['https://www.tiktok.com/@cook.jo/video/7495684859614594169?is_from_webapp=1&sender_device=pc', 'https://www.tiktok.com/@cook.jo/video/7495684859614594169', '7495684859614594169'],
		['https://m.tiktok.com/@cook.jo/photo/7495684859614594170?_r=1', 'https://www.tiktok.com/@cook.jo/photo/7495684859614594170', '7495684859614594170'],
		['https://vm.tiktok.com/ZMhvqjqjq/', 'https://vm.tiktok.com/ZMhvqjqjq/', null],
		['https://vt.tiktok.com/ZSabc123?foo=1', 'https://vt.tiktok.com/ZSabc123/', null],
		['https://www.youtube.com/watch?v=dQw4w9WgXcQ&si=abc&t=42', 'https://www.youtube.com/watch?v=dQw4w9WgXcQ', 'dQw4w9WgXcQ'],
		['https://m.youtube.com/watch?v=dQw4w9WgXcQ&feature=share', 'https://www.youtube.com/watch?v=dQw4w9WgXcQ', 'dQw4w9WgXcQ'],
		['https://youtube.com/shorts/aBcDeFgHiJk?si=xyz', 'https://www.youtube.com/shorts/aBcDeFgHiJk', 'aBcDeFgHiJk'],
		['https://youtu.be/dQw4w9WgXcQ?si=abc', 'https://www.youtube.com/watch?v=dQw4w9WgXcQ', 'dQw4w9WgXcQ'],
		['https://www.facebook.com/reel/1234567890123456?fs=e&mibextid=abc', 'https://www.facebook.com/reel/1234567890123456/', '1234567890123456'],
		['https://m.facebook.com/share/r/1AbCdEf2Gh/?mibextid=xyz', 'https://www.facebook.com/share/r/1AbCdEf2Gh/', null],
		['https://www.facebook.com/JoCooks/posts/pfbid02abcDEF?__cft__=x&fbclid=y', 'https://www.facebook.com/JoCooks/posts/pfbid02abcDEF/', 'pfbid02abcDEF'],
		['https://fb.watch/abcDEF12/?mibextid=1', 'https://fb.watch/abcDEF12/', null]
	])('%s → %s', (shared, url, id) => {
		expect(postLink(shared)).toMatchObject({ url, id });
	});

	it('keeps the protocol and port the link was shared with', () => {
		expect(postLink('http://instagram.com:8080/reel/C9xYz/?igsh=1')?.url).toBe('http://www.instagram.com:8080/reel/C9xYz/');
	});

	it.each(['https://www.instagram.com/cook.jo/', 'https://www.tiktok.com/@cook.jo', 'https://www.youtube.com/@JoCooks', 'https://blog.example/p/abc/', 'not a link', 'ftp://www.instagram.com/p/abc/'])(
		'%s is no post',
		(shared) => expect(postLink(shared)).toBeNull()
	);

	it("points an Instagram post's embed page at the post's own origin, reels included", () => {
		expect(instagramEmbedUrl('https://www.instagram.com/reel/C9xYz/?igsh=1')).toBe('https://www.instagram.com/p/C9xYz/embed/captioned/');
		expect(instagramEmbedUrl('http://www.instagram.com:8080/p/abc/')).toBe('http://www.instagram.com:8080/p/abc/embed/captioned/');
		expect(instagramEmbedUrl('https://www.tiktok.com/@a/video/1')).toBeNull();
	});
});

describe('a recipe elsewhere', () => {
	it.each([
		['Best soup ever!\nFull recipe at example.com/miso-soup 🍜', 'https://example.com/miso-soup'],
		['Best soup ever!\nRecipe: https://blog.example/soup/?utm_source=ig.', 'https://blog.example/soup/?utm_source=ig'],
		['Recipe link in bio 👆 www.blog.example/soup', 'https://www.blog.example/soup'],
		['Get the full recipe 👇\nhttps://blog.example/soup', 'https://blog.example/soup']
	])('%j → %s', (caption, link) => {
		expect(recipeLinkInCaption(caption, false)).toBe(link);
	});

	it('is not looked for in a caption that holds the recipe, unless it defers to the link', () => {
		const recipe = 'Miso soup\nRecipe: 1 l dashi, 3 tbsp miso https://blog.example/more';
		expect(recipeLinkInCaption(recipe, true)).toBeNull();
		expect(recipeLinkInCaption(`${recipe}\nFull recipe at blog.example/soup`, true)).toBe('https://blog.example/soup');
	});

	it('ignores links that say nothing of the recipe and links back into the platforms', () => {
		expect(recipeLinkInCaption('My new knife: shop.example/knife', false)).toBeNull();
		expect(recipeLinkInCaption('Recipe on my other post https://www.instagram.com/p/abc/', false)).toBeNull();
		expect(recipeLinkInCaption(null, false)).toBeNull();
	});
});
