import { sql } from 'drizzle-orm';
import type { Database } from '../db/client';

export interface RecipeToSave {
	userId: string;
	itemId: string;
	/** The recipe this item refreshes (Import again). When it is gone, the item's links decide. */
	recipeId?: string | null;
	/** The dedupe keys of the links that led to it (links.ts sourceKeys), the shared link's first. */
	keys: readonly string[];
	title: string;
	sourceUrl: string | null;
	imageUrl: string | null;
	description: string | null;
	data: unknown;
}

/** Another save took one of the keys between our read and our insert: start over and update theirs. */
class KeyTaken extends Error {}

/**
 * Saves the recipe of a queue item into the user's library, one recipe per dish. It updates, in
 * place and under the same id (so its copies in Tandoor or Mealie are updated too), the first of:
 * the recipe this item refreshes (Import again); the one this item saved before (a retry after a
 * crash); the one owning the earliest of its keys (a twin link). Otherwise it adds a recipe. Keys
 * not yet owned are recorded for it; a key already owned by another recipe stays with that one.
 *
 * Two twins saved at once both see no recipe and both insert one, but `recipe_sources` is unique
 * per user and key: the later insert of a shared key waits for the other transaction, finds the
 * key taken, rolls back and starts over, and then updates the winner's recipe. Keys are inserted
 * in sorted order, so two saves never wait on each other crosswise.
 */
export async function saveRecipe(database: Database, recipe: RecipeToSave): Promise<{ id: string; created: boolean }> {
	const unique = [...new Set(recipe.keys)];
	const keys = JSON.stringify(unique);
	for (let pass = 0; pass < 3; pass++) {
		try {
			return await database.transaction(async (rows) => {
				const [found] = await rows<{ id: string }>(sql`
					select id from (
						select id, 0 as rank from recipes where id = ${recipe.recipeId ?? null}::uuid and user_id = ${recipe.userId}
						union all
						select id, 1 from recipes where item_id = ${recipe.itemId}::uuid and user_id = ${recipe.userId}
						union all
						select s.recipe_id, 1 + k.n from recipe_sources s
						join jsonb_array_elements_text(${keys}::jsonb) with ordinality as k(key, n) on k.key = s.key
						where s.user_id = ${recipe.userId}
					) found order by rank limit 1`);
				const fields = sql`${recipe.title}, ${recipe.sourceUrl}, ${recipe.imageUrl}, ${recipe.description}, ${JSON.stringify(recipe.data)}::jsonb`;
				const [saved] = found
					? await rows<{ id: string }>(sql`
						-- A recipe deleted (and not yet purged) comes back when its dish is saved again.
						update recipes set (title, source_url, image_url, description, data, item_id, updated_at, deleted_at) = (${fields}, ${recipe.itemId}::uuid, now(), null)
						where id = ${found.id} returning id`)
					: await rows<{ id: string }>(sql`
						insert into recipes (user_id, item_id, title, source_url, image_url, description, data)
						values (${recipe.userId}, ${recipe.itemId}::uuid, ${fields}) returning id`);
				if (!saved) throw new Error('recipe was not saved');
				const added = await rows<{ key: string }>(sql`
					insert into recipe_sources (user_id, key, recipe_id)
					select ${recipe.userId}, k.key, ${saved.id}::uuid from jsonb_array_elements_text(${keys}::jsonb) as k(key) order by k.key
					on conflict do nothing returning key`);
				// A new recipe must own every key: one it could not take is another's, committed since we looked.
				if (!found && added.length < unique.length) throw new KeyTaken();
				return { id: saved.id, created: !found };
			});
		} catch (err) {
			if (!(err instanceof KeyTaken)) throw err;
		}
	}
	throw new Error('recipe was not saved: its links kept being taken by other saves');
}
