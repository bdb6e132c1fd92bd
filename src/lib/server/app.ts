import type { Logger } from 'pino';
import { config as loadConfig, type Config } from './config';
import { openDatabase, type Database } from './db/client';
import { migrate } from './db/migrate';
import { whenDatabaseAnswers } from './db/wait';
import { LiveHub } from './live/hub';
import { createLogger } from './log';
import { Metrics } from './metrics/registry';
import { Notifier } from './push/notifier';
import { PushSender } from './push/sender';
import { loadVapidKeys, type VapidKeys } from './push/vapid';
import { HostLimiter } from './net/host-limiter';
import { SharedHostLimiter } from './politeness/shared-host-limiter';
import type { AddressPolicy } from './net/guarded-lookup';
import { configuredLimits, safeFetch, safeFetchBytes } from './net/safe-fetch';
import { downloadPicture } from './pictures/download';
import { RecipePictures } from './pictures/keep';
import { recipePipeline } from './pipeline/recipe';
import { fetchWithSessions } from './platform-sessions/fetch';
import { PlatformSessions } from './platform-sessions/store';
import { purgeDeletedRecipes } from './recipes/trash';
import { Retention } from './retention/retention';
import { llmClientFromConfig } from './llm/chat-json';
import { transcriptionClientFromConfig } from './llm/transcribe';
import { ReadingServices } from './reading-services';
import { SharedFiles } from './shares/files';
import { PipelineRegistry } from './queue/pipeline';
import { QueueService } from './queue/service';
import { ItemService } from './shares/items';
import { Worker } from './queue/worker';
import { TargetService } from './targets/service';
import { TargetSettings } from './targets/settings';
import { TokenCipher } from './targets/token-cipher';
import { checkTokenKey } from './targets/key-check';

/** Everything a request handler, the worker command or a test needs, wired once. */
export interface App {
	config: Config;
	log: Logger;
	database: Database;
	registry: PipelineRegistry;
	/** The engine's side of the queue: enqueue. */
	queue: QueueService;
	/** The queue as the API shows it (items with their links): what routes, streams and notifications use. */
	items: ItemService;
	/** Fans item changes out to this process's SSE streams. */
	live: LiveHub;
	vapid: VapidKeys;
	push: PushSender;
	notifier: Notifier;
	/** Each user's Tandoor or Mealie: settings, sending, testing. */
	targets: TargetService;
	/** Each user's saved Instagram and TikTok logins. */
	platformSessions: PlatformSessions;
	/** Page HTML and pictures people shared instead of (or with) a link. */
	sharedFiles: SharedFiles;
	/** The server's chat model, pictures and transcription: what is set up, and Test. */
	readingServices: ReadingServices;
	worker: Worker | null;
	/** This process's metrics (GET /metrics). */
	metrics: Metrics;
	/** Pruning of old events and outputs: settings, runs; scheduled in processes that run a worker. */
	retention: Retention;
	/** False once shutdown started; /api/ready answers 503 from then on. */
	readonly accepting: boolean;
	shutdown(): Promise<void>;
}

export interface CreateAppOptions {
	config?: Config;
	/** Overrides QUEUE_PROCESSING_ENABLED (the worker command forces it on). */
	startWorker?: boolean;
	log?: Logger;
	/**
	 * Test-only seam for fetches of shared links and their pictures (SafeFetchOptions.policy): a
	 * test stages DNS answers and lets a fixture on 127.0.0.x play a public site. The web process
	 * never passes it (runtime.ts), so the system resolver and the public-address rule apply.
	 */
	addressPolicy?: AddressPolicy;
}

/** The composition root: the only module that knows both the engine and the recipe pipeline. */
export async function createApp(options: CreateAppOptions = {}): Promise<App> {
	const config = options.config ?? loadConfig();
	const log = options.log ?? createLogger(config.LOG_LEVEL);
	const database = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR });
	await whenDatabaseAnswers(() => migrate(database, config.DATABASE_URL), { waitMs: config.DATABASE_WAIT_MS, log });
	// Deleted recipes whose undo window has passed; later deletes purge the rest, a batch at a time.
	await purgeDeletedRecipes(database);

	const metrics = new Metrics({ database, log: log.child({ component: 'metrics' }), sseConnections: () => live.connectionCount });
	const publicFetch = { ...configuredLimits(config), policy: options.addressPolicy };
	// Keyed by the shared link's host, and shared by every process on the database (a batch spread
	// over several workers is as polite as one). Redirect hops to another host ride on that slot:
	// waiting for a second host's slot while holding the first could deadlock (a → b → a), and the
	// hop count is small and bounded.
	const hosts = await SharedHostLimiter.start(database, {
		concurrency: config.FETCH_HOST_CONCURRENCY,
		perMinute: config.FETCH_HOST_RATE_PER_MINUTE,
		// A slot outlives its fetch only when its process died: then it frees itself after this.
		slotTtlMs: 2 * config.FETCH_TIMEOUT_MS + 60_000
	});
	const cipher = await TokenCipher.load({ secret: config.SECRET_KEY, dataDir: config.DATA_DIR });
	await checkTokenKey(database, cipher, !!config.SECRET_KEY, log);
	// Targets are the user's own servers, often on their LAN: private addresses are allowed for
	// them (and only them), under the same time and size limits as page fetches. They are not
	// third-party sites, so they have their own per-host limiter, without a per-minute cap. A
	// recipe's picture comes from the public web: it is fetched like a page, kept in the library,
	// and sent to the target as bytes.
	const pictures = new RecipePictures(database, (url, signal) =>
		hosts.run(url, signal, () => downloadPicture(url, { signal, ...publicFetch, observe: metrics.fetch('picture') }))
	);
	const targetHosts = new HostLimiter({ concurrency: config.TARGET_HOST_CONCURRENCY, intervalMs: 60_000 });
	const targets = new TargetService(database, new TargetSettings(database, cipher, config), {
		limits: { ...configuredLimits(config), allowPrivate: true, hosts: targetHosts },
		keepPicture: (recipeId, url, signal) => pictures.keep(recipeId, url, signal)
	});
	const platformSessions = new PlatformSessions(database, cipher);
	const sharedFiles = new SharedFiles(database);
	const llm = llmClientFromConfig(config, { observe: metrics.llm });
	const transcriber = transcriptionClientFromConfig(config, { observe: metrics.transcription });
	const readingServices = new ReadingServices({ llm, llmBaseUrl: config.LLM_API_BASE_URL, vision: config.LLM_VISION, transcriber, sttBaseUrl: config.STT_API_BASE_URL });
	const registry = new PipelineRegistry();
	registry.register(
		recipePipeline({
			database,
			keepPicture: (recipeId, url, signal) => pictures.keep(recipeId, url, signal),
			keepSharedPicture: (recipeId, { userId, fileId, url }, signal) =>
				pictures.keepBytes(recipeId, url, async () => (await sharedFiles.load(userId, [fileId]))[0]?.bytes ?? null, signal),
			loadSharedPictures: async (userId, ids) => (await sharedFiles.load(userId, ids)).filter((f) => f.kind === 'image'),
			sendToTarget: (input) => targets.send(input),
			llm,
			llmMaxInputChars: config.LLM_MAX_INPUT_CHARS,
			llmVision: config.LLM_VISION,
			transcriber,
			// A video may take longer than a page: its own size limit, and the transcription's time.
			media: {
				videoMaxBytes: config.STT_MAX_BYTES,
				fetch: (url, signal, limits) =>
					hosts.run(url, signal, () =>
						safeFetchBytes(url, { signal, ...publicFetch, ...limits, timeoutMs: Math.max(config.FETCH_TIMEOUT_MS, config.STT_TIMEOUT_MS), observe: metrics.fetch('media') })
					)
			},
			fetchPage: fetchWithSessions(platformSessions, (url, signal, cookie) =>
				hosts.run(url, signal, () => safeFetch(url, { signal, ...publicFetch, cookie, observe: metrics.fetch('page') }))
			),
			sharedHtml: async (userId, fileId) => {
				const [file] = await sharedFiles.load(userId, [fileId]);
				return file ? new TextDecoder().decode(file.bytes) : null;
			}
		})
	);

	const queue = new QueueService(database, registry, {
		maxAttempts: config.QUEUE_RETRY_ATTEMPTS,
		onSettleError: (err) => log.warn({ err }, 'could not finish batches now; the next start finishes them'),
		onBatchFinished: (batch) => {
			const n = (status: string) => batch.counts[status] ?? 0;
			void notifier.batchFinished(batch.userId, { id: batch.id, label: batch.label, saved: n('success'), failed: n('error') + n('dead'), canceled: n('canceled') });
		}
	});
	const items = new ItemService(queue);
	const live = new LiveHub(database, items, log.child({ component: 'live' }));
	const vapid = await loadVapidKeys(database, config);
	const push = new PushSender({ database, vapid, log: log.child({ component: 'push' }), allowPrivate: config.FETCH_ALLOW_PRIVATE, observe: metrics.push });
	const notifier = new Notifier({ database, queue: items, sender: push, log: log.child({ component: 'notify' }) }, config.PUSH_COALESCE_MS);
	const worker =
		(options.startWorker ?? config.QUEUE_PROCESSING_ENABLED)
			? new Worker({
					database,
					registry,
					log: log.child({ component: 'worker' }),
					concurrency: config.QUEUE_CONCURRENCY,
					timeoutMs: config.QUEUE_TIMEOUT_MS,
					leaseMs: config.QUEUE_LEASE_MS,
					pollMs: config.QUEUE_POLL_MS,
					// An item's key is its link's host: no more of one site's items run than it may be fetched at once.
					keyLimit: config.FETCH_HOST_CONCURRENCY,
					graceMs: config.QUEUE_SHUTDOWN_GRACE_MS,
					backoff: { baseMs: config.QUEUE_BACKOFF_BASE_MS, maxMs: config.QUEUE_BACKOFF_MAX_MS },
					// A bulk import's items are told of once, when the whole batch ends.
					onFinished: (item) => (item.batchId ? queue.batchItemEnded(item.batchId) : notifier.itemFinished(item.userId, item.id)),
					observer: metrics.queue
				})
			: null;
	await worker?.start();
	// Batches whose last item ended while no process was there to see it (a crash, a restart).
	if (worker) await queue.finishBatches();
	const retention = new Retention({
		database,
		defaults: { eventsDays: config.RETENTION_EVENTS_DAYS, outputDays: config.RETENTION_OUTPUT_DAYS },
		log: log.child({ component: 'retention' })
	});
	// Where work is done, so a web process without a worker stays a thin front.
	if (worker) retention.start();
	log.info({ database: database.kind, worker: worker?.id ?? null, secretKey: cipher.fingerprint }, 'cookmark ready');

	let accepting = true;
	let closing: Promise<void> | undefined;
	return {
		config,
		log,
		database,
		registry,
		queue,
		items,
		live,
		vapid,
		push,
		notifier,
		targets,
		platformSessions,
		sharedFiles,
		readingServices,
		worker,
		metrics,
		retention,
		get accepting() {
			return accepting;
		},
		shutdown() {
			accepting = false;
			closing ??= (async () => {
				await worker?.stop();
				// Items the worker just finished may have ended their batch.
				await queue.idle();
				await retention.stop();
				await live.close();
				await hosts.close();
				await notifier.close();
				// Deliveries get a moment to finish; a dead push service must not hold up the exit.
				await Promise.race([push.idle(), new Promise((r) => setTimeout(r, 2_000).unref())]);
				push.close();
				await database.close();
				log.info('database closed');
			})();
			return closing;
		}
	};
}
