import { sql } from 'drizzle-orm';
import type { Database } from '../db/client';
import { recipes } from '../db/schema';

export interface RecipeToSave {
	userId: string;
	itemId: string;
	title: string;
	sourceUrl: string;
	imageUrl: string | null;
	description: string | null;
	data: unknown;
}

/**
 * Saves the recipe of a queue item into the user's library. Keyed on the item, so running the
 * upload again (a retry after a crash) updates the same row instead of adding a second one.
 */
export async function saveRecipe(database: Database, recipe: RecipeToSave): Promise<{ id: string }> {
	const [row] = await database.db
		.insert(recipes)
		.values(recipe)
		.onConflictDoUpdate({
			target: recipes.itemId,
			set: {
				title: recipe.title,
				sourceUrl: recipe.sourceUrl,
				imageUrl: recipe.imageUrl,
				description: recipe.description,
				data: recipe.data,
				updatedAt: sql`now()`,
				// The item imported again after its recipe was deleted: the recipe is back, as a new row would have been.
				deletedAt: null
			}
		})
		.returning({ id: recipes.id });
	if (!row) throw new Error('recipe was not saved');
	return row;
}
