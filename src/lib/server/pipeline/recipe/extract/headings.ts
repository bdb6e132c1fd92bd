/**
 * The words recipe authors head their lists with, in the languages recipes are most often
 * shared in: one vocabulary for every reader of headings (page markup, captions). Regular
 * expression alternations, to be anchored by their users.
 */
export const INGREDIENT_WORDS =
	"ingredients?|ingredientes|ingrédients|ingredienti|ingrediënten|zutaten|składniki|hozzávalók|suroviny|ingredienser|ainekset|malzemeler|sastojci|υλικά|ингредиенты|材料|用料|食材|what you(?:'|’)?ll need|you(?:'|’)?ll need|what you need|you will need";

export const METHOD_WORDS =
	"instructions?|directions?|method|preparation|steps|how to make(?: it)?|procedure|zubereitung|anleitung|préparation|étapes|preparación|elaboración|instrucciones|preparazione|procedimento|modo de preparo|bereiding(?:swijze)?|przygotowanie|sposób przygotowania|elkészítés|postup|tillagning|gör så här|valmistus|yapılışı|hazırlanışı|做法|步骤|作り方";

/** The word sites print before a step's number ("Step 3", "Schritt 3", "Étape 3"). */
export const STEP_WORDS = 'step|stap|schritt|étape|etape|paso|passo|krok|lépés|trin|steg';

/** A step's number and nothing else ("3", "Step 3.", "STEP 3:"), which names no step. */
export const STEP_NUMBER = new RegExp(`^(?:${STEP_WORDS})?\\s*\\d{1,3}\\s*[.:)]?$`, 'i');

/** All capitals ("DRESSING", "CAKE INGREDIENTS"): how captions and cards set a heading apart. */
export const SHOUTED = /^[^\p{Ll}]*\p{Lu}[^\p{Ll}]*$/u;
