import { z } from 'zod';
import {
	ApiTokenInfo,
	ChangePasswordRequest,
	CreatedToken,
	CreatedUser,
	CreateTokenRequest,
	Credentials,
	LoginRequest,
	LogoutAllResponse,
	OkResponse,
	SessionInfo,
	SignedInUser,
	SignInResponse,
	TokenList,
	User,
	UserList
} from '../../contract/auth';
import {
	AdminStats,
	AdminUser,
	AdminUserList,
	AdminUserResult,
	DeletedUser,
	FailedItem,
	FailedList,
	FailedQuery,
	PhaseDurations,
	ResetPasswordRequest,
	ResetPasswordResult,
	RetentionRun,
	RetentionSettings,
	RetentionUpdate,
	RetryFailedRequest,
	RetryFailedResult,
	RunningItem,
	StatsBucket,
	StatsQuery,
	UserRef,
	WorkerInfo,
	WorkerList
} from '../../contract/admin';
import { ApiError } from '../../contract/errors';
import { ReadingServicesView, ServiceTestRequest, ServiceTestResult } from '../../contract/reading-services';
import {
	Batch,
	BatchActionResult,
	BatchList,
	BatchPreview,
	BatchProgress,
	CreateBatchRequest,
	ImportCounts,
	ImportSite,
	MAX_IMPORT_BYTES,
	MAX_IMPORT_LINKS
} from '../../contract/imports';
import { ListRecipesQuery, PictureQuery, RecipeDetail, RecipeList, RecipeSummary } from '../../contract/library';
import {
	DeviceList,
	NotificationPreferences,
	PushDevice,
	SubscribeRequest,
	SubscribeResponse,
	TestNotificationResponse,
	UnsubscribeRequest,
	VapidKey
} from '../../contract/push';
import {
	AlreadySaved,
	Attempt,
	ConnectionEvent,
	EnqueueRequest,
	EnqueueResponse,
	Item,
	ItemDetail,
	ItemList,
	ListQuery,
	MAX_SHARED_IMAGE_BYTES,
	MAX_SHARED_IMAGES,
	MAX_SHARED_IMAGES_TOTAL_BYTES,
	Phase,
	PingEvent,
	QueueDeleteEvent,
	QueueUpdateEvent
} from '../../contract/queue';
import { Recipe } from '../../contract/recipe';
import { EditedRecipe, RecipePatch } from '../../contract/recipe-edit';
import { TargetInput, TargetLink, TargetTestInput, TargetTestResult, TargetView } from '../../contract/targets';
import { PlatformSessionList, PlatformSessionView, SessionInput, SessionPlatform } from '../../contract/platform-sessions';
import { SESSION_COOKIE } from '../auth/request';

/**
 * The OpenAPI 3.1 document of the JSON API (GET /api/openapi.json), generated from the zod
 * schemas the routes validate with, so the document cannot say one thing while the server checks
 * another. The routes themselves are listed below as data; tests/unit/openapi.test.ts holds this
 * list and src/routes/api against each other, so a new route or method cannot go undocumented.
 */

// --- Answers that have no schema in the contract -----------------------------------------------
// These are operational (probes), third-party (schema.org) or this document itself: nothing a
// client of the contract parses, so they are described here rather than added to src/lib/contract.

const databaseKind = z.enum(['pglite', 'postgres']);

/** GET /api/health: the process answers (src/routes/api/health). */
const Health = z.object({
	ok: z.literal(true),
	database: databaseKind,
	/** This process's worker id, null when it runs no worker. */
	worker: z.string().nullable(),
	uptimeSeconds: z.number().int().min(0)
});

/** GET /api/ready: the database answers (src/routes/api/ready). */
const Readiness = z.object({
	ok: z.literal(true),
	database: databaseKind,
	worker: z.object({ id: z.string(), active: z.number().int().min(0) }).nullable(),
	live: z.object({ connections: z.number().int().min(0) })
});

/**
 * GET /api/recipes/{id}/jsonld: a schema.org Recipe (src/lib/recipe-jsonld.ts). Only the keys
 * every export has are listed; the rest follow schema.org and are left out when the recipe does
 * not state them.
 */
const SchemaOrgRecipe = z.looseObject({
	'@context': z.literal('https://schema.org'),
	'@type': z.literal('Recipe'),
	name: z.string(),
	url: z.string(),
	isBasedOn: z.string()
});

/** GET /api/openapi.json: this document (only its top level; the rest is OpenAPI 3.1 itself). */
const OpenApiDocument = z.looseObject({
	openapi: z.string(),
	info: z.looseObject({ title: z.string(), version: z.string() }),
	paths: z.record(z.string(), z.unknown()),
	components: z.record(z.string(), z.unknown())
});

/** GET /api/queue/stream reads its query by hand: an itemId that is no id is a 404, a lastEventId that is no number starts afresh. */
const StreamQuery = z.object({
	itemId: z.guid().optional(),
	lastEventId: z.string().regex(/^\d{1,15}$/).optional()
});

/**
 * POST /api/batches as multipart/form-data (the import page's form). The route reads it by hand,
 * streaming it through busboy (src/lib/server/imports/read-request.ts), not through a zod schema;
 * this says what it reads.
 */
const ImportForm = z.object({
	file: z
		.file()
		.max(MAX_IMPORT_BYTES)
		.optional()
		.meta({
			description:
				'Notes (.txt, .md: any text with links), a spreadsheet (.csv, .tsv: any cell holding a link), a JSON export (.json: any string that is a link) ' +
				'or a browser\'s bookmarks (.html). Its kind comes from its extension, else its content type, else its first characters. At most 10 MB.'
		}),
	text: z.string().optional().meta({ description: 'Pasted text holding links, read when no file is sent. At most 10 MB.' }),
	label: z.string().optional().meta({
		description: 'What the batch is called (its first 200 characters). Left out: the file\'s name, or "Pasted links" for pasted text.'
	}),
	preview: z.string().optional().meta({ description: '`true`, `1` or `on`: only count, and make nothing. Anything else, or none, imports.' })
});

// --- Components -----------------------------------------------------------------------------------

type Io = 'input' | 'output';

const MIB = 1024 * 1024;

/**
 * POST /api/queue as multipart/form-data (the share target, the dashboard's upload, a Shortcut).
 * Read by hand through busboy (src/lib/server/shares/read-share-form.ts); this says what it reads.
 */
const ShareForm = z.object({
	images: z
		.array(z.file().max(MAX_SHARED_IMAGE_BYTES))
		.max(MAX_SHARED_IMAGES)
		.optional()
		.meta({
			description:
				`Pictures of one recipe (screenshots, photos of a page or a card), in order: JPEG, PNG, WebP, GIF, AVIF or HEIC, told by their bytes. ` +
				`At most ${MAX_SHARED_IMAGES}, each at most ${MAX_SHARED_IMAGE_BYTES / MIB} MiB, ${MAX_SHARED_IMAGES_TOTAL_BYTES / MIB} MiB together. ` +
				'They are re-encoded (upright, at most 2048 px, metadata such as the location dropped) and read by the chat model (LLM_VISION).'
		}),
	url: z.string().optional().meta({ description: 'A link, as in the JSON body; with pictures, where they came from.' }),
	text: z.string().optional().meta({ description: 'Shared text: a link is looked for in it; with pictures, it goes to the model with them.' }),
	title: z.string().optional().meta({ description: 'A title, as in the JSON body.' })
});

/**
 * Request bodies are described as the server reads them (zod's input side: before transforms and
 * defaults, extra keys allowed since z.object drops them); answers as the server writes them
 * (the output side). One zod schema may appear once per side, under its own name.
 */
const input = (schema: z.ZodType) => ({ schema, io: 'input' as Io });
const output = (schema: z.ZodType) => ({ schema, io: 'output' as Io });

export const schemaComponents = {
	// Request bodies.
	Credentials: input(Credentials),
	LoginRequest: input(LoginRequest),
	ChangePasswordRequest: input(ChangePasswordRequest),
	CreateTokenRequest: input(CreateTokenRequest),
	EnqueueRequest: input(EnqueueRequest),
	SubscribeRequest: input(SubscribeRequest),
	UnsubscribeRequest: input(UnsubscribeRequest),
	NotificationPreferencesInput: input(NotificationPreferences),
	TargetInput: input(TargetInput),
	TargetTestInput: input(TargetTestInput),
	SessionInput: input(SessionInput),
	RecipePatch: input(RecipePatch),
	CreateBatchRequest: input(CreateBatchRequest),
	ImportForm: input(ImportForm),
	ShareForm: input(ShareForm),
	RetryFailedRequest: input(RetryFailedRequest),
	ResetPasswordRequest: input(ResetPasswordRequest),
	RetentionUpdate: input(RetentionUpdate),
	ServiceTestRequest: input(ServiceTestRequest),
	// Answers.
	ApiError: output(ApiError),
	OkResponse: output(OkResponse),
	SignedInUser: output(SignedInUser),
	SignInResponse: output(SignInResponse),
	SessionInfo: output(SessionInfo),
	LogoutAllResponse: output(LogoutAllResponse),
	User: output(User),
	UserList: output(UserList),
	CreatedUser: output(CreatedUser),
	ApiTokenInfo: output(ApiTokenInfo),
	TokenList: output(TokenList),
	CreatedToken: output(CreatedToken),
	Phase: output(Phase),
	Attempt: output(Attempt),
	Item: output(Item),
	ItemDetail: output(ItemDetail),
	ItemList: output(ItemList),
	EnqueueResponse: output(EnqueueResponse),
	AlreadySaved: output(AlreadySaved),
	ConnectionEvent: output(ConnectionEvent),
	QueueUpdateEvent: output(QueueUpdateEvent),
	QueueDeleteEvent: output(QueueDeleteEvent),
	PingEvent: output(PingEvent),
	VapidKey: output(VapidKey),
	SubscribeResponse: output(SubscribeResponse),
	PushDevice: output(PushDevice),
	DeviceList: output(DeviceList),
	TestNotificationResponse: output(TestNotificationResponse),
	NotificationPreferences: output(NotificationPreferences),
	Recipe: output(Recipe),
	RecipeSummary: output(RecipeSummary),
	RecipeList: output(RecipeList),
	RecipeDetail: output(RecipeDetail),
	EditedRecipe: output(EditedRecipe),
	SchemaOrgRecipe: output(SchemaOrgRecipe),
	TargetView: output(TargetView),
	TargetTestResult: output(TargetTestResult),
	TargetLink: output(TargetLink),
	PlatformSessionView: output(PlatformSessionView),
	PlatformSessionList: output(PlatformSessionList),
	ImportSite: output(ImportSite),
	ImportCounts: output(ImportCounts),
	BatchProgress: output(BatchProgress),
	Batch: output(Batch),
	BatchList: output(BatchList),
	BatchPreview: output(BatchPreview),
	BatchActionResult: output(BatchActionResult),
	StatsBucket: output(StatsBucket),
	PhaseDurations: output(PhaseDurations),
	AdminStats: output(AdminStats),
	UserRef: output(UserRef),
	FailedItem: output(FailedItem),
	FailedList: output(FailedList),
	RetryFailedResult: output(RetryFailedResult),
	RunningItem: output(RunningItem),
	WorkerInfo: output(WorkerInfo),
	WorkerList: output(WorkerList),
	AdminUser: output(AdminUser),
	AdminUserList: output(AdminUserList),
	AdminUserResult: output(AdminUserResult),
	ResetPasswordResult: output(ResetPasswordResult),
	DeletedUser: output(DeletedUser),
	RetentionRun: output(RetentionRun),
	RetentionSettings: output(RetentionSettings),
	ReadingServicesView: output(ReadingServicesView),
	ServiceTestResult: output(ServiceTestResult),
	Health: output(Health),
	Readiness: output(Readiness),
	OpenApiDocument: output(OpenApiDocument)
};
export type SchemaName = keyof typeof schemaComponents;

/** Where components live in the document; zod writes its $refs with this. */
export const schemaRef = (name: string) => `#/components/schemas/${name}`;

type JsonSchema = Record<string, unknown>;

/** Every component through zod: one registry per side, so a component nested in another becomes a $ref. */
function generateSchemas(): Record<string, JsonSchema> {
	const registries = { input: z.registry<{ id: string }>(), output: z.registry<{ id: string }>() };
	for (const [id, { schema, io }] of Object.entries(schemaComponents)) registries[io].add(schema, { id });
	const schemas: Record<string, JsonSchema> = {};
	for (const io of ['input', 'output'] as const) {
		// unrepresentable: 'any': a refine or transform has no JSON Schema; the shape before it still does.
		const generated = z.toJSONSchema(registries[io], { io, unrepresentable: 'any', uri: schemaRef });
		for (const [id, schema] of Object.entries(generated.schemas)) {
			// $schema and $id are for standalone files; inside OpenAPI 3.1 the component's place names it.
			const { $schema: _dialect, $id: _id, ...rest } = schema as JsonSchema;
			schemas[id] = rest;
		}
	}
	return schemas;
}

/** A schema used inline (parameters), without the standalone-file keys. */
function inlineSchema(schema: z.ZodType, io: Io): JsonSchema {
	const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
	return rest;
}

const responseHeaders = {
	Location: {
		description: 'Where the item can be read: `/api/queue/{id}`; for a link already saved, the recipe: `/api/recipes/{id}`.',
		schema: { type: 'string' }
	},
	BatchLocation: { description: 'Where the batch can be read: `/api/batches/{id}`.', schema: { type: 'string' } },
	IdempotentReplayed: {
		description: '`true` when this answer repeats the one given earlier for the same Idempotency-Key.',
		schema: { type: 'string', enum: ['true'] }
	},
	SetSessionCookie: { description: `The \`${SESSION_COOKIE}\` session cookie (httpOnly, SameSite=Lax).`, schema: { type: 'string' } },
	RetryAfter: { description: 'Seconds until another attempt is allowed.', schema: { type: 'integer', minimum: 1 } },
	WwwAuthenticate: { description: '`Bearer realm="cookmark"`.', schema: { type: 'string' } },
	ContentDisposition: { description: '`attachment; filename="<recipe>.jsonld"`.', schema: { type: 'string' } },
	FailedCsvDisposition: { description: '`attachment; filename="<batch label>-failed.csv"`.', schema: { type: 'string' } },
	BackupDisposition: { description: '`attachment; filename="cookmark-<UTC time>.cmbak"`.', schema: { type: 'string' } },
	ETag: { description: 'The version of this content; send it back in `If-None-Match` to be answered 304 while it holds.', schema: { type: 'string' } },
	CacheControl: { description: 'How long a browser may keep the answer without asking again.', schema: { type: 'string' } }
} satisfies Record<string, JsonSchema>;
type HeaderName = keyof typeof responseHeaders;

// --- Routes ---------------------------------------------------------------------------------------

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/**
 * Who may call: `public` needs nothing; `optional-session` acts on a session cookie when there is
 * one; `signed-in` takes a session or an API token; `session` refuses API tokens (403), for what a
 * leaked token must not do.
 */
type Access = 'public' | 'optional-session' | 'signed-in' | 'session';

interface Success {
	status: 200 | 201 | 202 | 204 | 304;
	description: string;
	/** The answer's schema; none for a 204 or a 304, or for bytes (`binary`). */
	body?: SchemaName;
	/** application/json unless said otherwise. */
	mediaType?: string;
	/** The answer is a file of `mediaType` (a picture, a CSV download), not a document a schema describes. */
	binary?: true;
	headers?: HeaderName[];
	/** text/event-stream: each event's name and the schema of its JSON `data`. */
	events?: Record<string, SchemaName>;
}

interface Failure {
	status: number;
	/** The `error.code` values this status comes with here. */
	codes: string[];
	description: string;
	headers?: HeaderName[];
}

interface Operation {
	method: Method;
	/** OpenAPI path template: `{id}` where the route directory says `[id]`. */
	path: string;
	operationId: string;
	tag: Tag;
	summary: string;
	description?: string;
	access: Access;
	/** The path parameter: `{id}`, or the name given (`{platform}`). */
	id?: { schema: z.ZodType; description: string; name?: string };
	/**
	 * The zod schema the route reads its query string with, and a word on each field. `byHand`: the
	 * route reads the fields itself instead of through parseQuery, so a bad query is no 400.
	 */
	query?: { schema: z.ZodObject; notes: Record<string, string>; byHand?: true };
	requestHeaders?: { name: string; description: string; schema: JsonSchema }[];
	/** The JSON body, read with readJson. */
	body?: SchemaName;
	/** What its 413 says, when the route reads more than readJson's 64 KiB. */
	bodyLimit?: string;
	/**
	 * The same request may come as multipart/form-data instead (a file upload), read by hand: the
	 * schema of its fields. Only beside `body`, whose 415 then names both media types.
	 */
	form?: SchemaName;
	answers: Success[];
	/** Errors of this route's own; those every route of its kind shares are added by `commonErrors`. */
	errors?: Failure[];
	/** Handlers not wrapped in api() (health, readiness, this document) have no JSON 500 of their own. */
	internalErrors?: false;
}

const tags = {
	queue: 'Shared links and the items that import them.',
	live: 'Live updates of the queue over Server-Sent Events.',
	imports: 'Many links at once: a batch made from a list, pasted text or a file, its progress, and what failed.',
	library: 'Saved recipes.',
	targets: 'Where recipes go besides the library: Tandoor or Mealie.',
	'platform-sessions': 'A person\'s own Instagram or TikTok login, sent only to that platform when reading their posts. The value is never part of an answer.',
	notifications: 'Web Push notifications.',
	auth: 'Accounts and sessions.',
	tokens: 'API tokens, for scripts and apps (session only).',
	users: 'Accounts, as the admin manages them.',
	admin: 'The admin page\'s API (admin only): figures, failed items across users, workers, accounts and retention. Every action is written to the log as an audit line.',
	system: 'Probes and this document.'
};
type Tag = keyof typeof tags;

const itemId = { schema: z.guid(), description: 'The item id.' };
const recipeId = { schema: z.guid(), description: 'The recipe id.' };
const batchId = { schema: z.guid(), description: 'The batch id, from POST or GET /api/batches.' };
const deviceId = { schema: z.guid(), description: 'The device id, from GET /api/notifications/devices.' };
// API token ids are not UUIDs: they are the `<id>` of the `cm_<id>.<secret>` credential.
const tokenId = { schema: z.string().regex(/^[a-z2-7]{32}$/), description: 'The token id, from GET /api/tokens.' };

const platform = { schema: SessionPlatform, description: 'The platform: `instagram` or `tiktok`.', name: 'platform' };

const notFound = (what: string): Failure => ({ status: 404, codes: ['not_found'], description: `No such ${what}, or it is someone else's.` });
// The Tandoor and Mealie clients' error codes; `message` says what to fix in words a person reads.
const targetFailures: Failure[] = [
	{
		status: 422,
		codes: ['target_auth', 'target_forbidden', 'target_not_found', 'target_rejected', 'target_error'],
		description: 'The server refused the token or the recipe, or is not that kind of server (among others).'
	},
	{
		status: 502,
		codes: ['network', 'dns', 'timeout', 'server_error', 'rate_limited'],
		description: 'The server is unreachable or failing (among others).'
	}
];
const adminOnly: Failure = { status: 403, codes: ['admin_only'], description: 'Only the admin can do this.' };
const accountId = { schema: z.guid(), description: 'The account id, from GET /api/admin/users.' };
const lockout: Failure = {
	status: 409,
	codes: ['self', 'last_admin'],
	description: 'Your own account, or the last admin who can sign in: nobody would be left to manage the server.'
};
const tooManyAttempts: Failure = {
	status: 429,
	codes: ['too_many_attempts'],
	description: 'Too many attempts from this address or for this account.',
	headers: ['RetryAfter']
};

export const operations: Operation[] = [
	{
		method: 'post',
		path: '/api/queue',
		operationId: 'enqueue',
		tag: 'queue',
		summary: 'Share a link, a page, a recipe\'s text, or pictures of a recipe',
		description:
			'The link may be in `url`, `text` or `title`, as share sheets send it. A link already pending or running is not queued twice, ' +
			'and a link already saved as a recipe is not queued at all unless `reimport` is true (then the new item updates that recipe). ' +
			'`html` (with `url`, at most 2 MiB of UTF-8) is the page as the sender\'s browser has it: it is read instead of fetching the link, only parsed, never run. ' +
			'A `text` without any link becomes a text item (`kind: "text"`): the recipe is read from the text itself, and the same text (whitespace aside) is one item, one recipe. ' +
			'As multipart/form-data, `images` files make one item (`kind: "images"`) that reads the recipe from the pictures, known by their content: ' +
			'the same pictures again answer as a link does (already queued, or already saved).',
		access: 'signed-in',
		requestHeaders: [
			{
				name: 'Idempotency-Key',
				description: '1–255 visible ASCII characters: the same key again answers the first answer instead of queueing anew.',
				schema: { type: 'string', pattern: '^[\\x21-\\x7e]{1,255}$' }
			}
		],
		body: 'EnqueueRequest',
		form: 'ShareForm',
		bodyLimit: 'The body is over 3 MiB, or `html` is over 2 MiB (UTF-8).',
		answers: [
			{ status: 201, description: 'A new item.', body: 'Item', headers: ['Location'] },
			{
				status: 200,
				description:
					'Nothing new was created: the same link is already queued, or the Idempotency-Key was seen before (the item, `duplicate: true`); ' +
					'or the link is already a saved recipe (`duplicate: true`, `recipeId`, `alreadySaved`: the recipe).',
				body: 'EnqueueResponse',
				headers: ['Location', 'IdempotentReplayed']
			}
		],
		errors: [
			{
				status: 400,
				codes: ['invalid_idempotency_key', 'html_without_url'],
				description: 'The Idempotency-Key header is not 1–255 visible ASCII characters, or `html` came without the page\'s link.'
			},
			{ status: 400, codes: ['too_many_images', 'invalid_body'], description: `A form with more than ${MAX_SHARED_IMAGES} pictures, or one that cannot be read.` },
			{
				status: 413,
				codes: ['image_too_large', 'images_too_large'],
				description: `A picture over ${MAX_SHARED_IMAGE_BYTES / MIB} MiB or over 50 megapixels, or pictures over ${MAX_SHARED_IMAGES_TOTAL_BYTES / MIB} MiB together.`
			},
			{ status: 415, codes: ['unsupported_image'], description: 'A file that is not a picture Cookmark reads (the message names it and says why).' },
			{
				status: 422,
				codes: ['no_link', 'link_too_long', 'idempotency_key_reused'],
				description: 'Neither an http(s) link nor a text with words in the body, a link over 4096 characters, or an Idempotency-Key already used for another link.'
			}
		]
	},
	{
		method: 'get',
		path: '/api/queue',
		operationId: 'listItems',
		tag: 'queue',
		summary: 'List items, newest first',
		access: 'signed-in',
		query: {
			schema: ListQuery,
			notes: {
				status: 'Comma-separated statuses to keep (pending, in_progress, success, error, dead, canceled).',
				limit: 'Page size.',
				offset: 'Items to skip.',
				batch: 'Only the items of this batch.'
			}
		},
		answers: [{ status: 200, description: 'A page of items.', body: 'ItemList' }]
	},
	{
		method: 'get',
		path: '/api/queue/{id}',
		operationId: 'getItem',
		tag: 'queue',
		summary: 'An item with its phases, attempts, results and error',
		access: 'signed-in',
		id: itemId,
		answers: [{ status: 200, description: 'The item.', body: 'ItemDetail' }],
		errors: [notFound('item')]
	},
	{
		method: 'delete',
		path: '/api/queue/{id}',
		operationId: 'deleteItem',
		tag: 'queue',
		summary: 'Delete an item',
		description: 'A running item is aborted first.',
		access: 'signed-in',
		id: itemId,
		answers: [{ status: 204, description: 'Deleted.' }],
		errors: [notFound('item')]
	},
	{
		method: 'post',
		path: '/api/queue/{id}/retry',
		operationId: 'retryItem',
		tag: 'queue',
		summary: 'Retry an item that failed, died or was canceled',
		description: 'It resumes at its first unfinished phase.',
		access: 'signed-in',
		id: itemId,
		answers: [{ status: 200, description: 'The item, queued again.', body: 'Item' }],
		errors: [
			notFound('item'),
			{
				status: 409,
				codes: ['invalid_state', 'duplicate_active'],
				description: 'The item is not `error`, `dead` or `canceled`, or the same link is already queued in another item.'
			}
		]
	},
	{
		method: 'post',
		path: '/api/queue/{id}/cancel',
		operationId: 'cancelItem',
		tag: 'queue',
		summary: 'Cancel a pending or running item',
		description: 'A running phase is aborted.',
		access: 'signed-in',
		id: itemId,
		answers: [{ status: 200, description: 'The canceled item.', body: 'Item' }],
		errors: [notFound('item'), { status: 409, codes: ['invalid_state'], description: 'The item is neither `pending` nor `in_progress`.' }]
	},
	{
		method: 'get',
		path: '/api/queue/stream',
		operationId: 'streamQueue',
		tag: 'live',
		summary: 'Live updates of your items',
		description:
			'Server-Sent Events. First `connection` (server time and a snapshot: one item with `itemId`, else the newest page), then ' +
			'`queue-update` and `queue-delete` on every change, and `ping` to keep the connection alive. Events carry ids: with ' +
			'`Last-Event-ID` (or `?lastEventId=` for clients that cannot set headers) the stream resumes, sending the current state ' +
			'of everything changed since, or a fresh snapshot when those changes are no longer kept.',
		access: 'signed-in',
		query: {
			schema: StreamQuery,
			byHand: true,
			notes: {
				itemId: 'Follow this one item only.',
				lastEventId: 'Resume after this event id (when the Last-Event-ID header cannot be set).'
			}
		},
		requestHeaders: [{ name: 'Last-Event-ID', description: 'Resume after this event id.', schema: { type: 'string', pattern: '^\\d{1,15}$' } }],
		answers: [
			{
				status: 200,
				description: 'An event stream; each event\'s `data` is JSON as `x-sse-events` names it.',
				mediaType: 'text/event-stream',
				events: { connection: 'ConnectionEvent', 'queue-update': 'QueueUpdateEvent', 'queue-delete': 'QueueDeleteEvent', ping: 'PingEvent' }
			}
		],
		errors: [notFound('item')]
	},
	{
		method: 'post',
		path: '/api/batches',
		operationId: 'createBatch',
		tag: 'imports',
		summary: 'Import many links at once',
		description:
			'As JSON: `links` (a list; each entry is read as a shared link is) or `text` (any text holding links), the body at most 64 KiB. ' +
			'As multipart/form-data (the import page sends this): one file in `file`, up to 10 MB, or pasted text in `text`. ' +
			'Links are compared without tracking parameters, `www.` or fragments; duplicates, links already saved as recipes and links already ' +
			'waiting or running in the queue are left out and counted (`counts`). ' +
			'With `preview`, the answer is only those counts and the least time the per-site limits allow (`etaSeconds`), and nothing is made. ' +
			`Otherwise the rest (at most ${MAX_IMPORT_LINKS.toLocaleString('en')}) become one batch of items, ordered round robin across their sites, ` +
			'which run after anything shared by hand; one notification says when the batch is done. Its items are `GET /api/queue?batch={id}`.',
		access: 'signed-in',
		body: 'CreateBatchRequest',
		form: 'ImportForm',
		answers: [
			{ status: 201, description: 'The batch, its items queued.', body: 'Batch', headers: ['BatchLocation'] },
			{ status: 200, description: 'With `preview`: what importing would do. Nothing is made.', body: 'BatchPreview' }
		],
		errors: [
			{ status: 400, codes: ['invalid_file'], description: 'A CSV or JSON file that cannot be read; the message names the file and the line.' },
			{ status: 400, codes: ['empty_file'], description: 'The file or the text is empty.' },
			{
				status: 400,
				codes: ['no_links', 'no_file'],
				description:
					'No http(s) link in the list, the text or the file (or neither `links` nor `text` sent as JSON); a form with neither `file` nor `text`.'
			},
			{
				status: 400,
				codes: ['too_many_links'],
				description: `Without \`preview\`: more than ${MAX_IMPORT_LINKS.toLocaleString('en')} links to import, once duplicates and links already saved or queued are left out (the message says how many). Split the list.`
			},
			{ status: 413, codes: ['file_too_large'], description: 'The file or the pasted text of a form is over 10 MB.' }
		]
	},
	{
		method: 'get',
		path: '/api/batches',
		operationId: 'listBatches',
		tag: 'imports',
		summary: 'Your imports, newest first',
		access: 'signed-in',
		answers: [{ status: 200, description: 'The newest 50 batches, each with its progress.', body: 'BatchList' }]
	},
	{
		method: 'get',
		path: '/api/batches/{id}',
		operationId: 'getBatch',
		tag: 'imports',
		summary: 'An import: its progress, pace and what is left',
		description:
			'`etaSeconds` is never sooner than the per-site limits allow (2,000 links to one site at 60 a minute take at least 34 minutes); ' +
			'once items finish, the pace of the last minutes (`perMinute`) may say it takes longer still. Its items are `GET /api/queue?batch={id}`.',
		access: 'signed-in',
		id: batchId,
		answers: [{ status: 200, description: 'The batch.', body: 'Batch' }],
		errors: [notFound('batch')]
	},
	{
		method: 'post',
		path: '/api/batches/{id}/retry-failed',
		operationId: 'retryFailedInBatch',
		tag: 'imports',
		summary: 'Retry the links of an import that failed',
		description:
			'Its `error`, `dead` and `canceled` items run again, each from its first unfinished phase, and the batch is unfinished again until they end. ' +
			'An item whose link is meanwhile queued again elsewhere is left as it is. Nothing to retry is no error: `changed` is 0.',
		access: 'signed-in',
		id: batchId,
		answers: [{ status: 200, description: 'The batch, and how many items were retried (`changed`).', body: 'BatchActionResult' }],
		errors: [notFound('batch')]
	},
	{
		method: 'post',
		path: '/api/batches/{id}/cancel',
		operationId: 'cancelBatch',
		tag: 'imports',
		summary: 'Cancel the rest of an import',
		description: 'Its waiting and running items are canceled (a running phase is aborted); what finished stays, and the batch is finished.',
		access: 'signed-in',
		id: batchId,
		answers: [{ status: 200, description: 'The batch, and how many items were canceled (`changed`).', body: 'BatchActionResult' }],
		errors: [notFound('batch')]
	},
	{
		method: 'get',
		path: '/api/batches/{id}/failed.csv',
		operationId: 'exportFailedLinks',
		tag: 'imports',
		summary: 'The links of an import that failed, as a CSV download',
		description:
			'RFC 4180, a header row `url,status,reason,finished`, then one row per failed item: `status` is `failed` (`error`) or `gave up` ' +
			'(`dead`: its retries used up), `reason` the error\'s message, `finished` when (ISO 8601). A cell that a spreadsheet would run as a ' +
			'formula (starting with `=`, `+`, `-`, `@`) gets a leading apostrophe. A batch with no failures is the header row alone.',
		access: 'signed-in',
		id: batchId,
		answers: [
			{
				status: 200,
				description: 'The failed links, as an attachment (`text/csv; charset=utf-8`).',
				mediaType: 'text/csv',
				binary: true,
				headers: ['FailedCsvDisposition', 'CacheControl']
			}
		],
		errors: [notFound('batch')]
	},
	{
		method: 'get',
		path: '/api/recipes',
		operationId: 'listRecipes',
		tag: 'library',
		summary: 'The library, newest first',
		access: 'signed-in',
		query: {
			schema: ListRecipesQuery,
			notes: {
				q: 'Search words; empty means no search.',
				limit: 'Page size.',
				cursor: 'A previous answer\'s `nextCursor`, unchanged.'
			}
		},
		answers: [{ status: 200, description: 'A page of recipes; `nextCursor` is null on the last page.', body: 'RecipeList' }]
	},
	{
		method: 'get',
		path: '/api/recipes/{id}',
		operationId: 'getRecipe',
		tag: 'library',
		summary: 'A saved recipe',
		access: 'signed-in',
		id: recipeId,
		answers: [{ status: 200, description: 'The recipe; `recipe` is null for one saved by an older version.', body: 'RecipeDetail' }],
		errors: [notFound('recipe')]
	},
	{
		method: 'patch',
		path: '/api/recipes/{id}',
		operationId: 'editRecipe',
		tag: 'library',
		summary: 'Edit a saved recipe',
		description:
			'Fields left out stay as they are. Ingredient lines are read by the server; a line the recipe already has keeps its reading and review marks unless sent as `{text, reviewed: true}`. The edit is saved first; then a copy on the person\'s Tandoor or Mealie is updated (one copy, however often), and `targetUpdate` says how that went.',
		access: 'signed-in',
		id: recipeId,
		body: 'RecipePatch',
		answers: [{ status: 200, description: 'The recipe as saved, and what became of the target copy.', body: 'EditedRecipe' }],
		errors: [
			notFound('recipe'),
			{ status: 409, codes: ['recipe_outdated'], description: 'Saved by an older version; share the link again.' },
			{ status: 422, codes: ['validation_failed'], description: 'A field breaks its rules; the message names it and `issues` lists each.' }
		]
	},
	{
		method: 'delete',
		path: '/api/recipes/{id}',
		operationId: 'deleteRecipe',
		tag: 'library',
		summary: 'Delete a recipe from the library',
		description: 'It is gone from every read at once and can be restored for 10 minutes (POST /api/recipes/{id}/restore). The queue item it came from stays.',
		access: 'signed-in',
		id: recipeId,
		answers: [{ status: 204, description: 'Deleted.' }],
		errors: [notFound('recipe')]
	},
	{
		method: 'post',
		path: '/api/recipes/{id}/restore',
		operationId: 'restoreRecipe',
		tag: 'library',
		summary: 'Undo a delete',
		description: 'Within 10 minutes of the delete. A recipe that is not deleted is answered as it is.',
		access: 'signed-in',
		id: recipeId,
		answers: [{ status: 200, description: 'The recipe, back in the library.', body: 'RecipeDetail' }],
		errors: [notFound('recipe (or the 10 minutes have passed)')]
	},
	{
		method: 'get',
		path: '/api/recipes/{id}/jsonld',
		operationId: 'exportRecipeJsonLd',
		tag: 'library',
		summary: 'The recipe as a schema.org JSON-LD download',
		access: 'signed-in',
		id: recipeId,
		answers: [
			{
				status: 200,
				description: 'A schema.org Recipe, as an attachment.',
				body: 'SchemaOrgRecipe',
				mediaType: 'application/ld+json',
				headers: ['ContentDisposition']
			}
		],
		errors: [notFound('recipe'), { status: 409, codes: ['recipe_outdated'], description: 'Saved by an older version; import it again.' }]
	},
	{
		method: 'get',
		path: '/api/recipes/{id}/picture',
		operationId: 'getRecipePicture',
		tag: 'library',
		summary: 'The picture Cookmark keeps of a recipe',
		description:
			'A recipe\'s `imageUrl` and `thumbnailUrl` point here when Cookmark keeps its picture (downloaded when the recipe was ' +
			'saved, re-encoded as WebP: `full` at most 1600 px on its long side, `thumb` at most 400 px on its short side).',
		access: 'signed-in',
		id: recipeId,
		query: {
			schema: PictureQuery,
			notes: { size: 'Which size.', v: 'The picture\'s version, as imageUrl and thumbnailUrl carry it: a changed picture is a new URL. Any value is served.' }
		},
		requestHeaders: [{ name: 'If-None-Match', description: 'An `ETag` this answered before.', schema: { type: 'string' } }],
		answers: [
			{ status: 200, description: 'The picture.', mediaType: 'image/webp', binary: true, headers: ['ETag', 'CacheControl'] },
			{ status: 304, description: 'The picture is the one `If-None-Match` names.', headers: ['ETag', 'CacheControl'] }
		],
		errors: [notFound('recipe'), { status: 404, codes: ['no_picture'], description: 'Cookmark keeps no picture of this recipe (its `imageUrl` is the site\'s).' }]
	},
	{
		method: 'post',
		path: '/api/recipes/{id}/send',
		operationId: 'sendRecipe',
		tag: 'library',
		summary: 'Send a saved recipe to Tandoor or Mealie again',
		description: 'One copy there however often it is sent: a copy sent before is updated.',
		access: 'signed-in',
		id: recipeId,
		answers: [{ status: 200, description: 'Where the recipe now is.', body: 'TargetLink' }],
		errors: [
			notFound('recipe'),
			{
				status: 409,
				codes: ['not_sendable', 'no_target'],
				description: 'Saved by an older version (import it again), or no target is chosen in Settings.'
			},
			...targetFailures
		]
	},
	{
		method: 'post',
		path: '/api/recipes/{id}/reimport',
		operationId: 'reimportRecipe',
		tag: 'library',
		summary: 'Import a saved recipe again',
		description:
			"Its page is read anew through the whole pipeline by a new item, whose upload updates this recipe in place: same id, its Tandoor or Mealie copy updated rather than made twice.",
		access: 'signed-in',
		id: recipeId,
		answers: [{ status: 202, description: 'The new item, to follow.', body: 'Item', headers: ['Location'] }],
		errors: [
			notFound('recipe'),
			{
				status: 409,
				codes: ['import_running', 'no_source'],
				description: 'An item for one of its links is still pending or running (`Location` names it), or the recipe has no link to read.',
				headers: ['Location']
			}
		]
	},
	{
		method: 'get',
		path: '/api/targets',
		operationId: 'getTarget',
		tag: 'targets',
		summary: 'Where recipes go besides the library',
		description: 'The token is never part of an answer, only whether one is saved.',
		access: 'signed-in',
		answers: [{ status: 200, description: 'The target.', body: 'TargetView' }]
	},
	{
		method: 'put',
		path: '/api/targets',
		operationId: 'setTarget',
		tag: 'targets',
		summary: 'Choose library only, Tandoor or Mealie',
		description: 'The token may be left out while the kind stays the same, to keep the saved one.',
		access: 'signed-in',
		body: 'TargetInput',
		answers: [{ status: 200, description: 'The target as saved.', body: 'TargetView' }]
	},
	{
		method: 'delete',
		path: '/api/targets',
		operationId: 'resetTarget',
		tag: 'targets',
		summary: 'Go back to the server\'s default target',
		description: 'Library only when the server has no default.',
		access: 'signed-in',
		answers: [{ status: 200, description: 'The target now in effect.', body: 'TargetView' }]
	},
	{
		method: 'post',
		path: '/api/targets/test',
		operationId: 'testTarget',
		tag: 'targets',
		summary: 'Test a connection without saving it',
		description: 'Without `token`, the saved token is used.',
		access: 'signed-in',
		body: 'TargetTestInput',
		answers: [{ status: 200, description: 'The server answered and took the token.', body: 'TargetTestResult' }],
		errors: targetFailures
	},
	{
		method: 'get',
		path: '/api/platform-sessions',
		operationId: 'listPlatformSessions',
		tag: 'platform-sessions',
		summary: 'The Instagram and TikTok sessions this person saved',
		description: 'When each was saved and last used, never its value.',
		access: 'signed-in',
		answers: [{ status: 200, description: 'The saved sessions.', body: 'PlatformSessionList' }]
	},
	{
		method: 'put',
		path: '/api/platform-sessions/{platform}',
		operationId: 'savePlatformSession',
		tag: 'platform-sessions',
		summary: 'Save or replace a platform session',
		description:
			'`cookie`: the Cookie header a signed-in browser sends to the platform (with or without `Cookie:`), or just its login cookie ' +
			'(`sessionid=…`; for TikTok also `sid_tt=…`). It is stored encrypted and sent only to the platform\'s own hosts, for this person\'s links.',
		access: 'signed-in',
		id: platform,
		body: 'SessionInput',
		answers: [{ status: 200, description: 'The session as saved (without its value).', body: 'PlatformSessionView' }],
		errors: [
			{
				status: 400,
				codes: ['validation_failed'],
				description: 'The cookie is empty, too long, not `name=value` pairs, or lacks the platform\'s login cookie; the message in `issues` says which.'
			},
			{ status: 404, codes: ['not_found'], description: 'No such platform (checked before the body is read).' }
		]
	},
	{
		method: 'delete',
		path: '/api/platform-sessions/{platform}',
		operationId: 'removePlatformSession',
		tag: 'platform-sessions',
		summary: 'Remove a platform session',
		access: 'signed-in',
		id: platform,
		answers: [{ status: 204, description: 'Removed.' }],
		errors: [{ status: 404, codes: ['not_found'], description: 'No such platform, or no session saved for it.' }]
	},
	{
		method: 'get',
		path: '/api/notifications/vapid-key',
		operationId: 'getVapidKey',
		tag: 'notifications',
		summary: 'The server\'s VAPID public key',
		access: 'signed-in',
		answers: [{ status: 200, description: 'The applicationServerKey for PushManager.subscribe().', body: 'VapidKey' }]
	},
	{
		method: 'post',
		path: '/api/notifications/subscribe',
		operationId: 'subscribePush',
		tag: 'notifications',
		summary: 'Register this device for push',
		description: 'Registering the same endpoint again updates it.',
		access: 'signed-in',
		body: 'SubscribeRequest',
		answers: [{ status: 201, description: 'The device.', body: 'SubscribeResponse' }]
	},
	{
		method: 'delete',
		path: '/api/notifications/subscribe',
		operationId: 'unsubscribePush',
		tag: 'notifications',
		summary: 'Unsubscribe this device',
		access: 'signed-in',
		body: 'UnsubscribeRequest',
		answers: [{ status: 204, description: 'Unsubscribed, or was not subscribed.' }]
	},
	{
		method: 'get',
		path: '/api/notifications/devices',
		operationId: 'listDevices',
		tag: 'notifications',
		summary: 'Your subscribed devices',
		access: 'signed-in',
		answers: [{ status: 200, description: 'The devices (never their keys).', body: 'DeviceList' }]
	},
	{
		method: 'delete',
		path: '/api/notifications/devices/{id}',
		operationId: 'removeDevice',
		tag: 'notifications',
		summary: 'Remove a device',
		access: 'signed-in',
		id: deviceId,
		answers: [{ status: 204, description: 'Removed.' }],
		errors: [notFound('device')]
	},
	{
		method: 'post',
		path: '/api/notifications/test',
		operationId: 'sendTestNotification',
		tag: 'notifications',
		summary: 'Send a test notification to every device',
		access: 'signed-in',
		answers: [{ status: 200, description: 'How many devices were sent one.', body: 'TestNotificationResponse' }]
	},
	{
		method: 'get',
		path: '/api/notifications/preferences',
		operationId: 'getNotificationPreferences',
		tag: 'notifications',
		summary: 'Which notifications to send',
		access: 'signed-in',
		answers: [{ status: 200, description: 'The preferences.', body: 'NotificationPreferences' }]
	},
	{
		method: 'put',
		path: '/api/notifications/preferences',
		operationId: 'setNotificationPreferences',
		tag: 'notifications',
		summary: 'Choose which notifications to send',
		access: 'signed-in',
		body: 'NotificationPreferencesInput',
		answers: [{ status: 200, description: 'The preferences as saved.', body: 'NotificationPreferences' }]
	},
	{
		method: 'post',
		path: '/api/auth/signup',
		operationId: 'signUp',
		tag: 'auth',
		summary: 'Create an account and sign in',
		description: 'The first account is the admin. Whether others may sign up is the server\'s SIGNUP setting.',
		access: 'public',
		body: 'Credentials',
		answers: [{ status: 201, description: 'The new account; the session is in the cookie.', body: 'SignInResponse', headers: ['SetSessionCookie'] }],
		errors: [
			{ status: 403, codes: ['signup_closed'], description: 'Sign-up is closed on this server.' },
			{ status: 409, codes: ['username_taken'], description: 'The username is taken.' },
			tooManyAttempts
		]
	},
	{
		method: 'post',
		path: '/api/auth/login',
		operationId: 'logIn',
		tag: 'auth',
		summary: 'Sign in',
		access: 'public',
		body: 'LoginRequest',
		answers: [{ status: 200, description: 'The account; the session is in the cookie.', body: 'SignInResponse', headers: ['SetSessionCookie'] }],
		errors: [
			{ status: 401, codes: ['invalid_credentials'], description: 'Wrong username or password.' },
			{ status: 403, codes: ['account_disabled'], description: 'The password is right, but the admin disabled this account.' },
			tooManyAttempts
		]
	},
	{
		method: 'post',
		path: '/api/auth/logout',
		operationId: 'logOut',
		tag: 'auth',
		summary: 'End this browser\'s session',
		description: 'Signed out already is fine.',
		access: 'optional-session',
		answers: [{ status: 200, description: 'Signed out; the cookie is cleared.', body: 'OkResponse', headers: ['SetSessionCookie'] }]
	},
	{
		method: 'post',
		path: '/api/auth/logout-all',
		operationId: 'logOutEverywhere',
		tag: 'auth',
		summary: 'End every session of this account',
		description: 'API tokens stay; revoke those separately.',
		access: 'signed-in',
		answers: [{ status: 200, description: 'How many sessions ended.', body: 'LogoutAllResponse', headers: ['SetSessionCookie'] }]
	},
	{
		method: 'get',
		path: '/api/auth/session',
		operationId: 'getSession',
		tag: 'auth',
		summary: 'Who is asking, by session cookie or API token',
		access: 'signed-in',
		answers: [{ status: 200, description: 'The account and how it signed in.', body: 'SessionInfo' }]
	},
	{
		method: 'post',
		path: '/api/auth/password',
		operationId: 'changePassword',
		tag: 'auth',
		summary: 'Change the password',
		description: 'Every other session ends; this browser gets a fresh one.',
		access: 'session',
		body: 'ChangePasswordRequest',
		answers: [{ status: 200, description: 'Changed.', body: 'OkResponse', headers: ['SetSessionCookie'] }],
		errors: [{ status: 403, codes: ['wrong_password'], description: 'The current password is not right.' }]
	},
	{
		method: 'post',
		path: '/api/tokens',
		operationId: 'createToken',
		tag: 'tokens',
		summary: 'Make an API token',
		description: 'The token is shown in this answer only; the server keeps a hash.',
		access: 'session',
		body: 'CreateTokenRequest',
		answers: [{ status: 201, description: 'The token, this once.', body: 'CreatedToken' }]
	},
	{
		method: 'get',
		path: '/api/tokens',
		operationId: 'listTokens',
		tag: 'tokens',
		summary: 'Your API tokens',
		access: 'session',
		answers: [{ status: 200, description: 'The tokens, without the secrets.', body: 'TokenList' }]
	},
	{
		method: 'delete',
		path: '/api/tokens/{id}',
		operationId: 'revokeToken',
		tag: 'tokens',
		summary: 'Revoke an API token at once',
		access: 'session',
		id: tokenId,
		answers: [{ status: 204, description: 'Revoked.' }],
		errors: [notFound('token')]
	},
	{
		method: 'get',
		path: '/api/users',
		operationId: 'listUsers',
		tag: 'users',
		summary: 'Every account (admin only)',
		access: 'signed-in',
		answers: [{ status: 200, description: 'The accounts.', body: 'UserList' }],
		errors: [{ status: 403, codes: ['admin_only'], description: 'Only the admin can do this.' }]
	},
	{
		method: 'post',
		path: '/api/users',
		operationId: 'createUser',
		tag: 'users',
		summary: 'Create an account for someone (admin only)',
		description: 'Whatever the SIGNUP setting says.',
		access: 'signed-in',
		body: 'Credentials',
		answers: [{ status: 201, description: 'The new account.', body: 'CreatedUser' }],
		errors: [
			{ status: 403, codes: ['admin_only'], description: 'Only the admin can do this.' },
			{ status: 409, codes: ['username_taken'], description: 'The username is taken.' }
		]
	},
	{
		method: 'get',
		path: '/api/admin/backup',
		operationId: 'downloadBackup',
		tag: 'admin',
		summary: 'A backup of the whole installation, as a download (admin only)',
		description:
			'The same file as `cookmark backup`: gzip-compressed JSON lines, every table with the pictures, read in one consistent ' +
			'transaction while the app runs. It holds password and session hashes and the key that opens saved Tandoor/Mealie tokens: ' +
			'keep it like a password. `cookmark restore FILE` reads it into a new installation. The download is logged.',
		access: 'signed-in',
		answers: [
			{
				status: 200,
				description: 'The backup, as an attachment (`application/gzip`).',
				mediaType: 'application/gzip',
				binary: true,
				headers: ['BackupDisposition', 'CacheControl']
			}
		],
		errors: [adminOnly]
	},
	{
		method: 'get',
		path: '/api/admin/stats',
		operationId: 'adminStats',
		tag: 'admin',
		summary: 'Figures of the last 24 hours or 7 days',
		description: 'Items saved and failed per hour (24h) or day (7d), the success rate, each phase\'s median and 95th-percentile duration, and what waits and runs now, across users.',
		access: 'signed-in',
		query: { schema: StatsQuery, notes: { range: '`24h` (hourly buckets) or `7d` (daily buckets).' } },
		answers: [{ status: 200, description: 'The figures.', body: 'AdminStats' }],
		errors: [adminOnly]
	},
	{
		method: 'get',
		path: '/api/admin/failed',
		operationId: 'adminFailedItems',
		tag: 'admin',
		summary: 'Failed and dead items of every user',
		access: 'signed-in',
		query: { schema: FailedQuery, notes: { limit: 'Page size.', offset: 'Items to skip.' } },
		answers: [{ status: 200, description: 'A page of failed items, most recent first.', body: 'FailedList' }],
		errors: [adminOnly]
	},
	{
		method: 'post',
		path: '/api/admin/failed/retry',
		operationId: 'adminRetryFailed',
		tag: 'admin',
		summary: 'Retry chosen failed items, or all of them',
		description: 'Each resumes at its first unfinished phase. An item whose link is already queued in another item is left as it is.',
		access: 'signed-in',
		body: 'RetryFailedRequest',
		answers: [{ status: 200, description: 'How many were queued again.', body: 'RetryFailedResult' }],
		errors: [adminOnly]
	},
	{
		method: 'get',
		path: '/api/admin/workers',
		operationId: 'adminWorkers',
		tag: 'admin',
		summary: 'Worker processes and what each runs',
		description: 'From the rows workers renew on every heartbeat: `online` while heard from within three heartbeats. A crashed worker\'s row stays, offline, for a day.',
		access: 'signed-in',
		answers: [{ status: 200, description: 'The workers, newest first.', body: 'WorkerList' }],
		errors: [adminOnly]
	},
	{
		method: 'get',
		path: '/api/admin/users',
		operationId: 'adminUsers',
		tag: 'admin',
		summary: 'Accounts with their counts',
		access: 'signed-in',
		answers: [{ status: 200, description: 'Every account, oldest first.', body: 'AdminUserList' }],
		errors: [adminOnly]
	},
	{
		method: 'delete',
		path: '/api/admin/users/{id}',
		operationId: 'adminDeleteUser',
		tag: 'admin',
		summary: 'Delete an account with all its data',
		description: 'Its items, recipes, pictures, devices, tokens and sessions go with it; running items are stopped. This cannot be undone.',
		access: 'signed-in',
		id: accountId,
		answers: [{ status: 200, description: 'Deleted; how many items and recipes went with it.', body: 'DeletedUser' }],
		errors: [adminOnly, { status: 404, codes: ['not_found'], description: 'No such account.' }, lockout]
	},
	{
		method: 'post',
		path: '/api/admin/users/{id}/password',
		operationId: 'adminResetPassword',
		tag: 'admin',
		summary: 'Set a new password for an account',
		description: 'The password given, or a generated one, answered this once. Every session of the account ends.',
		access: 'signed-in',
		id: accountId,
		body: 'ResetPasswordRequest',
		answers: [{ status: 200, description: 'Done.', body: 'ResetPasswordResult' }],
		errors: [adminOnly, { status: 404, codes: ['not_found'], description: 'No such account.' }]
	},
	{
		method: 'post',
		path: '/api/admin/users/{id}/disable',
		operationId: 'adminDisableUser',
		tag: 'admin',
		summary: 'Disable an account',
		description: 'It can no longer sign in; its sessions end, and its API tokens are refused until it is enabled again.',
		access: 'signed-in',
		id: accountId,
		answers: [{ status: 200, description: 'The account.', body: 'AdminUserResult' }],
		errors: [adminOnly, { status: 404, codes: ['not_found'], description: 'No such account.' }, lockout]
	},
	{
		method: 'post',
		path: '/api/admin/users/{id}/enable',
		operationId: 'adminEnableUser',
		tag: 'admin',
		summary: 'Enable a disabled account',
		access: 'signed-in',
		id: accountId,
		answers: [{ status: 200, description: 'The account.', body: 'AdminUserResult' }],
		errors: [adminOnly, { status: 404, codes: ['not_found'], description: 'No such account.' }]
	},
	{
		method: 'get',
		path: '/api/admin/retention',
		operationId: 'adminRetention',
		tag: 'admin',
		summary: 'Retention settings and the last run',
		access: 'signed-in',
		answers: [{ status: 200, description: 'The days in force, the defaults and the last run.', body: 'RetentionSettings' }],
		errors: [adminOnly]
	},
	{
		method: 'put',
		path: '/api/admin/retention',
		operationId: 'adminSetRetention',
		tag: 'admin',
		summary: 'Change retention for every process',
		description: 'A number overrides RETENTION_EVENTS_DAYS or RETENTION_OUTPUT_DAYS; null goes back to it. Recipes are never pruned.',
		access: 'signed-in',
		body: 'RetentionUpdate',
		answers: [{ status: 200, description: 'The settings now.', body: 'RetentionSettings' }],
		errors: [adminOnly]
	},
	{
		method: 'post',
		path: '/api/admin/retention/prune',
		operationId: 'adminPruneNow',
		tag: 'admin',
		summary: 'Prune now',
		access: 'signed-in',
		answers: [{ status: 200, description: 'What was pruned.', body: 'RetentionRun' }],
		errors: [adminOnly, { status: 409, codes: ['prune_running'], description: 'A run is already under way (in this process or another).' }]
	},
	{
		method: 'get',
		path: '/api/admin/services',
		operationId: 'adminReadingServices',
		tag: 'admin',
		summary: 'The chat model, pictures and transcription: which are set up, and where',
		access: 'signed-in',
		answers: [{ status: 200, description: 'Each service, its model and host, or the settings that would set it up.', body: 'ReadingServicesView' }],
		errors: [adminOnly]
	},
	{
		method: 'post',
		path: '/api/admin/services/test',
		operationId: 'adminTestReadingService',
		tag: 'admin',
		summary: 'Test a reading service with a small real job',
		description:
			'`chat` reads a short recipe; `pictures` the same with a picture attached; `transcription` transcribes a one-second tone (a WAV file). It is a real call, billed as any other.',
		access: 'signed-in',
		body: 'ServiceTestRequest',
		answers: [{ status: 200, description: 'The service did the job.', body: 'ServiceTestResult' }],
		errors: [
			adminOnly,
			{ status: 409, codes: ['service_not_configured'], description: 'The service is not set up on this server; the message names the settings.' },
			{
				status: 422,
				codes: ['llm_auth', 'llm_not_found', 'llm_quota', 'llm_answer', 'llm_misread', 'stt_auth', 'stt_not_found', 'stt_bad_response'],
				description: 'The service refused the key, the model or the request, or answered with something unusable (among others).'
			},
			{ status: 502, codes: ['network', 'dns', 'timeout', 'http_429', 'http_500'], description: 'The service is unreachable or failing (among others).' }
		]
	},
	{
		method: 'get',
		path: '/api/health',
		operationId: 'health',
		tag: 'system',
		summary: 'Liveness: the process answers',
		access: 'public',
		answers: [{ status: 200, description: 'Alive.', body: 'Health' }],
		internalErrors: false
	},
	{
		method: 'get',
		path: '/api/ready',
		operationId: 'ready',
		tag: 'system',
		summary: 'Readiness: the database answers and the process is not shutting down',
		access: 'public',
		answers: [{ status: 200, description: 'Ready.', body: 'Readiness' }],
		errors: [
			{ status: 503, codes: ['shutting_down', 'database_unavailable'], description: 'Shutting down, or the database does not answer.' }
		],
		internalErrors: false
	},
	{
		method: 'get',
		path: '/api/openapi.json',
		operationId: 'openApiDocument',
		tag: 'system',
		summary: 'This document',
		access: 'public',
		answers: [{ status: 200, description: 'The OpenAPI 3.1 document of this API.', body: 'OpenApiDocument' }],
		internalErrors: false
	}
];

// --- Generation -----------------------------------------------------------------------------------

/** What hooks.server.ts, readJson, parseQuery and api() answer for every route of a kind. */
function commonErrors(op: Operation): Failure[] {
	const errors: Failure[] = [];
	if (op.body) {
		errors.push(
			op.form
				? {
						status: 400,
						codes: ['invalid_json', 'validation_failed', 'invalid_body'],
						description: 'The body is not valid JSON, or not valid (`issues` says where), or a multipart form that cannot be read.'
					}
				: { status: 400, codes: ['invalid_json', 'validation_failed', 'invalid_body'], description: 'The body is not valid JSON, or not valid (`issues` says where).' },
			{ status: 413, codes: ['payload_too_large'], description: op.bodyLimit ?? (op.form ? 'A JSON body over 64 KiB.' : 'The body is over 64 KiB.') },
			{
				status: 415,
				codes: ['unsupported_media_type'],
				description: op.form ? 'The body is neither application/json nor multipart/form-data.' : 'The body is not application/json.'
			}
		);
	}
	if (op.id) {
		errors.push({ status: 400, codes: ['malformed_path'], description: 'The path is not valid percent-encoded UTF-8.' });
	}
	if (op.query && !op.query.byHand) {
		errors.push({ status: 400, codes: ['validation_failed'], description: 'The query string is not valid (`issues` says where).' });
	}
	// A bad Authorization header is refused on every API path, public ones included: a script with a
	// revoked token should hear so rather than be served as a visitor.
	const badToken = ['invalid_token', 'bad_authorization'];
	errors.push(
		op.access === 'public' || op.access === 'optional-session'
			? { status: 401, codes: badToken, description: 'An Authorization header was sent that is not a valid `Bearer <token>`.', headers: ['WwwAuthenticate'] }
			: {
					status: 401,
					codes: ['unauthorized', ...badToken],
					description: 'Not signed in, or the Authorization header is not a valid `Bearer <token>`.',
					headers: ['WwwAuthenticate']
				}
	);
	if (op.access === 'session') {
		errors.push({ status: 403, codes: ['session_required'], description: 'Needs a signed-in browser session, not an API token.' });
	}
	if (op.method !== 'get') {
		errors.push({ status: 403, codes: ['cross_site_request'], description: 'A session cookie sent from another site.' });
	}
	if (op.internalErrors !== false) {
		errors.push(
			{ status: 500, codes: ['internal_error'], description: 'Something went wrong on the server (it is logged).' },
			{
				status: 503,
				codes: ['database_unavailable'],
				description: 'The database cannot be reached right now (restarting, or the network dropped); the same request may be sent again shortly.',
				headers: ['RetryAfter']
			}
		);
	}
	return errors;
}

const headerRefs = (names: HeaderName[] | undefined) =>
	names?.length ? { headers: Object.fromEntries(names.map((n) => [headerName(n), { $ref: `#/components/headers/${n}` }])) } : {};

function headerName(name: HeaderName): string {
	return {
		Location: 'Location',
		BatchLocation: 'Location',
		IdempotentReplayed: 'Idempotent-Replayed',
		SetSessionCookie: 'Set-Cookie',
		RetryAfter: 'Retry-After',
		WwwAuthenticate: 'WWW-Authenticate',
		ContentDisposition: 'Content-Disposition',
		FailedCsvDisposition: 'Content-Disposition',
		BackupDisposition: 'Content-Disposition',
		ETag: 'ETag',
		CacheControl: 'Cache-Control'
	}[name];
}

function successResponse(answer: Success): JsonSchema {
	const base = { description: answer.description, ...headerRefs(answer.headers) };
	if (answer.status === 204 || answer.status === 304) return base;
	// OpenAPI 3.1 describes a file by its media type alone, without a schema.
	if (answer.binary) return { ...base, content: { [answer.mediaType ?? 'application/octet-stream']: {} } };
	if (answer.events) {
		const list = Object.entries(answer.events)
			.map(([event, schema]) => `\`${event}\` (${schema})`)
			.join(', ');
		return {
			...base,
			description: `${answer.description} Events: ${list}.`,
			content: {
				[answer.mediaType ?? 'text/event-stream']: {
					schema: { type: 'string' },
					// OpenAPI 3.1 has no way to give each event's data a schema (3.2's itemSchema does), so an extension does.
					'x-sse-events': Object.fromEntries(Object.entries(answer.events).map(([event, schema]) => [event, { $ref: schemaRef(schema) }]))
				}
			}
		};
	}
	if (!answer.body) throw new Error(`a ${answer.status} answer needs a body schema`);
	return { ...base, content: { [answer.mediaType ?? 'application/json']: { schema: { $ref: schemaRef(answer.body) } } } };
}

/** Failures with the same status become one response listing every code. */
function errorResponses(failures: Failure[]): Record<string, JsonSchema> {
	const byStatus = new Map<number, Failure[]>();
	for (const f of failures) byStatus.set(f.status, [...(byStatus.get(f.status) ?? []), f]);
	const responses: Record<string, JsonSchema> = {};
	for (const [status, list] of [...byStatus].sort(([a], [b]) => a - b)) {
		const headers = [...new Set(list.flatMap((f) => f.headers ?? []))];
		responses[String(status)] = {
			description: list.map((f) => `${f.codes.map((c) => `\`${c}\``).join(', ')}: ${f.description}`).join(' '),
			...headerRefs(headers),
			content: { 'application/json': { schema: { $ref: schemaRef('ApiError') } } }
		};
	}
	return responses;
}

function parameters(op: Operation): JsonSchema[] {
	const params: JsonSchema[] = [];
	if (op.id) params.push({ name: op.id.name ?? 'id', in: 'path', required: true, description: op.id.description, schema: inlineSchema(op.id.schema, 'input') });
	if (op.query) {
		const json = inlineSchema(op.query.schema, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
		for (const [name, schema] of Object.entries(json.properties ?? {})) {
			params.push({
				name,
				in: 'query',
				required: json.required?.includes(name) ?? false,
				...(op.query.notes[name] ? { description: op.query.notes[name] } : {}),
				schema
			});
		}
	}
	for (const h of op.requestHeaders ?? []) params.push({ name: h.name, in: 'header', required: false, description: h.description, schema: h.schema });
	return params;
}

function security(access: Access): JsonSchema {
	switch (access) {
		case 'public':
			return { security: [] };
		// `{}` first: no credentials is fine; a session cookie, when sent, is the session that ends.
		case 'optional-session':
			return { security: [{}, { sessionCookie: [] }] };
		case 'session':
			return { security: [{ sessionCookie: [] }] };
		case 'signed-in':
			return {};
	}
}

/** JSON, and multipart/form-data beside it where the route takes a file. */
function requestBody(op: Operation): JsonSchema {
	if (!op.body) {
		if (op.form) throw new Error(`${op.operationId}: a form is only taken beside a JSON body`);
		return {};
	}
	const content: Record<string, JsonSchema> = { 'application/json': { schema: { $ref: schemaRef(op.body) } } };
	if (op.form) content['multipart/form-data'] = { schema: { $ref: schemaRef(op.form) } };
	return { requestBody: { required: true, content } };
}

function operationObject(op: Operation): JsonSchema {
	const params = parameters(op);
	const responses: Record<string, JsonSchema> = {};
	for (const answer of op.answers) responses[String(answer.status)] = successResponse(answer);
	Object.assign(responses, errorResponses([...(op.errors ?? []), ...commonErrors(op)]));
	return {
		operationId: op.operationId,
		tags: [op.tag],
		summary: op.summary,
		...(op.description ? { description: op.description } : {}),
		...security(op.access),
		...(params.length ? { parameters: params } : {}),
		...requestBody(op),
		responses
	};
}

export function openApiDocument(options: { version: string; serverUrl?: string }): object {
	const paths: Record<string, Record<string, JsonSchema>> = {};
	for (const op of operations) (paths[op.path] ??= {})[op.method] = operationObject(op);
	return {
		openapi: '3.1.0',
		info: {
			title: 'Cookmark',
			version: options.version,
			description:
				'Share a recipe link; Cookmark extracts, parses and saves it. Every answer is JSON unless said otherwise, and every ' +
				'error is `{"error": {"code", "message", "issues"?}}`. A method a path does not support answers 405 with `Allow`. ' +
				'This document is generated from the zod schemas the server validates with.',
			license: { name: 'MIT', identifier: 'MIT' }
		},
		...(options.serverUrl ? { servers: [{ url: options.serverUrl }] } : {}),
		tags: Object.entries(tags).map(([name, description]) => ({ name, description })),
		security: [{ bearerAuth: [] }, { sessionCookie: [] }],
		paths,
		components: {
			schemas: generateSchemas(),
			headers: responseHeaders,
			securitySchemes: {
				bearerAuth: { type: 'http', scheme: 'bearer', description: 'An API token, made in Settings (POST /api/tokens).' },
				sessionCookie: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE, description: 'The browser session, set by sign-up and login.' }
			}
		}
	};
}
