/**
 * `npm run build && npm run bench:lighthouse` — Lighthouse (mobile) on the pages a person uses most:
 * the queue, the library and a recipe, signed in, with real items in them. It starts the BUILT
 * server on a throwaway PGlite directory and a local recipe site, and drives Debian's Chromium.
 * Options: --json FILE, --chromium PATH (default /usr/bin/chromium).
 */
import http from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import { startServer } from '../tests/helpers/server';
import { recipePage } from '../tests/helpers/recipe-page';

const { values: args } = parseArgs({ options: { json: { type: 'string' }, chromium: { type: 'string' } } });
const CATEGORIES = ['accessibility', 'best-practices', 'performance'] as const;

const site = http.createServer((req, res) => {
	const title = decodeURIComponent(req.url!.slice(1)).replace(/-/g, ' ');
	res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(recipePage(title));
});
await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
const siteOrigin = `http://127.0.0.1:${(site.address() as { port: number }).port}`;
const dir = mkdtempSync(path.join(os.tmpdir(), 'cookmark-lighthouse-'));
const server = await startServer({ env: { DATA_DIR: dir }, cleanup: async () => rmSync(dir, { recursive: true, force: true }) }, { DATA_DIR: dir, LOG_LEVEL: 'warn' });
const chrome = await chromeLauncher.launch({ chromePath: args.chromium ?? '/usr/bin/chromium', chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu'] });
try {
	const { cookie } = await server.signUp('lighthouse');
	const ids: string[] = [];
	for (const dish of ['Carrot-Soup', 'Lemon-Cake', 'Apple-Crumble']) {
		const res = await server.api('/api/queue', { method: 'POST', json: { url: `${siteOrigin}/${dish}` } });
		ids.push(((await res.json()) as { id: string }).id);
	}
	let recipeId: string | undefined;
	for (const deadline = Date.now() + 60_000; !recipeId; ) {
		if (Date.now() > deadline) throw new Error('the items did not finish within a minute');
		await new Promise((resolve) => setTimeout(resolve, 250));
		const item = (await (await server.api(`/api/queue/${ids[0]}`)).json()) as { status: string; results?: { recipeId?: string } };
		recipeId = item.status === 'success' ? item.results?.recipeId : undefined;
	}
	const pages = { queue: '/', library: '/recipes', recipe: `/recipes/${recipeId}`, cook: `/recipes/${recipeId}/cook` };
	const scores: Record<string, Record<string, number>> = {};
	const problems: Record<string, string[]> = {};
	for (const [name, pathname] of Object.entries(pages)) {
		const result = await lighthouse(server.origin + pathname, {
			port: chrome.port,
			output: 'json',
			logLevel: 'error',
			onlyCategories: [...CATEGORIES],
			extraHeaders: { cookie }
		});
		if (!result) throw new Error(`Lighthouse gave no result for ${pathname}`);
		const { categories, audits } = result.lhr;
		scores[name] = Object.fromEntries(CATEGORIES.map((c) => [c, Math.round((categories[c]?.score ?? 0) * 100)]));
		// What cost points in the two categories that have goals, to fix rather than to guess at.
		problems[name] = ['accessibility', 'best-practices'].flatMap((c) =>
			(categories[c]?.auditRefs ?? [])
				.filter((ref) => ref.weight > 0 && (audits[ref.id]?.score ?? 1) < 1)
				.map((ref) => `${c}: ${audits[ref.id]!.title}`)
		);
	}
	console.log(`# Lighthouse ${new Date().toISOString()} — mobile, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, load ${os.loadavg()[0]!.toFixed(1)}`);
	console.log('| page | accessibility | best practices | performance |');
	console.log('|---|---|---|---|');
	for (const [name, s] of Object.entries(scores)) console.log(`| ${name} | ${s.accessibility} | ${s['best-practices']} | ${s.performance} |`);
	for (const [name, list] of Object.entries(problems)) if (list.length) console.log(`\n${name}:\n  ${list.join('\n  ')}`);
	if (args.json) writeFileSync(args.json, JSON.stringify({ scores, problems }, null, 2));
} finally {
	chrome.kill();
	await server.stop('SIGTERM');
	rmSync(dir, { recursive: true, force: true });
	site.close();
}
