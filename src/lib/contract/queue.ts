import { z } from 'zod';
import { RecipeSummary } from './library';

/** Item lifecycle (contract, see shared/design.md). */
export const itemStatuses = ['pending', 'in_progress', 'success', 'error', 'dead', 'canceled'] as const;
export const ItemStatus = z.enum(itemStatuses);
export type ItemStatus = z.infer<typeof ItemStatus>;

/** States from which nothing more happens unless a person retries. */
export const terminalStatuses: readonly ItemStatus[] = ['success', 'error', 'dead', 'canceled'];
export const activeStatuses: readonly ItemStatus[] = ['pending', 'in_progress'];
export const retryableStatuses: readonly ItemStatus[] = ['error', 'dead', 'canceled'];

export const phaseStatuses = ['pending', 'in_progress', 'completed', 'error', 'skipped'] as const;
export const PhaseStatus = z.enum(phaseStatuses);
export type PhaseStatus = z.infer<typeof PhaseStatus>;

/** The recipe pipeline's phases, in order (contract). */
export const recipePhaseNames = ['extraction', 'parsing', 'uploading'] as const;

export const ErrorKind = z.enum(['retryable', 'permanent']);
export type ErrorKind = z.infer<typeof ErrorKind>;

export const attemptOutcomes = ['running', 'completed', 'failed', 'canceled', 'released', 'lost'] as const;
export const AttemptOutcome = z.enum(attemptOutcomes);
export type AttemptOutcome = z.infer<typeof AttemptOutcome>;

export const ItemError = z.object({
	kind: ErrorKind,
	code: z.string(),
	message: z.string()
});
export type ItemError = z.infer<typeof ItemError>;

export const Phase = z.object({
	name: z.string(),
	status: PhaseStatus,
	progress: z.number().int().min(0).max(100),
	message: z.string().nullable(),
	attempts: z.number().int(),
	startedAt: z.iso.datetime().nullable(),
	completedAt: z.iso.datetime().nullable(),
	error: ItemError.nullable()
});
export type Phase = z.infer<typeof Phase>;

export const Attempt = z.object({
	id: z.number().int(),
	phase: z.string(),
	number: z.number().int(),
	worker: z.string(),
	startedAt: z.iso.datetime(),
	finishedAt: z.iso.datetime().nullable(),
	outcome: AttemptOutcome,
	errorKind: ErrorKind.nullable(),
	message: z.string().nullable(),
	durationMs: z.number().int().nullable()
});
export type Attempt = z.infer<typeof Attempt>;

/** What an item was made from: a link (maybe with its page's HTML), a text without a link, or pictures. */
export const ItemKind = z.enum(['link', 'text', 'images']);
export type ItemKind = z.infer<typeof ItemKind>;

export const Item = z.object({
	id: z.uuid(),
	kind: ItemKind,
	/** The shared link; null for a text or pictures shared without one. */
	url: z.string().nullable(),
	/** What to show for what was shared: the link, a text's first line (cut), "3 pictures". */
	label: z.string(),
	title: z.string().nullable(),
	status: ItemStatus,
	currentPhase: z.string().nullable(),
	phases: z.array(Phase),
	attempt: z.number().int(),
	maxAttempts: z.number().int(),
	nextRunAt: z.iso.datetime().nullable(),
	error: ItemError.nullable(),
	results: z.record(z.string(), z.unknown()).nullable(),
	correlationId: z.string(),
	/** The bulk import it came from, or null for a single share. */
	batchId: z.uuid().nullable(),
	createdAt: z.iso.datetime(),
	updatedAt: z.iso.datetime(),
	startedAt: z.iso.datetime().nullable(),
	finishedAt: z.iso.datetime().nullable()
});
export type Item = z.infer<typeof Item>;

export const ItemDetail = Item.extend({ attempts: z.array(Attempt) });
export type ItemDetail = z.infer<typeof ItemDetail>;

export const ItemList = z.object({
	items: z.array(Item),
	total: z.number().int(),
	hasMore: z.boolean(),
	/** Pass as `cursor` for the next page (null on the last): fast however deep the page. */
	nextCursor: z.string().nullable()
});
export type ItemList = z.infer<typeof ItemList>;

/** POST /api/queue. Share sheets put the link in any of the three fields. */
/** The longest link, and the longest shared text a link is looked for in. */
export const MAX_LINK_LENGTH = 4096;
export const MAX_SHARE_TEXT_LENGTH = 20_000;
/** Pictures shared at once, as one recipe (a recipe over a few screenshots): more is rarely one recipe, and each costs the model tokens. */
export const MAX_SHARED_IMAGES = 10;
/** The largest picture taken (a phone's full-resolution photo is 3–8 MiB). */
export const MAX_SHARED_IMAGE_BYTES = 10 * 1024 * 1024;
/** The most pictures one share sends in all. */
export const MAX_SHARED_IMAGES_TOTAL_BYTES = 20 * 1024 * 1024;

/**
 * The most page HTML a share may bring (UTF-8 bytes): a typical recipe page is 0.3–2 MiB. The JSON
 * body around it may be larger (escaped quotes and newlines): MAX_SHARE_BODY_BYTES.
 */
export const MAX_PAGE_HTML_BYTES = 2 * 1024 * 1024;
export const MAX_SHARE_BODY_BYTES = 3 * 1024 * 1024;

export const EnqueueRequest = z.object({
	url: z.string().trim().max(MAX_LINK_LENGTH).optional(),
	/** Text without a link becomes a text item: the recipe is read from the text itself. */
	text: z.string().max(MAX_SHARE_TEXT_LENGTH).optional(),
	title: z.string().trim().max(500).optional(),
	/**
	 * The page's HTML as the person's browser has it (the bookmarklet, the iOS Shortcut), read
	 * instead of fetching `url`, which it needs (its address, the recipe's source). Only parsed,
	 * never run; at most MAX_PAGE_HTML_BYTES.
	 */
	html: z.string().optional(),
	/** Import again: queue a link that is already a saved recipe, to read it anew and update that recipe. */
	reimport: z.boolean().optional()
});
export type EnqueueRequest = z.infer<typeof EnqueueRequest>;

/** POST /api/queue's 200 for a link already saved as a recipe: no item was made. */
export const AlreadySaved = z.object({
	duplicate: z.literal(true),
	recipeId: z.uuid(),
	alreadySaved: RecipeSummary
});
export type AlreadySaved = z.infer<typeof AlreadySaved>;

/** POST /api/queue's 200: the item already queued (or made for this Idempotency-Key), or the recipe already saved. */
export const EnqueueResponse = z.union([Item.extend({ duplicate: z.boolean().optional() }), AlreadySaved]);
export type EnqueueResponse = z.infer<typeof EnqueueResponse>;

/** GET /api/queue query string. */
export const ListQuery = z.object({
	status: z
		.string()
		.optional()
		.transform((v) => (v ? v.split(',').map((s) => s.trim()).filter(Boolean) : undefined))
		.pipe(z.array(ItemStatus).optional()),
	limit: z.coerce.number().int().min(1).max(100).default(20),
	offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
	/** The previous page's `nextCursor`: the page after it (then `offset` is ignored). */
	cursor: z.string().max(200).optional(),
	batch: z.uuid().optional()
});
export type ListQuery = z.infer<typeof ListQuery>;

/** SSE `connection`: sent first on every stream. */
export const ConnectionEvent = z.object({
	serverTime: z.iso.datetime(),
	/** True when this stream resumed from Last-Event-ID: the missed changes follow as queue-updates. */
	resumed: z.boolean(),
	/** The requested items when not resuming: one item for ?itemId=, else the newest page of the user's items. */
	items: z.array(Item),
	total: z.number().int()
});
export type ConnectionEvent = z.infer<typeof ConnectionEvent>;

/** SSE `queue-update` (contract fields first; `item` carries the whole item for the dashboard). */
export const QueueUpdateEvent = z.object({
	itemId: z.uuid(),
	status: ItemStatus,
	timestamp: z.iso.datetime(),
	phases: z.array(Phase),
	results: z.record(z.string(), z.unknown()).nullable(),
	error: ItemError.nullable(),
	item: Item
});
export type QueueUpdateEvent = z.infer<typeof QueueUpdateEvent>;

/** SSE `queue-delete`: the item is gone. */
export const QueueDeleteEvent = z.object({ itemId: z.uuid(), timestamp: z.iso.datetime() });
export type QueueDeleteEvent = z.infer<typeof QueueDeleteEvent>;

/** SSE `ping`: a keep-alive every LIVE_PING_MS, so proxies keep the stream open and clients notice a dead one. */
export const PingEvent = z.object({ time: z.iso.datetime() });
export type PingEvent = z.infer<typeof PingEvent>;

/** How many items the first `connection` snapshot carries without ?itemId= (the dashboard's first page). */
export const SNAPSHOT_SIZE = 50;
