import { describe, expect, it } from 'vitest';
import { readCaption } from '../../src/lib/server/pipeline/recipe/extract/caption';

const caption = (...lines: string[]) => lines.join('\n');

describe('captions with headings', () => {
	it('reads "Ingredients:" / "Method:" with dash bullets and numbered steps, dropping hashtags', () => {
		const r = readCaption(
			caption(
				'Lemon Pasta 🍋',
				'',
				'Ingredients:',
				'- 200 g spaghetti',
				'- 1.5 cups milk',
				'- 1 - 2 lemons',
				'',
				'Method:',
				'1. Boil the pasta.',
				'2) Stir in the lemon.',
				'',
				'#pasta #dinner'
			)
		);
		expect(r).toEqual({
			title: 'Lemon Pasta',
			ingredients: ['200 g spaghetti', '1.5 cups milk', '1 - 2 lemons'],
			instructions: ['Boil the pasta.', 'Stir in the lemon.'],
			description: null
		});
	});

	it('strips emoji bullets and keycap numbers, and reads "You\'ll need" / "Instructions"', () => {
		const r = readCaption(
			caption('Berry Fizz 🍓🥂', '', "You'll need", '▪️ 1 cup raspberries', '▪️ ice', '', 'Instructions', '1️⃣ Muddle the berries.', '🔟 Serve cold.')
		);
		expect(r?.ingredients).toEqual(['1 cup raspberries', 'ice']);
		expect(r?.instructions).toEqual(['Muddle the berries.', 'Serve cold.']);
	});

	it('reads "What you need" / "How to make it" with "Step N:", spacer dots, a shouted title and a sign-off', () => {
		const r = readCaption(
			caption(
				"GRANDMA'S ROAST CHICKEN",
				'.',
				'.',
				'🛒 What you need:',
				'• 1 whole chicken',
				'• salt and black pepper',
				'',
				'👩‍🍳 How to make it:',
				'Step 1: Heat the oven to 220°C.',
				'Step 2: Roast for 90 minutes.',
				'',
				'Save this for later! 💾',
				'Enjoy! 😋'
			)
		);
		expect(r?.title).toBe("Grandma's Roast Chicken");
		expect(r?.ingredients).toEqual(['1 whole chicken', 'salt and black pepper']);
		expect(r?.instructions).toEqual(['Heat the oven to 220°C.', 'Roast for 90 minutes.']);
	});

	it('takes the title after a chatty intro, keeping the intro as the description', () => {
		const r = readCaption(
			caption(
				'This dressing is my go-to when I want something special! Full recipe below 👇',
				'Honestly the best thing I made all week.',
				'',
				'Ranch Dressing',
				'',
				'INGREDIENTS',
				'3 tbsp buttermilk',
				'2 tbsp mayonnaise',
				'',
				'DIRECTIONS',
				'1) Whisk everything together.',
				'',
				'Follow @someone for more recipes like this.'
			)
		);
		expect(r?.title).toBe('Ranch Dressing');
		expect(r?.description).toBe('Honestly the best thing I made all week.');
		expect(r?.ingredients).toEqual(['3 tbsp buttermilk', '2 tbsp mayonnaise']);
		expect(r?.instructions).toEqual(['Whisk everything together.']);
	});

	it('knows headings in other languages and drops group names inside the lists', () => {
		const r = readCaption(
			caption('Pfannkuchen', '', 'Zutaten:', 'Für den Teig:', '- 250 g Mehl', '- 2 Eier', '', 'Zubereitung:', 'Schritt 1: Alles verrühren.', 'Schritt 2: Ausbacken.')
		);
		expect(r?.ingredients).toEqual(['250 g Mehl', '2 Eier']);
		expect(r?.instructions).toEqual(['Alles verrühren.', 'Ausbacken.']);
	});

	it('ends the steps at a "Notes" heading and keeps one step number only ("6. 6- Add" keeps "6- Add")', () => {
		const r = readCaption(caption('Soup', 'Ingredients', '1 onion', 'Steps', '5. 5- Add the onion.', 'Notes:', 'Keeps 3 days.'));
		expect(r?.instructions).toEqual(['5- Add the onion.']);
	});

	it('keeps the author\'s own number after a "Step N:" or a keycap too', () => {
		const words = readCaption(caption('Soup', 'Ingredients', '1 onion', 'How to make it:', 'Step 1: 1- Chop the onion.', 'Step 2: 2. Fry it.'));
		expect(words?.instructions).toEqual(['1- Chop the onion.', '2. Fry it.']);
		const keycaps = readCaption(caption('Soup', 'Ingredients', '1 onion', 'Preparation:', '1️⃣ 1. Chop the onion.', '🔟 10) Serve.'));
		expect(keycaps?.instructions).toEqual(['1. Chop the onion.', '10) Serve.']);
	});

	it('splits an inline ingredient list where each new amount starts', () => {
		const r = readCaption(caption('Pancakes', 'Ingredients: 2 eggs, 1 cup flour, salt, 1 cup milk', 'Method: Whisk and fry.'));
		expect(r?.ingredients).toEqual(['2 eggs', '1 cup flour, salt', '1 cup milk']);
		expect(r?.instructions).toEqual(['Whisk and fry.']);
	});
});

describe('captions without headings', () => {
	it('reads a bulleted list of amounts and numbered steps, the first line being the title even if it starts with a number', () => {
		const r = readCaption(caption('10-minute Broccoli 🥦', '', '- 1 head broccoli', '- 2 tbsp butter', '', '1. Steam the broccoli.', '2. Toss with butter.'));
		expect(r).toEqual({
			title: '10-minute Broccoli',
			ingredients: ['1 head broccoli', '2 tbsp butter'],
			instructions: ['Steam the broccoli.', 'Toss with butter.'],
			description: null
		});
	});

	it('finds no recipe in an ordinary post', () => {
		expect(readCaption(caption('Sunday vibes ☀️', 'Made pasta with the kids today, so much fun!', '#family #pasta'))).toBeNull();
		expect(readCaption(caption('My favourite places:', '- Rome', '- Lisbon', '- Oslo'))).toBeNull();
	});

	it('prefers the name of a dish over a remark next to it', () => {
		const r = readCaption(caption('Creamy Tuscan Chicken', 'You will love this one', '', 'Ingredients', '2 chicken breasts'));
		expect(r?.title).toBe('Creamy Tuscan Chicken');
	});

	it('reads a recipe told in a sentence ("All you need is …"), leaving its facts out of the steps', () => {
		const r = readCaption('Quick 5-minute mug cake 🍫 All you need is 4 tbsp flour, 3 tbsp sugar, 1 egg and 3 tbsp milk. Mix everything in a mug and microwave for 90 seconds. Serves 1! #mugcake');
		expect(r).toEqual({
			title: 'Quick 5-minute mug cake',
			ingredients: ['4 tbsp flour', '3 tbsp sugar', '1 egg', '3 tbsp milk'],
			instructions: ['Mix everything in a mug and microwave for 90 seconds.'],
			description: null
		});
		expect(readCaption('You need patience and good friends. That is all.')).toBeNull();
	});

	it('does not take a line of servings and time as the title, in other languages either', () => {
		const r = readCaption(caption('Pasta al limone 🍋🍝', 'Per 2 persone, pronto in 15 minuti', '', 'Ingredienti:', '🍝 200 g di spaghetti', '🍋 1 limone', '', 'Preparazione:', '1️⃣ Cuoci la pasta.', '2️⃣ Mescola.'));
		expect(r).toMatchObject({ title: 'Pasta al limone', ingredients: ['200 g di spaghetti', '1 limone'], instructions: ['Cuoci la pasta.', 'Mescola.'] });
	});
});

describe('readCaption on long runs', () => {
	// Found by fuzzing (tests/unit/fuzz-text.test.ts): patterns anchored at a line's end were tried
	// at every character of a run and backtracked over the rest of it, seconds for 80k spaces.
	it('reads runs of spaces, emoji, hashtags and punctuation in linear time', () => {
		const start = performance.now();
		for (const run of [' '.repeat(100_000) + 'x', '🍅'.repeat(50_000) + 'x', '!' + '#a'.repeat(50_000) + '!', 'a' + '1'.repeat(100_000) + 'b:', '.'.repeat(100_000) + 'x']) {
			readCaption(`Title\nIngredients:\n- 1 egg\n${run}`);
			readCaption(run);
		}
		expect(performance.now() - start).toBeLessThan(2_000);
	});

	it('still takes the hashtags and emoji off a line\'s end, not a word\'s "#"', () => {
		const r = readCaption(caption('Garlic Shrimp #dinner #food', 'Ingredients:', '- 1 cup rice 🍅🍅 #yum#good', '- 2 tbsp C#', 'Method', '1. Mix it all well. 🍅', '2. Fry!#x'));
		expect(r).toMatchObject({ title: 'Garlic Shrimp', ingredients: ['1 cup rice', '2 tbsp C#'], instructions: ['Mix it all well.', 'Fry!'] });
	});
});
