import { z } from 'zod';

/**
 * The one recipe model: the parsing phase's output, what the library stores and shows, what
 * upload targets receive, and (its `RecipeDraft` part) the JSON schema an LLM must answer in.
 * Nullable rather than optional fields, so the generated JSON schema lists every key as required,
 * which is what OpenAI-style strict structured output asks for.
 */

const amount = z.number().finite().nonnegative();
/** The longest duration a recipe states: 60 days (a ferment, a cure). */
export const MAX_MINUTES = 60 * 24 * 60;
const minutes = z.number().int().nonnegative().max(MAX_MINUTES);
const text = z.string().trim();

export const Ingredient = z.object({
	/** The line as the source wrote it ("2 large carrots, peeled"). */
	text: text.min(1).max(500),
	/** The first amount (½ → 0.5, "1 1/2" → 1.5; for "2-3" it is 2). */
	quantity: amount.nullable(),
	/** The top of a range ("2-3" → 3), else null. */
	quantityMax: amount.nullable(),
	/** A canonical singular English unit name (teaspoon, gram, can…), null for a bare count. */
	unit: text.max(40).nullable(),
	/** The food, without amount, size or preparation ("carrots"). */
	name: text.max(500).nullable(),
	/** Size, preparation and remarks ("large, peeled"). */
	comment: text.max(500).nullable()
});
export type Ingredient = z.infer<typeof Ingredient>;

export const IngredientGroup = z.object({
	/** A section's heading ("For the sauce"), null for the recipe's only or first unnamed group. */
	name: text.max(200).nullable(),
	ingredients: z.array(Ingredient).max(200)
});
export type IngredientGroup = z.infer<typeof IngredientGroup>;

export const StepGroup = z.object({
	name: text.max(200).nullable(),
	steps: z.array(text.min(1).max(5000)).max(200)
});
export type StepGroup = z.infer<typeof StepGroup>;

/** Per serving, as the source states it ("250 kcal", "12 g"). */
export const Nutrition = z.object({
	calories: text.max(40).nullable(),
	fat: text.max(40).nullable(),
	saturatedFat: text.max(40).nullable(),
	carbohydrates: text.max(40).nullable(),
	sugar: text.max(40).nullable(),
	fiber: text.max(40).nullable(),
	protein: text.max(40).nullable(),
	sodium: text.max(40).nullable()
});
export type Nutrition = z.infer<typeof Nutrition>;

/** Each nutrient with its schema.org NutritionInformation name: how pages state them and exports write them. */
export const schemaOrgNutrients: readonly (readonly [keyof Nutrition, string])[] = [
	['calories', 'calories'],
	['fat', 'fatContent'],
	['saturatedFat', 'saturatedFatContent'],
	['carbohydrates', 'carbohydrateContent'],
	['sugar', 'sugarContent'],
	['fiber', 'fiberContent'],
	['protein', 'proteinContent'],
	['sodium', 'sodiumContent']
];

/** What can be read from a recipe's text: the part of the model a language model may write. */
export const RecipeDraft = z.object({
	title: text.min(1).max(300),
	description: text.max(2000).nullable(),
	/** The source's own words for the yield ("4 servings", "1 loaf, 12 slices"). */
	yields: text.max(100).nullable(),
	/** How many people it serves, as a number, where the source says so. */
	servings: z.number().positive().max(1000).nullable(),
	prepMinutes: minutes.nullable(),
	cookMinutes: minutes.nullable(),
	totalMinutes: minutes.nullable(),
	ingredientGroups: z.array(IngredientGroup).max(30),
	stepGroups: z.array(StepGroup).max(30),
	tags: z.array(text.min(1).max(60)).max(30)
});
export type RecipeDraft = z.infer<typeof RecipeDraft>;

/**
 * Why a line's reading deserves a second look: an amount the line seems to state but that was not
 * read, a word after the amount that looks like a unit nobody knows, or no food found.
 */
export const ReviewReason = z.enum(['amount', 'unit', 'food']);
export type ReviewReason = z.infer<typeof ReviewReason>;

/**
 * An ingredient as the library keeps it: the reading, and what in it is unsure. `review` is absent
 * when nothing is (and on every line saved before review marks existed), so old rows still parse.
 */
export const SavedIngredient = Ingredient.extend({ review: z.array(ReviewReason).max(3).optional() });
export type SavedIngredient = z.infer<typeof SavedIngredient>;

export const SavedIngredientGroup = IngredientGroup.extend({ ingredients: z.array(SavedIngredient).max(200) });

export const Recipe = RecipeDraft.extend({
	ingredientGroups: z.array(SavedIngredientGroup).max(30),
	image: z.url().nullable(),
	/** Where it came from; null for a recipe shared as text or pictures, which has no link. */
	sourceUrl: z.url().nullable(),
	siteName: text.max(200).nullable(),
	author: text.max(200).nullable(),
	nutrition: Nutrition.nullable(),
	/** Where the structure came from: the page's own data, Cookmark's rules, or a language model. */
	parsedBy: z.enum(['structured-data', 'rules', 'llm']),
	/** What a post's recipe was read from when not its caption: the video's words (subtitles or speech), or its pictures. */
	readFrom: z.enum(['speech', 'pictures']).optional()
});
export type Recipe = z.infer<typeof Recipe>;

/** Every ingredient of a recipe, groups flattened. */
export const allIngredients = (r: Pick<Recipe, 'ingredientGroups'>) => r.ingredientGroups.flatMap((g) => g.ingredients);
