import { z } from 'zod';

/**
 * Bulk import (POST/GET /api/batches…): many links at once, from pasted text or a file, made into
 * one batch of queue items that run after anything a person is waiting on. Shared by the server,
 * the pages and API clients.
 */

/** Links one batch may hold (after duplicates and links already saved are left out). */
export const MAX_IMPORT_LINKS = 10_000;
/** The largest file (or pasted text) read for links. */
export const MAX_IMPORT_BYTES = 10 * 1024 * 1024;

/** POST /api/batches as JSON: the links (or text holding them); `preview` only counts, and makes nothing. */
export const CreateBatchRequest = z.object({
	links: z.array(z.string().max(4096)).max(100_000).optional(),
	text: z.string().max(MAX_IMPORT_BYTES).optional(),
	/** What the batch is called in the list; "Pasted links" when left out. */
	label: z.string().trim().min(1).max(200).optional(),
	preview: z.boolean().optional()
});
export type CreateBatchRequest = z.infer<typeof CreateBatchRequest>;

/** One site of an import, with how many of its links will be imported. */
export const ImportSite = z.object({ host: z.string(), links: z.number().int() });

/** What an import holds, counted before anything is made (the preview), and kept with the batch. */
export const ImportCounts = z.object({
	/** Links found in the text or file, each as often as it appears. */
	found: z.number().int(),
	/** Found more than once (after normalising: tracking parameters, www., fragments). */
	duplicates: z.number().int(),
	/** Already recipes in the library: not imported again. */
	alreadySaved: z.number().int(),
	/** Waiting or running in the queue already: not queued twice. */
	alreadyQueued: z.number().int(),
	/** What the batch makes items of. */
	toImport: z.number().int(),
	/** The sites they come from, most links first (the first 20), and how many there are in all. */
	sites: z.array(ImportSite),
	siteCount: z.number().int()
});
export type ImportCounts = z.infer<typeof ImportCounts>;

/** A batch's items by where they stand. */
export const BatchProgress = z.object({
	waiting: z.number().int(),
	running: z.number().int(),
	saved: z.number().int(),
	failed: z.number().int(),
	canceled: z.number().int()
});
export type BatchProgress = z.infer<typeof BatchProgress>;

export const Batch = z.object({
	id: z.uuid(),
	label: z.string(),
	createdAt: z.iso.datetime(),
	/** Null while any of its items waits or runs. */
	finishedAt: z.iso.datetime().nullable(),
	/** Items made. */
	total: z.number().int(),
	progress: BatchProgress,
	/** What was found, and what was left out and why. */
	counts: ImportCounts,
	/**
	 * Seconds until the rest is done, as well as can be said: from the pace of the last minutes and
	 * the per-site limits (2,000 links to one site take at least 2,000 ÷ its requests per minute).
	 * Null when finished, or before there is anything to go on.
	 */
	etaSeconds: z.number().int().nullable(),
	/** Items finished per minute lately (null: none finished yet). */
	perMinute: z.number().nullable()
});
export type Batch = z.infer<typeof Batch>;

export const BatchList = z.object({ batches: z.array(Batch) });
export type BatchList = z.infer<typeof BatchList>;

/** POST /api/batches with preview: what would be imported. */
export const BatchPreview = z.object({ preview: z.literal(true), counts: ImportCounts, etaSeconds: z.number().int().nullable() });
export type BatchPreview = z.infer<typeof BatchPreview>;

/** POST /api/batches/{id}/retry-failed and /cancel: the batch after, and how many items it touched. */
export const BatchActionResult = z.object({ batch: Batch, changed: z.number().int() });
export type BatchActionResult = z.infer<typeof BatchActionResult>;
