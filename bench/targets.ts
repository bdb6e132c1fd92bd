/**
 * `npm run bench:targets` — uploading real recipes to a person's Mealie (and Tandoor), end to end:
 * twelve pages from shared/corpus/recipe-pages (every 40th, so no choice of ours) served on
 * 127.0.0.1, shared into the app with the worker at QUEUE_CONCURRENCY=2, extracted, parsed and
 * uploaded to the Mealie- and Tandoor-compatible stand-ins of tests/helpers, which answer after a
 * delay like a real server's own work (--latency, 25 ms). Reports the wall time until all twelve
 * are saved, the requests each recipe cost the target, and how many ingredient lines that name
 * a food ended up linked to one (Mealie).
 * Options: --count N (12) --latency MS (25) --concurrency N (2) --version vX.Y.Z (Mealie, v3.5.0)
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { createApp } from '../src/lib/server/app';
import { signUp } from '../src/lib/server/auth/users';
import { parseConfig } from '../src/lib/server/config';
import { enqueueShare } from '../src/lib/server/shares/enqueue';
import { startHttpServer } from '../tests/helpers/http-server';
import { startMealieServer } from '../tests/helpers/mealie-server';
import { startTandoorServer } from '../tests/helpers/tandoor-server';

const { values: args } = parseArgs({
	options: {
		count: { type: 'string', default: '12' },
		latency: { type: 'string', default: '25' },
		concurrency: { type: 'string', default: '2' },
		version: { type: 'string', default: 'v3.5.0' }
	}
});
const COUNT = Number(args.count);
const LATENCY = Number(args.latency);
const CORPUS = path.resolve(import.meta.dirname, '../../shared/corpus/recipe-pages');

async function pages(): Promise<{ name: string; html: string }[]> {
	const cases = (await readdir(CORPUS)).sort().filter((_, i) => i % 40 === 0).slice(0, COUNT);
	return Promise.all(cases.map(async (name) => ({ name, html: await readFile(path.join(CORPUS, name, 'page.html'), 'utf8') })));
}

async function run(kind: 'mealie' | 'tandoor', corpus: { name: string; html: string }[]) {
	const routes = Object.fromEntries(corpus.map((c) => [`/${c.name}`, (_req: unknown, res: import('node:http').ServerResponse) => void res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(c.html)]));
	const site = await startHttpServer(routes);
	const token = 'bench-token';
	const target = kind === 'mealie' ? await startMealieServer({ token, version: args.version, latencyMs: LATENCY }) : await startTandoorServer({ token });
	const dataDir = await mkdtemp(path.join(os.tmpdir(), 'cookmark-bench-targets-'));
	const env = kind === 'mealie' ? { MEALIE_BASE_URL: target.origin, MEALIE_TOKEN: token } : { TANDOOR_BASE_URL: target.origin, TANDOOR_TOKEN: token };
	const app = await createApp({
		config: parseConfig({ DATA_DIR: dataDir, QUEUE_CONCURRENCY: args.concurrency, FETCH_ALLOW_PRIVATE: 'true', LOG_LEVEL: 'silent', QUEUE_POLL_MS: '100', ...env }),
		log: pino({ level: 'silent' })
	});
	try {
		const user = await signUp(app.database, 'bench', 'bench-password', 'first-only');
		const started = performance.now();
		const ids = [];
		for (const c of corpus) ids.push((await enqueueShare(app, user.id, { url: `${site.origin}/${c.name}` })).item.id);
		let items = [];
		for (;;) {
			items = await Promise.all(ids.map((id) => app.queue.get(user.id, id)));
			if (items.every((i) => i && ['success', 'error', 'dead'].includes(i.status))) break;
			await new Promise((resolve) => setTimeout(resolve, 100));
		}
		const seconds = (performance.now() - started) / 1000;
		const uploads = items.flatMap((i) => i!.attempts.filter((a) => a.phase === 'uploading' && a.durationMs !== null).map((a) => a.durationMs!));
		const saved = items.filter((i) => i!.status === 'success').length;
		const failed = items.filter((i) => i!.status !== 'success').map((i) => `${i!.url}: ${i!.error?.message}`);
		const report: Record<string, unknown> = {
			target: kind === 'mealie' ? `Mealie ${args.version}` : 'Tandoor 2.6.12',
			saved: `${saved}/${corpus.length}`,
			seconds: Math.round(seconds * 10) / 10,
			requestsPerRecipe: Math.round((target.requests.length / Math.max(saved, 1)) * 10) / 10,
			uploadPhaseMs: { median: median(uploads), max: Math.max(...uploads) }
		};
		if (kind === 'mealie') {
			const mealie = target as Awaited<ReturnType<typeof startMealieServer>>;
			const lines = [...mealie.recipes.values()].flatMap((r) => r.recipeIngredient);
			const phaseOutputs = await Promise.all(items.map((i) => app.queue.phaseOutput(user.id, i!.id, 'parsing')));
			const named = phaseOutputs.flatMap((r) => ((r as { ingredientGroups?: { ingredients: { name: string | null }[] }[] } | null)?.ingredientGroups ?? []).flatMap((g) => g.ingredients)).filter((i) => i.name?.trim()).length;
			report.linked = `${lines.filter((l) => l.food).length} of ${named} lines that name a food`;
			report.unitsAndFoodsCreated = mealie.units.length - 3 + mealie.foods.length;
			report.refusedCreates = mealie.requests.filter((r) => r.method === 'POST' && /units|foods|tags/.test(r.path) && (r.status ?? 0) >= 400).length;
			report.broken = mealie.broken.size;
		}
		if (failed.length) report.failed = failed;
		return report;
	} finally {
		await app.shutdown();
		await target.close();
		await site.close();
		await rm(dataDir, { recursive: true, force: true });
	}
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

const corpus = await pages();
console.log(`${new Date().toISOString()} · ${os.cpus().length} cores · ${os.cpus()[0]?.model ?? ''} · node ${process.version}`);
console.log(`${corpus.length} corpus pages, worker concurrency ${args.concurrency}, target latency ${LATENCY} ms a request (Mealie stand-in)`);
for (const kind of ['mealie', 'tandoor'] as const) console.log(JSON.stringify(await run(kind, corpus)));
