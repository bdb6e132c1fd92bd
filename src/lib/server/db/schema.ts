import { sql } from 'drizzle-orm';
import {
	bigint,
	boolean,
	check,
	customType,
	index,
	integer,
	jsonb,
	pgTable,
	primaryKey,
	smallint,
	text,
	timestamp,
	uniqueIndex,
	uuid
} from 'drizzle-orm/pg-core';

const tz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
const created = () => tz('created_at').notNull().defaultNow();
/** Raw bytes. postgres.js reads bytea as a Buffer, PGlite as a Uint8Array: both are Uint8Arrays. */
const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({ dataType: () => 'bytea' });

export const users = pgTable(
	'users',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		username: text('username').notNull(),
		/** argon2id (PHC string). Null only for the pre-accounts owner, which the first sign-up claims. */
		passwordHash: text('password_hash'),
		isAdmin: boolean('is_admin').notNull().default(false),
		/** Push notification preferences: when a recipe is saved, when an import fails. */
		notifySuccess: boolean('notify_success').notNull().default(true),
		notifyFailure: boolean('notify_failure').notNull().default(true),
		createdAt: created(),
		/** Set by the admin: the account cannot sign in, and its sessions and API tokens are refused. */
		disabledAt: tz('disabled_at')
	},
	// "Alice" and "alice" are the same person.
	(t) => [uniqueIndex('users_username_uq').on(sql`lower(${t.username})`)]
);

/**
 * Browser sessions, as Lucia teaches them: the token is `<id>.<secret>`; only a SHA-256 hash of
 * the secret is stored, and it is compared in constant time after the lookup by id.
 */
export const sessions = pgTable(
	'sessions',
	{
		id: text('id').primaryKey(),
		secretHash: text('secret_hash').notNull(),
		userId: uuid('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		createdAt: created(),
		expiresAt: tz('expires_at').notNull(),
		userAgent: text('user_agent')
	},
	(t) => [index('sessions_user_idx').on(t.userId)]
);

/** Long-lived credentials for what cannot hold a cookie (iOS Shortcuts, scripts): same scheme as sessions. */
export const apiTokens = pgTable(
	'api_tokens',
	{
		id: text('id').primaryKey(),
		secretHash: text('secret_hash').notNull(),
		userId: uuid('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		name: text('name').notNull(),
		createdAt: created(),
		lastUsedAt: tz('last_used_at')
	},
	(t) => [index('api_tokens_user_idx').on(t.userId)]
);

/** Fixed-window counters (login attempts per username and per address), shared by every process. */
export const rateLimits = pgTable('rate_limits', {
	key: text('key').primaryKey(),
	count: integer('count').notNull(),
	windowStartedAt: tz('window_started_at').notNull()
});

/**
 * One piece of work and its journey through a pipeline. The engine reads and writes this table
 * only through the statements in src/lib/server/queue/sql/; it knows nothing of what `input` is.
 */
export const queueItems = pgTable(
	'queue_items',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		userId: uuid('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		pipeline: text('pipeline').notNull(),
		status: text('status').notNull().default('pending'),
		currentPhase: text('current_phase'),
		/** What the pipeline works on, as its input schema describes it (for recipes: the shared link). */
		input: jsonb('input').notNull(),
		/** The same user may have only one active item per key (for recipes: the normalised link); null: no dedupe. */
		dedupeKey: text('dedupe_key'),
		/** Claims so far (every run of the item, for display); attempts per phase live on item_phases. */
		attempt: integer('attempt').notNull().default(0),
		/** Attempts each phase gets before the item is dead. */
		maxAttempts: integer('max_attempts').notNull(),
		nextRunAt: tz('next_run_at').notNull().defaultNow(),
		leaseOwner: text('lease_owner'),
		/** New for every claim; every write by a worker is fenced on it, so a worker that lost its lease cannot write. */
		leaseToken: uuid('lease_token'),
		leaseExpiresAt: tz('lease_expires_at'),
		correlationId: text('correlation_id').notNull(),
		idempotencyKey: text('idempotency_key'),
		error: text('error'),
		errorKind: text('error_kind'),
		errorCode: text('error_code'),
		result: jsonb('result'),
		/** Claimed before higher numbers, whoever owns them: 0 for what a person waits on, more for bulk work. */
		priority: smallint('priority').notNull().default(0),
		/** Items with the same key run at most a configured number at once (for recipes: the link's host); null: no limit. */
		concurrencyKey: text('concurrency_key'),
		batchId: uuid('batch_id').references(() => queueBatches.id, { onDelete: 'set null' }),
		replayOf: uuid('replay_of'),
		createdAt: created(),
		updatedAt: tz('updated_at').notNull().defaultNow(),
		startedAt: tz('started_at'),
		finishedAt: tz('finished_at')
	},
	(t) => [
		check(
			'queue_items_status_check',
			sql`${t.status} in ('pending','in_progress','success','error','dead','canceled')`
		),
		check('queue_items_error_kind_check', sql`${t.errorKind} in ('retryable','permanent')`),
		// When the next item is due (the workers' sleep), from this small partial index.
		index('queue_items_claim_idx').on(t.nextRunAt).where(sql`${t.status} = 'pending'`),
		// The fair claim: each owner's waiting items in the order they are taken, read per owner.
		index('queue_items_owner_claim_idx').on(t.userId, t.priority, t.nextRunAt, t.id).where(sql`${t.status} = 'pending'`),
		// How many items of a concurrency key are running, for the claim's per-key limit.
		index('queue_items_key_running_idx').on(t.concurrencyKey).where(sql`${t.status} = 'in_progress' and ${t.concurrencyKey} is not null`),
		index('queue_items_lease_idx').on(t.leaseExpiresAt).where(sql`${t.status} = 'in_progress'`),
		// Read backwards, this is the listing's order (created_at desc, id desc): a page comes off
		// the index, never sorted. (drizzle's .desc() would say NULLS LAST, which that order is not.)
		index('queue_items_user_created_idx').on(t.userId, t.createdAt, t.id),
		uniqueIndex('queue_items_active_dedupe_uq')
			.on(t.userId, t.dedupeKey)
			.where(sql`${t.status} in ('pending','in_progress') and ${t.dedupeKey} is not null`),
		uniqueIndex('queue_items_idempotency_uq')
			.on(t.userId, t.idempotencyKey)
			.where(sql`${t.idempotencyKey} is not null`),
		index('queue_items_batch_idx').on(t.batchId).where(sql`${t.batchId} is not null`),
		// The admin's figures (items finished in the last day or week) and retention's age test.
		index('queue_items_finished_idx').on(t.finishedAt).where(sql`${t.finishedAt} is not null`)
	]
);

/**
 * A set of items made together (a bulk import): what it was, how many items it made, and when its
 * last item finished. Its items point to it (queue_items.batch_id); their statuses are its progress.
 */
export const queueBatches = pgTable(
	'queue_batches',
	{
		id: uuid('id').primaryKey(),
		userId: uuid('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		pipeline: text('pipeline').notNull(),
		/** What the person calls it (a file's name, "Pasted links"). */
		label: text('label').notNull(),
		/** Items made. */
		total: integer('total').notNull().default(0),
		/** What the caller keeps about it, as its own schema says (for recipes: the links left out, and why). */
		summary: jsonb('summary').notNull().default(sql`'{}'::jsonb`),
		createdAt: created(),
		/** Set once no item of it is waiting or running; cleared when some are retried. */
		finishedAt: tz('finished_at')
	},
	(t) => [index('queue_batches_user_created_idx').on(t.userId, t.createdAt, t.id)]
);

/**
 * Politeness shared by every process: a site's fetch slots (at most FETCH_HOST_CONCURRENCY rows
 * per host held at once; a crashed holder's row expires) and when its next request may start
 * (requests spaced by a minute ÷ FETCH_HOST_RATE_PER_MINUTE). See politeness/shared-host-limiter.ts.
 */
export const hostSlots = pgTable(
	'host_slots',
	{
		host: text('host').notNull(),
		slot: integer('slot').notNull(),
		holder: text('holder').notNull(),
		expiresAt: tz('expires_at').notNull()
	},
	(t) => [primaryKey({ columns: [t.host, t.slot] })]
);

export const hostPace = pgTable('host_pace', {
	host: text('host').primaryKey(),
	nextAt: tz('next_at').notNull()
});

/**
 * How many items each user has in each status, kept by a statement-level trigger on queue_items
 * (drizzle/0008_queue_counts.sql), so a page of the dashboard says "10,000 items" without
 * counting them. A statement that changes no status (progress, heartbeats) does not touch it.
 */
export const queueCounts = pgTable(
	'queue_counts',
	{
		userId: uuid('user_id').notNull(),
		status: text('status').notNull(),
		n: bigint('n', { mode: 'number' }).notNull()
	},
	(t) => [primaryKey({ columns: [t.userId, t.status] })]
);

export const itemPhases = pgTable(
	'item_phases',
	{
		itemId: uuid('item_id')
			.notNull()
			.references(() => queueItems.id, { onDelete: 'cascade' }),
		name: text('name').notNull(),
		position: integer('position').notNull(),
		status: text('status').notNull().default('pending'),
		progress: integer('progress').notNull().default(0),
		message: text('message'),
		/** Attempts of this phase since it was last reset by a person's retry. */
		attempts: integer('attempts').notNull().default(0),
		startedAt: tz('started_at'),
		completedAt: tz('completed_at'),
		output: jsonb('output'),
		error: text('error'),
		errorKind: text('error_kind'),
		errorCode: text('error_code')
	},
	(t) => [
		primaryKey({ columns: [t.itemId, t.name] }),
		check(
			'item_phases_status_check',
			sql`${t.status} in ('pending','in_progress','completed','error','skipped')`
		),
		check('item_phases_progress_check', sql`${t.progress} between 0 and 100`)
	]
);

export const itemAttempts = pgTable(
	'item_attempts',
	{
		id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
		itemId: uuid('item_id')
			.notNull()
			.references(() => queueItems.id, { onDelete: 'cascade' }),
		phase: text('phase').notNull(),
		number: integer('number').notNull(),
		worker: text('worker').notNull(),
		startedAt: tz('started_at').notNull(),
		finishedAt: tz('finished_at'),
		outcome: text('outcome').notNull().default('running'),
		errorKind: text('error_kind'),
		errorCode: text('error_code'),
		message: text('message'),
		durationMs: integer('duration_ms')
	},
	(t) => [
		index('item_attempts_item_idx').on(t.itemId, t.id),
		// The admin's phase durations over the last day or week.
		index('item_attempts_finished_idx').on(t.finishedAt),
		check(
			'item_attempts_outcome_check',
			sql`${t.outcome} in ('running','completed','failed','canceled','released','lost')`
		)
	]
);

/**
 * The worker processes, as they announce themselves: a row is written when a worker starts and on
 * every heartbeat, and deleted when it stops cleanly; a crashed worker's row stops being renewed
 * and goes stale. The id is the one in queue_items.lease_owner, so what each runs is a join away.
 */
export const workers = pgTable('workers', {
	id: text('id').primaryKey(),
	hostname: text('hostname').notNull(),
	pid: integer('pid').notNull(),
	concurrency: integer('concurrency').notNull(),
	/** How often the worker renews this row: it counts as online while it is at most a few of these old. */
	heartbeatMs: integer('heartbeat_ms').notNull(),
	startedAt: tz('started_at').notNull(),
	lastSeenAt: tz('last_seen_at').notNull()
});

/**
 * Cookmark's own library: one row per dish. Every link that led to it is a `recipe_sources` row,
 * so the items of twin links (short and long, canonical, tracking parameters) update one recipe.
 */
export const recipes = pgTable(
	'recipes',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		userId: uuid('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		/** The item that last saved it (an Import again, a twin link); a retry of that item finds it here. */
		itemId: uuid('item_id').references(() => queueItems.id, { onDelete: 'set null' }),
		title: text('title').notNull(),
		sourceUrl: text('source_url'),
		imageUrl: text('image_url'),
		description: text('description'),
		data: jsonb('data').notNull(),
		createdAt: created(),
		updatedAt: tz('updated_at').notNull().defaultNow(),
		/** Set by a delete: hidden from every read, restorable for a while, then purged (recipes/trash.ts). */
		deletedAt: tz('deleted_at')
	},
	(t) => [
		// One item saves one recipe: a retry after a crash finds and updates it.
		uniqueIndex('recipes_item_uq').on(t.itemId),
		index('recipes_user_created_idx').on(t.userId, t.createdAt.desc()),
		// The purge finds the few deleted rows without reading the library.
		index('recipes_deleted_idx').on(t.deletedAt).where(sql`${t.deletedAt} is not null`)
	]
);

/**
 * The links that lead to a library recipe, as dedupe keys (links.ts normalizeUrl): the link shared,
 * where it redirected, the page's canonical URL. One recipe per user and key: twin links shared at
 * once cannot make two recipes, and a share of a saved link is answered without a new item.
 */
export const recipeSources = pgTable(
	'recipe_sources',
	{
		userId: uuid('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		key: text('key').notNull(),
		recipeId: uuid('recipe_id')
			.notNull()
			.references(() => recipes.id, { onDelete: 'cascade' }),
		createdAt: created()
	},
	(t) => [primaryKey({ columns: [t.userId, t.key] }), index('recipe_sources_recipe_idx').on(t.recipeId)]
);

/**
 * A library recipe's picture, kept by Cookmark: social sites' picture links are signed and expire
 * within days, so the library shows (and sends to Tandoor or Mealie) its own copy. One row per
 * size, re-encoded (pictures/render.ts); `hash` (SHA-256 of `bytes`) is the ETag and the version
 * in the picture's URL. Kept in the database so every process, and every backup, has them.
 */
export const recipePictures = pgTable(
	'recipe_pictures',
	{
		recipeId: uuid('recipe_id')
			.notNull()
			.references(() => recipes.id, { onDelete: 'cascade' }),
		size: text('size').notNull(),
		bytes: bytea('bytes').notNull(),
		contentType: text('content_type').notNull(),
		width: integer('width').notNull(),
		height: integer('height').notNull(),
		hash: text('hash').notNull(),
		/** The picture's address on its site, as the recipe named it when it was fetched. */
		sourceUrl: text('source_url').notNull(),
		fetchedAt: tz('fetched_at').notNull().defaultNow()
	},
	(t) => [primaryKey({ columns: [t.recipeId, t.size] }), check('recipe_pictures_size_check', sql`${t.size} in ('full','thumb')`)]
);

/**
 * Where a user's recipes go besides the library: one row per user who chose in Settings. No row
 * means the server's default (TANDOOR_* / MEALIE_*), if any; `none` is an explicit "library only".
 * The token is sealed (targets/token-cipher.ts) and never leaves the server.
 */
export const userTargets = pgTable(
	'user_targets',
	{
		userId: uuid('user_id')
			.primaryKey()
			.references(() => users.id, { onDelete: 'cascade' }),
		kind: text('kind').notNull(),
		baseUrl: text('base_url'),
		tokenSealed: text('token_sealed'),
		updatedAt: tz('updated_at').notNull().defaultNow()
	},
	(t) => [
		check('user_targets_kind_check', sql`${t.kind} in ('none','tandoor','mealie')`),
		check('user_targets_complete_check', sql`${t.kind} = 'none' or (${t.baseUrl} is not null and ${t.tokenSealed} is not null)`)
	]
);

/**
 * A person's own Instagram or TikTok login (the Cookie header their browser sends), for servers
 * those sites always show the login wall. Sealed like target tokens, bound to user and platform;
 * sent only to that platform's hosts and only for that person's items.
 */
export const platformSessions = pgTable(
	'platform_sessions',
	{
		userId: uuid('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		platform: text('platform').notNull(),
		cookieSealed: text('cookie_sealed').notNull(),
		createdAt: created(),
		updatedAt: tz('updated_at').notNull().defaultNow(),
		lastUsedAt: tz('last_used_at'),
		/** Set when the platform answered with its login page despite the session: it has expired. */
		expiredAt: tz('expired_at')
	},
	(t) => [primaryKey({ columns: [t.userId, t.platform] }), check('platform_sessions_platform_check', sql`${t.platform} in ('instagram','tiktok')`)]
);

/**
 * What a person shared that is not a link: a page's HTML sent by their own browser (for sites that
 * refuse servers), pictures (screenshots, a cookbook page). An item names its files in its input;
 * they are kept while it may run again, and pruned with its outputs (retention).
 */
export const sharedFiles = pgTable(
	'shared_files',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		userId: uuid('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		kind: text('kind').notNull(),
		contentType: text('content_type').notNull(),
		bytes: bytea('bytes').notNull(),
		/** Hex SHA-256 of the bytes: the same file shared twice is one item (dedupe). */
		sha256: text('sha256').notNull(),
		size: integer('size').notNull(),
		createdAt: created()
	},
	(t) => [index('shared_files_user_idx').on(t.userId, t.createdAt), check('shared_files_kind_check', sql`${t.kind} in ('html','image')`)]
);

/**
 * A library recipe's copy on a target, recorded the moment the target gives it an id: a retry or a
 * re-upload finds it here and updates it rather than creating a second one.
 */
export const recipeUploads = pgTable(
	'recipe_uploads',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		recipeId: uuid('recipe_id')
			.notNull()
			.references(() => recipes.id, { onDelete: 'cascade' }),
		kind: text('kind').notNull(),
		baseUrl: text('base_url').notNull(),
		remoteId: text('remote_id').notNull(),
		remoteUrl: text('remote_url').notNull(),
		/** Null until the whole recipe (and its picture) has been written. */
		completedAt: tz('completed_at'),
		createdAt: created(),
		updatedAt: tz('updated_at').notNull().defaultNow()
	},
	(t) => [
		uniqueIndex('recipe_uploads_target_uq').on(t.recipeId, t.kind, t.baseUrl),
		check('recipe_uploads_kind_check', sql`${t.kind} in ('tandoor','mealie')`)
	]
);

/**
 * One row per visible change of an item (status, phase, progress, result) or its deletion,
 * written by a trigger in the same transaction as the change (drizzle/0003_item_events_trigger.sql),
 * whichever process made it. The ids are the SSE event ids that Last-Event-ID replays from.
 */
export const itemEvents = pgTable(
	'item_events',
	{
		id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
		userId: uuid('user_id').notNull(),
		// No foreign key: a deletion is itself an event that outlives the item.
		itemId: uuid('item_id').notNull(),
		kind: text('kind').notNull(),
		createdAt: created()
	},
	(t) => [
		index('item_events_user_idx').on(t.userId, t.id),
		index('item_events_created_idx').on(t.createdAt),
		check('item_events_kind_check', sql`${t.kind} in ('update','delete')`)
	]
);

/** Server-wide settings the app generates once and every process shares (VAPID keys, secrets). */
export const appConfig = pgTable('app_config', {
	key: text('key').primaryKey(),
	value: jsonb('value').notNull(),
	createdAt: created()
});

/** A browser or device that receives this user's push notifications. */
export const pushSubscriptions = pgTable(
	'push_subscriptions',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		userId: uuid('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		/** The push service URL; one device, one endpoint (re-subscribing updates the row). */
		endpoint: text('endpoint').notNull().unique(),
		p256dh: text('p256dh').notNull(),
		auth: text('auth').notNull(),
		/** "Chrome on Android", from the user agent, so people can tell their devices apart. */
		device: text('device').notNull(),
		createdAt: created(),
		lastSuccessAt: tz('last_success_at')
	},
	(t) => [index('push_subscriptions_user_idx').on(t.userId)]
);
