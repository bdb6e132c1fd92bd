import { isHttpUrl, normalizeUrl } from '../../links';
import { MAX_IMPORT_LINKS, type Batch, type BatchProgress, type ImportCounts } from '../../contract/imports';
import type { App } from '../app';
import { ApiError } from '../http/api-error';
import { hostOf } from '../net/host-limiter';
import { RECIPE_PIPELINE, type ShareInput } from '../pipeline/recipe';
import { savedKeys } from '../recipes/sources';
import type { BatchRow } from '../queue/sql/batches';
import { etaSeconds } from './eta';

/** Links to import, after what was found is counted and sorted. */
export interface ImportPlan {
	counts: ImportCounts;
	links: Array<{ url: string; key: string; host: string }>;
}

const SITES_SHOWN = 20;
/** The pace of a batch is judged on what finished in this window. */
const PACE_WINDOW_MS = 5 * 60_000;

/**
 * What importing these links would do: each link normalised (tracking parameters, www.,
 * fragments), duplicates counted once, links already recipes or already in the queue left out.
 * The rest are ordered round robin across their sites, so the batch's head holds many sites and
 * one site's 2,000 links do not come first.
 */
export async function planImport(app: App, userId: string, found: readonly string[]): Promise<ImportPlan> {
	const byKey = new Map<string, string>();
	for (const url of found) {
		if (!isHttpUrl(url)) continue;
		const key = normalizeUrl(url);
		if (!byKey.has(key)) byKey.set(key, url);
	}
	const keys = [...byKey.keys()];
	const [saved, active] = await Promise.all([savedKeys(app.database, userId, keys), app.queue.activeKeys(userId, keys)]);
	const bySite = new Map<string, Array<{ url: string; key: string; host: string }>>();
	for (const [key, url] of byKey) {
		if (saved.has(key) || active.has(key)) continue;
		const host = hostOf(url);
		const site = bySite.get(host) ?? [];
		site.push({ url, key, host });
		bySite.set(host, site);
	}
	const links = roundRobin([...bySite.values()]);
	const sites = [...bySite].map(([host, list]) => ({ host: host.replace(/^www\./, ''), links: list.length })).sort((a, b) => b.links - a.links);
	const counts: ImportCounts = {
		found: found.length,
		duplicates: found.length - byKey.size,
		alreadySaved: keys.filter((k) => saved.has(k)).length,
		alreadyQueued: keys.filter((k) => !saved.has(k) && active.has(k)).length,
		toImport: links.length,
		sites: sites.slice(0, SITES_SHOWN),
		siteCount: sites.length
	};
	return { counts, links };
}

function roundRobin<T>(lists: T[][]): T[] {
	const out: T[] = [];
	for (let i = 0; out.length < lists.reduce((n, l) => n + l.length, 0); i++) {
		for (const list of lists) if (i < list.length) out.push(list[i]!);
	}
	return out;
}

/** The least time the plan can take, from the per-site limits alone (nothing has run yet). */
export function plannedEta(app: App, plan: ImportPlan): number | null {
	const leftByHost = new Map<string | null, number>();
	for (const link of plan.links) leftByHost.set(link.host, (leftByHost.get(link.host) ?? 0) + 1);
	return etaSeconds({ leftByHost, hostPerMinute: app.config.FETCH_HOST_RATE_PER_MINUTE, finishedPerMinute: null });
}

/** Makes the batch of a plan: its items are queued at bulk priority, each keyed by its site. */
export async function createImport(app: App, userId: string, plan: ImportPlan, label: string): Promise<Batch> {
	if (plan.links.length > MAX_IMPORT_LINKS) {
		throw new ApiError(
			400,
			'too_many_links',
			`${plan.links.length.toLocaleString('en')} links to import; a batch takes at most ${MAX_IMPORT_LINKS.toLocaleString('en')}. Split the list and import the rest as another batch.`
		);
	}
	const { batch } = await app.queue.createBatch({
		userId,
		pipeline: RECIPE_PIPELINE,
		label,
		summary: plan.counts,
		items: plan.links.map(({ url, key, host }) => ({
			input: { url, text: null, title: null, recipeId: null } satisfies ShareInput,
			dedupeKey: key,
			concurrencyKey: host || null
		}))
	});
	return batchView(app, batch);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isBatchId = (id: string | undefined): id is string => !!id && UUID.test(id);
/** The same 404 for a missing batch, someone else's and an id that is no id. */
export const batchNotFound = () => new ApiError(404, 'not_found', 'no such batch');

/** The signed-in user's batch named by a path id, or a JSON 404. */
export async function ownBatch(app: App, userId: string, id: string | undefined): Promise<BatchRow> {
	const row = isBatchId(id) ? await app.queue.batch(userId, id) : null;
	if (!row) throw batchNotFound();
	return row;
}

const EMPTY_COUNTS: ImportCounts = { found: 0, duplicates: 0, alreadySaved: 0, alreadyQueued: 0, toImport: 0, sites: [], siteCount: 0 };

/** A batch as the API shows it: its items' progress, what its import found, and an honest ETA. */
export async function batchView(app: App, row: BatchRow): Promise<Batch> {
	const c = row.counts;
	const progress: BatchProgress = {
		waiting: c.pending ?? 0,
		running: c.in_progress ?? 0,
		saved: c.success ?? 0,
		failed: (c.error ?? 0) + (c.dead ?? 0),
		canceled: c.canceled ?? 0
	};
	let eta: number | null = null;
	let perMinute: number | null = null;
	if (!row.finishedAt) {
		const pace = await app.queue.batchPace(row.id, PACE_WINDOW_MS);
		// Over the window, or since the batch began when that is shorter.
		const minutes = Math.min(PACE_WINDOW_MS, Math.max(Date.now() - Date.parse(row.createdAt), 1_000)) / 60_000;
		perMinute = pace.finishedSince ? Math.round((pace.finishedSince / minutes) * 10) / 10 : null;
		eta = etaSeconds({ leftByHost: pace.leftByKey, hostPerMinute: app.config.FETCH_HOST_RATE_PER_MINUTE, finishedPerMinute: perMinute });
	}
	return {
		id: row.id,
		label: row.label,
		createdAt: row.createdAt,
		finishedAt: row.finishedAt,
		total: row.total,
		progress,
		counts: { ...EMPTY_COUNTS, ...(row.summary as Partial<ImportCounts>) },
		etaSeconds: eta,
		perMinute
	};
}
