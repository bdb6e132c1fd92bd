import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { BOT_WALL_HINT } from '../../src/lib/server/pipeline/recipe/extract';
import { enqueueShare } from '../../src/lib/server/shares/enqueue';
import type { EnqueueRequest, ItemDetail } from '../../src/lib/contract/queue';
import type { RecipeDraft } from '../../src/lib/contract/recipe';
import { getRecipe, toDetail } from '../../src/lib/server/recipes/library';
import { startOpenAiServer, userTextOf } from '../helpers/openai-server';
import { ingredient } from '../helpers/recipe';
import { recipePage } from '../helpers/recipe-page';
import { itemEnded } from '../helpers/item-end';
import { forSuite, startPipelineApp, startSites, type SiteRoute } from '../helpers/pipeline-sites';

/**
 * What people send instead of a link the server can fetch, through the whole pipeline: the page's
 * HTML from their own browser (the site itself is never asked), a recipe's text without any link,
 * and a site that refuses servers, whose failure says how to get past it.
 */
const PUBLIC = '127.0.0.5';
const HOSTS = ['walled.example', 'busy.example'];

const routes: Record<string, SiteRoute> = {
	'walled.example /pie': (res) => res.writeHead(403, { 'content-type': 'text/html' }).end('<h1>Access denied</h1>'),
	'walled.example /tart': (res) => res.writeHead(403, { 'content-type': 'text/html' }).end('<h1>Access denied</h1>'),
	'busy.example /stew': (res) => res.writeHead(429, { 'content-type': 'text/html', 'retry-after': '0' }).end('slow down'),
};

const sites = forSuite(() => startSites(PUBLIC, HOSTS, routes));
const pipeline = forSuite(() => startPipelineApp(sites.policy));

async function share(request: EnqueueRequest): Promise<ItemDetail> {
	const result = await enqueueShare(pipeline.app, pipeline.userId, request);
	if (result.kind === 'saved') throw new Error('already saved');
	return itemEnded(pipeline.app, pipeline.userId, result.item.id);
}

const sharedFileCount = async () => (await pipeline.app.database.rows<{ n: number }>(sql`select count(*)::int as n from shared_files`))[0]!.n;

describe('page HTML sent with the link', () => {
	it('is read instead of fetching: the site, which refuses servers, is never asked for the page', async () => {
		const url = sites.at('walled.example', '/pie');
		const item = await share({ url, html: recipePage('Walled Garden Pie') });
		expect(item).toMatchObject({ status: 'success', kind: 'link', url, label: url, results: { title: 'Walled Garden Pie', sourceUrl: url } });
		expect(sites.hits).not.toContain('walled.example /pie');
	});

	it('a second share of the same link with HTML is the saved recipe, and keeps no file', async () => {
		const before = await sharedFileCount();
		const result = await enqueueShare(pipeline.app, pipeline.userId, { url: sites.at('walled.example', '/pie'), html: recipePage('Walled Garden Pie') });
		expect(result.kind).toBe('saved');
		expect(await sharedFileCount()).toBe(before);
	});

	it('a failed one retries like any item, still without asking the site', async () => {
		const url = sites.at('walled.example', '/pie-without-recipe');
		const failed = await share({ url, html: '<html><head><title>Just a blog post</title></head><body><p>We went to the sea.</p></body></html>' });
		expect(failed).toMatchObject({ status: 'error', error: { code: 'no_recipe' } });
		expect((await pipeline.app.items.retry(pipeline.userId, failed.id)).kind).toBe('ok');
		const again = await itemEnded(pipeline.app, pipeline.userId, failed.id);
		expect(again).toMatchObject({ status: 'error', error: { code: 'no_recipe' } });
		// Parsing failed, so the retry resumes there, from what was read of the HTML.
		expect(again.attempts.map((a) => a.phase)).toEqual(['extraction', 'parsing', 'parsing']);
		expect(sites.hits).not.toContain('walled.example /pie-without-recipe');
	});
});

describe('a site that refuses servers', () => {
	it('a 403 fails saying that the bookmarklet or the Shortcut gets past it', async () => {
		const item = await share({ url: sites.at('walled.example', '/tart') });
		expect(item.status).toBe('error');
		expect(item.error).toMatchObject({ kind: 'permanent', code: 'http_403' });
		expect(item.error!.message).toContain('refused access');
		expect(item.error!.message).toContain(BOT_WALL_HINT);
		expect(sites.hits).toContain('walled.example /tart');
	});

	it('a 429 stays retryable, and its failure says the same', async () => {
		const item = await share({ url: sites.at('busy.example', '/stew') });
		expect(item.status).toBe('dead');
		expect(item.error).toMatchObject({ kind: 'retryable', code: 'http_429' });
		expect(item.error!.message).toContain(BOT_WALL_HINT);
	});
});

describe('a recipe shared as text, without a link', () => {
	const text = 'Quick Tomato Soup\n\nIngredients:\n- 4 ripe tomatoes\n- 1 onion, chopped\n- 2 cups stock\n\nMethod:\n1. Soften the onion.\n2. Add the tomatoes and stock and simmer for 20 minutes.';

	it('becomes a recipe read from the text, with nothing fetched and no link', async () => {
		const hits = sites.hits.length;
		const item = await share({ text });
		expect(item).toMatchObject({ status: 'success', kind: 'text', url: null, label: 'Quick Tomato Soup', results: { title: 'Quick Tomato Soup', sourceUrl: null } });
		expect(sites.hits.length).toBe(hits);
		const recipeId = (item.results as { recipeId: string }).recipeId;
		const recipe = await pipeline.app.database.rows<{ source_url: string | null; data: { ingredientGroups: { ingredients: { text: string }[] }[] } }>(
			sql`select source_url, data from recipes where id = ${recipeId}`
		);
		expect(recipe[0]!.source_url).toBeNull();
		expect(recipe[0]!.data.ingredientGroups.flatMap((g) => g.ingredients.map((i) => i.text))).toEqual(['4 ripe tomatoes', '1 onion, chopped', '2 cups stock']);
	});

	it('the same text again (other spaces and line ends) answers "already saved"', async () => {
		const result = await enqueueShare(pipeline.app, pipeline.userId, { text: `  ${text.replace(/\n/g, '\r\n  ')}\n\n` });
		expect(result.kind).toBe('saved');
	});

	it('a text without a recipe fails saying so', async () => {
		const item = await share({ text: 'See you at seven, bring the wine!' });
		expect(item).toMatchObject({ status: 'error', error: { code: 'no_recipe', message: 'no recipe found in the text you shared' } });
	});
});

describe('a recipe shared as text, with a chat model', () => {
	const note = 'from mum, dont lose this!!\nbanana bread: mash 3 bananas, stir in 75 g melted butter and 150 g sugar, then 190 g flour. bake 1 hour at 175';
	const draft: RecipeDraft = {
		title: 'Banana bread',
		description: null,
		yields: null,
		servings: null,
		prepMinutes: null,
		cookMinutes: null,
		totalMinutes: 60,
		ingredientGroups: [{ name: null, ingredients: [ingredient('3 bananas', { quantity: 3, name: 'bananas' }), ingredient('190 g flour', { quantity: 190, unit: 'gram', name: 'flour' })] }],
		stepGroups: [{ name: null, steps: ['Mash the bananas.', 'Bake for 1 hour at 175 °C.'] }],
		tags: []
	};

	it('is read by the model from the text alone: no source line, nothing fetched', async () => {
		const chat = await startOpenAiServer();
		const withModel = await startPipelineApp(sites.policy, { LLM_API_BASE_URL: chat.baseUrl, LLM_MODEL: chat.model });
		try {
			chat.reply({ json: draft });
			const hits = sites.hits.length;
			const result = await enqueueShare(withModel.app, withModel.userId, { text: note });
			if (result.kind === 'saved') throw new Error('already saved');
			const item = await itemEnded(withModel.app, withModel.userId, result.item.id);
			expect(item).toMatchObject({ status: 'success', kind: 'text', label: 'from mum, dont lose this!!', results: { title: 'Banana bread', sourceUrl: null } });
			expect(chat.requests).toHaveLength(1);
			const asked = userTextOf(chat.requests[0]!);
			expect(asked).toContain(note);
			expect(asked).not.toContain('Source:');
			const detail = toDetail((await getRecipe(withModel.app.database, withModel.userId, item.results!.recipeId as string))!);
			expect(detail.recipe).toMatchObject({ title: 'Banana bread', parsedBy: 'llm', sourceUrl: null });
			expect(sites.hits.length).toBe(hits);
		} finally {
			await withModel.close();
			await chat.close();
		}
	});
});
