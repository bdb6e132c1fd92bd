import { z } from 'zod';
import { RecipeDetail } from './library';
import { MAX_MINUTES } from './recipe';
import { TargetKind, TargetLink } from './targets';

/**
 * PATCH /api/recipes/{id}: what a person may change in a saved recipe, and the answer. Every field
 * is optional (absent: unchanged); unknown fields are refused rather than ignored, so a misspelt
 * one cannot look saved. Ingredients are sent as the lines a person reads and types: the server
 * reads each line it has not seen before with the same parser the edit page previews with.
 */

const trimmed = z.string().trim();
/** Empty text means none, as a cleared form field sends it. */
const optionalText = (max: number) =>
	trimmed
		.max(max)
		.nullable()
		.transform((v) => v || null);
const minutes = z.number().int().nonnegative().max(MAX_MINUTES).nullable();
const sectionName = optionalText(200);

export const INGREDIENT_LINE_MAX = 500;
const line = trimmed.min(1, 'an empty line; leave it out instead').max(INGREDIENT_LINE_MAX);

/**
 * A line as written, or with `reviewed: true` when the person checked a line marked for review
 * and left it as it is: its marks are cleared. A changed line never keeps a mark.
 */
export const IngredientLineEdit = z.union([line, z.strictObject({ text: line, reviewed: z.boolean() })]);
export type IngredientLineEdit = z.infer<typeof IngredientLineEdit>;

export const IngredientGroupEdit = z.strictObject({ name: sectionName, lines: z.array(IngredientLineEdit).max(200) });
export const StepGroupEdit = z.strictObject({ name: sectionName, steps: z.array(trimmed.min(1, 'an empty step; leave it out instead').max(5000)).max(200) });

export const RecipePatch = z.strictObject({
	title: trimmed.min(1, 'a recipe needs a title').max(300).optional(),
	description: optionalText(2000).optional(),
	yields: optionalText(100).optional(),
	servings: z.number().positive().max(1000).nullable().optional(),
	prepMinutes: minutes.optional(),
	cookMinutes: minutes.optional(),
	totalMinutes: minutes.optional(),
	tags: z.array(trimmed.min(1).max(60)).max(30).optional(),
	/** Sections in order; one without lines is dropped. */
	ingredientGroups: z.array(IngredientGroupEdit).max(30).optional(),
	/** Sections in order; one without steps is dropped. */
	stepGroups: z.array(StepGroupEdit).max(30).optional()
});
export type RecipePatch = z.infer<typeof RecipePatch>;
export type RecipePatchInput = z.input<typeof RecipePatch>;

/**
 * What became of the copy on the person's Tandoor or Mealie after the edit was saved: updated, or
 * why not (the edit is saved either way; the recipe page can send it again).
 */
export const TargetUpdate = z.discriminatedUnion('ok', [
	z.object({ ok: z.literal(true), link: TargetLink }),
	z.object({ ok: z.literal(false), kind: TargetKind, code: z.string(), message: z.string() })
]);
export type TargetUpdate = z.infer<typeof TargetUpdate>;

/** The answer: the recipe as saved, and `targetUpdate` null when the person's target holds no copy of it. */
export const EditedRecipe = RecipeDetail.extend({ targetUpdate: TargetUpdate.nullable() });
export type EditedRecipe = z.infer<typeof EditedRecipe>;
