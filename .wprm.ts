import { load } from 'cheerio';
import { readFileSync } from 'node:fs';
const d = JSON.parse(readFileSync('/tmp/fs/details.json', 'utf8'));
const norm = (s: unknown) => String(s ?? '').normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').replace(/[\s.,;:!]+$/, '').trim();
function f1(e0: string[], g0: string[]) { const e = e0.map(norm).filter(Boolean), g = g0.map(norm).filter(Boolean); if (!e.length || !g.length) return 0; const pool = [...e]; let hit = 0; for (const x of g) { const i = pool.indexOf(x); if (i >= 0) { hit++; pool.splice(i, 1); } } if (!hit) return 0; const p = hit / g.length, r = hit / e.length; return 2 * p * r / (p + r); }
let a = 0, b = 0, n = 0;
for (const r of d) {
  const h = readFileSync(`../shared/corpus/recipe-pages/${r.case}/page.html`, 'utf8');
  if (!h.includes('wprm-recipe-ingredient-name')) continue;
  const $ = load(h);
  const card = $('.wprm-recipe-container').first();
  const lines = card.find('li.wprm-recipe-ingredient').toArray().map((li) => $(li).find('.wprm-recipe-ingredient-amount, .wprm-recipe-ingredient-unit, .wprm-recipe-ingredient-name, .wprm-recipe-ingredient-notes').toArray().map((x) => $(x).text().trim()).filter(Boolean).join(' ').replace(/\s+/g, ' '));
  const s = f1(r.expected.ingredients ?? [], lines);
  n++; a += r.scores.ingredients; b += s;
  if (Math.abs(s - r.scores.ingredients) > 0.01) console.log(r.case, r.scores.ingredients.toFixed(2), '->', s.toFixed(2), JSON.stringify(lines.slice(0, 2)));
}
console.log(n, a.toFixed(1), b.toFixed(1));
