import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createApp, type App } from '../../src/lib/server/app';
import { parseConfig } from '../../src/lib/server/config';
import { signUp } from '../../src/lib/server/auth/users';
import { channels } from '../../src/lib/server/queue/channels';
import { enqueueShare } from '../../src/lib/server/shares/enqueue';
import { allIngredients, type Recipe } from '../../src/lib/contract/recipe';
import { RecipePatch, type RecipePatchInput } from '../../src/lib/contract/recipe-edit';
import { recipes, users } from '../../src/lib/server/db/schema';
import { editRecipe } from '../../src/lib/server/recipes/edit';
import { getRecipe, listRecipes, recipeOf } from '../../src/lib/server/recipes/library';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { addRecipe, aliceAndBob } from '../helpers/library';
import { waitUntil } from '../helpers/deferred';
import { html, startHttpServer } from '../helpers/http-server';
import { testLogger } from '../helpers/logger';
import { ingredient } from '../helpers/recipe';
import { serverStorage, type ServerStorage } from '../helpers/server';

let db: TestDatabase;
let alice: string;
let bob: string;

const add = async (userId: string, overrides: Partial<Recipe> = {}, data?: unknown) => (await addRecipe(db.database, userId, overrides, data)).id;

/** Edits as PATCH does: the body through its schema first. */
async function edit(userId: string, id: string, body: RecipePatchInput) {
	return editRecipe(db.database, userId, id, RecipePatch.parse(body));
}

async function stored(id: string): Promise<Recipe> {
	const [row] = await db.database.db.select().from(recipes).where(eq(recipes.id, id));
	return recipeOf({ ...row!, pictureVersion: null })!;
}

describe('editing a saved recipe', () => {
	beforeEach(async () => {
		db = await createTestDatabase();
		[alice, bob] = await aliceAndBob(db.database);
	});
	afterEach(() => db.close());

	it('changes what the patch names and leaves the rest; the listed and searched columns follow', async () => {
		const id = await add(alice, { title: 'Pancakes', tags: ['breakfast'] });
		const before = await stored(id);
		const outcome = await edit(alice, id, { title: '  Sunday Crêpes ', servings: 6, cookMinutes: null });
		expect(outcome.ok).toBe(true);
		const after = await stored(id);
		expect(after).toEqual({ ...before, title: 'Sunday Crêpes', servings: 6, cookMinutes: null });
		const row = (await getRecipe(db.database, alice, id))!;
		expect(row.title).toBe('Sunday Crêpes');
		expect(row.updatedAt.getTime()).toBeGreaterThanOrEqual(row.createdAt.getTime());
		expect((await listRecipes(db.database, alice, { q: 'crêpes', limit: 10 })).rows.map((r) => r.id)).toEqual([id]);
		expect((await listRecipes(db.database, alice, { q: 'pancakes', limit: 10 })).rows).toEqual([]);
	});

	it('an emptied text is none; tags are trimmed and kept once whatever their case; empty sections are dropped', async () => {
		const id = await add(alice, { description: 'Fluffy.', yields: '4 servings' });
		await edit(alice, id, {
			description: '',
			yields: '  ',
			tags: [' Dinner', 'dinner', 'Quick '],
			ingredientGroups: [{ name: 'Unused', lines: [] }, { name: '', lines: ['1 egg'] }],
			stepGroups: [{ name: null, steps: [] }, { name: ' Bake ', steps: ['Bake it.'] }]
		});
		const after = await stored(id);
		expect(after).toMatchObject({ description: null, yields: null, tags: ['Dinner', 'Quick'] });
		expect(after.ingredientGroups.map((g) => [g.name, g.ingredients.map((i) => i.text)])).toEqual([[null, ['1 egg']]]);
		expect(after.stepGroups).toEqual([{ name: 'Bake', steps: ['Bake it.'] }]);
		expect((await getRecipe(db.database, alice, id))!.description).toBeNull();
	});

	it('reads a new or changed line again; a line as saved keeps its reading, wherever it moves', async () => {
		// A language model's reading, which the rules would read differently ("pinch" as its unit).
		const modelRead = ingredient('A pinch of saffron threads', { quantity: 1, unit: 'pinch', name: 'saffron', comment: 'threads' });
		const id = await add(alice, {
			parsedBy: 'llm',
			ingredientGroups: [{ name: null, ingredients: [modelRead, ingredient('2 cups flour', { quantity: 2, unit: 'cup', name: 'flour' })] }]
		});
		await edit(alice, id, {
			ingredientGroups: [
				{ name: 'Dough', lines: ['3 cups flour, sifted', '250 ml milk'] },
				{ name: 'To finish', lines: ['A pinch of saffron threads'] }
			]
		});
		const groups = (await stored(id)).ingredientGroups;
		expect(groups.map((g) => g.name)).toEqual(['Dough', 'To finish']);
		expect(groups[0]!.ingredients).toEqual([
			ingredient('3 cups flour, sifted', { quantity: 3, unit: 'cup', name: 'flour', comment: 'sifted' }),
			ingredient('250 ml milk', { quantity: 250, unit: 'milliliter', name: 'milk' })
		]);
		expect(groups[1]!.ingredients).toEqual([modelRead]);
	});

	it('only the owner edits, only a recipe that is there, and only one in the current model', async () => {
		const id = await add(alice);
		expect(await edit(bob, id, { title: 'Mine now' })).toEqual({ ok: false, reason: 'missing' });
		expect(await edit(alice, 'not-an-id', { title: 'x' })).toEqual({ ok: false, reason: 'missing' });
		expect((await stored(id)).title).toBe('Pancakes');
		const legacy = await add(alice, { title: 'Legacy' }, { title: 'Legacy', ingredients: ['1 egg'] });
		expect(await edit(alice, legacy, { title: 'New' })).toEqual({ ok: false, reason: 'outdated' });
	});

	it('two edits at once each apply to what the other saved', async () => {
		const id = await add(alice);
		await Promise.all([edit(alice, id, { title: 'Both' }), edit(alice, id, { servings: 12 }), edit(alice, id, { tags: ['x'] })]);
		expect(await stored(id)).toMatchObject({ title: 'Both', servings: 12, tags: ['x'] });
	});

	it('the patch schema refuses what the model cannot hold, naming the field', () => {
		const issue = (body: unknown) => {
			const parsed = RecipePatch.safeParse(body);
			return parsed.success ? null : parsed.error.issues[0]!.path.join('.');
		};
		expect(issue({ title: '   ' })).toBe('title');
		expect(issue({ servings: 0 })).toBe('servings');
		expect(issue({ prepMinutes: 2.5 })).toBe('prepMinutes');
		expect(issue({ ingredientGroups: [{ name: null, lines: ['ok', ' '] }] })).toBe('ingredientGroups.0.lines.1');
		expect(issue({ ingredientGroups: [{ name: null, lines: ['x'.repeat(501)] }] })).toBe('ingredientGroups.0.lines.0');
		expect(issue({ image: 'https://evil.example/x.png' })).toBe('');
		expect(issue({ title: 'Fine', tags: ['a'] })).toBeNull();
	});
});

describe('review marks: set by an import, cleared by an edit', () => {
	let storage: ServerStorage;
	let app: App;
	let site: Awaited<ReturnType<typeof startHttpServer>>;
	let userId: string;

	const page = JSON.stringify({
		'@context': 'https://schema.org',
		'@type': 'Recipe',
		name: 'Sweet Tea',
		recipeIngredient: ['1 l water', '1 dstspn sugar', '2 tsp', '4 bags black tea'],
		recipeInstructions: ['Boil the water.', 'Steep the tea.']
	});

	beforeAll(async () => {
		site = await startHttpServer({ '/tea': html(`<html><head><script type="application/ld+json">${page}</script></head><body></body></html>`) });
		storage = await serverStorage();
		app = await createApp({ config: parseConfig({ ...storage.env, LOG_LEVEL: 'silent', QUEUE_POLL_MS: '100', FETCH_ALLOW_PRIVATE: 'true' }), log: testLogger });
		userId = (await signUp(app.database, 'alice', 'correct horse battery staple', 'first-only')).id;
	});
	afterAll(async () => {
		await app?.shutdown();
		await storage?.cleanup();
		await site?.close();
	});

	it('marks the lines the import was unsure of; an edit clears the lines changed or checked, and only those', async () => {
		const shared = await enqueueShare(app, userId, { url: `${site.origin}/tea` });
		if (shared.kind === 'saved') throw new Error('a first share cannot be already saved');
		const { item } = shared;
		const done = await waitUntil(
			async () => {
				const now = await app.items.get(userId, item.id);
				return now && now.status !== 'pending' && now.status !== 'in_progress' ? now : null;
			},
			(onChange) => app.database.listen(channels.itemEvents, onChange),
			15_000,
			'the import to finish'
		);
		expect(done.status).toBe('success');
		const recipeId = (done.results as { recipeId: string }).recipeId;
		const marks = async () => allIngredients(recipeOf((await getRecipe(app.database, userId, recipeId))!)!).map((i) => [i.text, i.review ?? []]);
		expect(await marks()).toEqual([
			['1 l water', []],
			['1 dstspn sugar', ['unit']],
			['2 tsp', ['food']],
			['4 bags black tea', []]
		]);

		// The sugar line is rewritten; "2 tsp" is left as it is: it keeps its mark.
		const lines = ['1 l water', '1 tbsp sugar', '2 tsp', '4 bags black tea'];
		expect(await editRecipe(app.database, userId, recipeId, RecipePatch.parse({ ingredientGroups: [{ name: null, lines }] }))).toMatchObject({ ok: true });
		expect(await marks()).toEqual([
			['1 l water', []],
			['1 tbsp sugar', []],
			['2 tsp', ['food']],
			['4 bags black tea', []]
		]);

		// Checked and left as it is: the mark goes, the line stays.
		const checked = ['1 l water', '1 tbsp sugar', { text: '2 tsp', reviewed: true }, '4 bags black tea'];
		await editRecipe(app.database, userId, recipeId, RecipePatch.parse({ ingredientGroups: [{ name: null, lines: checked }] }));
		expect(await marks()).toEqual(lines.map((l) => [l, []]));
	});
});
