import { isHttpUrl } from './links';
import { schemaOrgNutrients, type Nutrition, type Recipe, type StepGroup } from './contract/recipe';

/**
 * A recipe as schema.org Recipe JSON-LD: what other recipe managers (Mealie, Tandoor, Paprika…)
 * and search engines read. Fields the recipe does not state are left out rather than sent empty.
 */

type JsonLd = Record<string, unknown>;

/** Minutes as an ISO-8601 duration: 90 → "PT1H30M", 45 → "PT45M", 120 → "PT2H", 0 → "PT0M". */
export function isoDuration(minutes: number): string {
	const whole = Math.max(0, Math.round(minutes));
	const h = Math.floor(whole / 60);
	const m = whole % 60;
	if (!h) return `PT${m}M`;
	return m ? `PT${h}H${m}M` : `PT${h}H`;
}

const howToStep = (text: string) => ({ '@type': 'HowToStep', text });

/**
 * Steps as HowToSteps; a named group becomes a HowToSection holding its steps. Unnamed groups have
 * no heading to give a section, so their steps stand on their own, in order.
 */
function instructions(groups: StepGroup[]): JsonLd[] {
	return groups.flatMap<JsonLd>((g) =>
		g.name ? [{ '@type': 'HowToSection', name: g.name, itemListElement: g.steps.map(howToStep) }] : g.steps.map(howToStep)
	);
}

function nutrition(n: Nutrition | null): JsonLd | null {
	if (!n) return null;
	const stated = schemaOrgNutrients.filter(([key]) => n[key]).map(([key, name]) => [name, n[key]]);
	return stated.length ? { '@type': 'NutritionInformation', ...Object.fromEntries(stated) } : null;
}

/**
 * `url` defaults to the source: importers take `url` for where a recipe came from. A caller that
 * wants the document to name another page (Cookmark's own) passes it; `isBasedOn` keeps the source.
 */
export function recipeJsonLd(recipe: Recipe, options: { url?: string } = {}): JsonLd {
	const times: [string, number | null][] = [
		['prepTime', recipe.prepMinutes],
		['cookTime', recipe.cookMinutes],
		['totalTime', recipe.totalMinutes]
	];
	const yields = recipe.yields ?? (recipe.servings !== null ? String(recipe.servings) : null);
	const facts = nutrition(recipe.nutrition);
	const doc: JsonLd = {
		'@context': 'https://schema.org',
		'@type': 'Recipe',
		name: recipe.title,
		...(recipe.description ? { description: recipe.description } : {}),
		// Only a web address: a picture shared without one is referred to internally, not linked.
		...(recipe.image && isHttpUrl(recipe.image) ? { image: recipe.image } : {}),
		...(options.url ?? recipe.sourceUrl ? { url: options.url ?? recipe.sourceUrl } : {}),
		...(recipe.sourceUrl ? { isBasedOn: recipe.sourceUrl } : {}),
		...(recipe.author ? { author: { '@type': 'Person', name: recipe.author } } : {}),
		...(yields ? { recipeYield: yields } : {}),
		...Object.fromEntries(times.filter((t): t is [string, number] => t[1] !== null).map(([key, m]) => [key, isoDuration(m)])),
		// Group names head the lists in Cookmark; in schema.org an ingredient is only a line to buy.
		recipeIngredient: recipe.ingredientGroups.flatMap((g) => g.ingredients.map((i) => i.text)),
		recipeInstructions: instructions(recipe.stepGroups),
		...(recipe.tags.length ? { keywords: recipe.tags.join(', ') } : {}),
		...(facts ? { nutrition: facts } : {})
	};
	return doc;
}

/** A file name from a title: "Grandma's Crème Brûlée!" → "grandmas-creme-brulee". */
export function recipeSlug(title: string): string {
	const slug = title
		.normalize('NFKD')
		.replace(/[\u0300-\u036f]/g, '')
		.toLowerCase()
		.replace(/['’]/g, '')
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-+|-+$/g, '')
		.slice(0, 80)
		.replace(/-+$/, '');
	return slug || 'recipe';
}
