import { z } from 'zod';

// Environment variables arrive as strings; "false", "0", "no" and "off" must read as false
// (z.coerce.boolean would turn "false" into true).
const flag = (fallback: boolean) =>
	z
		.string()
		.trim()
		.toLowerCase()
		.optional()
		.transform((v, ctx) => {
			if (v === undefined || v === '') return fallback;
			if (['1', 'true', 'yes', 'on'].includes(v)) return true;
			if (['0', 'false', 'no', 'off'].includes(v)) return false;
			ctx.addIssue({ code: 'custom', message: `expected true or false, got "${v}"` });
			return z.NEVER;
		});

const int = (fallback: number, min: number, max = Number.MAX_SAFE_INTEGER) =>
	z
		.string()
		.trim()
		.optional()
		.transform((v) => (v === undefined || v === '' ? fallback : Number(v)))
		.pipe(z.number().int().min(min).max(max));

const optionalText = z
	.string()
	.trim()
	.optional()
	.transform((v) => (v ? v : undefined));

const optionalHttpUrl = optionalText.refine((v) => {
	if (v === undefined) return true;
	try {
		return ['http:', 'https:'].includes(new URL(v).protocol);
	} catch {
		return false;
	}
}, 'must be an http:// or https:// URL');

/** Every environment variable Cookmark reads; README's table mirrors this list. */
export const configSchema = z.object({
	DATABASE_URL: optionalText,
	DATA_DIR: z.string().trim().default('./data'),
	/** How long a starting process waits for a PostgreSQL that does not answer yet (restarting, still starting). */
	DATABASE_WAIT_MS: int(60_000, 0),
	LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

	QUEUE_CONCURRENCY: int(2, 1, 64),
	QUEUE_TIMEOUT_MS: int(120_000, 100),
	QUEUE_RETRY_ATTEMPTS: int(3, 1, 100),
	QUEUE_PROCESSING_ENABLED: flag(true),
	QUEUE_LEASE_MS: int(15_000, 500),
	QUEUE_POLL_MS: int(5_000, 50),
	QUEUE_BACKOFF_BASE_MS: int(5_000, 0),
	QUEUE_BACKOFF_MAX_MS: int(600_000, 0),
	// Below Docker's 10 s stop timeout, with room for handing back and closing (README: Deployment).
	QUEUE_SHUTDOWN_GRACE_MS: int(7_000, 0),

	/**
	 * Retention (the admin page may override both; stored in the database so every process agrees).
	 * Item events older than this many days are deleted: at least a day, since a browser that
	 * reconnects replays what it missed from them (Last-Event-ID).
	 */
	RETENTION_EVENTS_DAYS: int(2, 1, 36_500),
	/** The phase outputs (fetched page, parsed draft) of items saved this many days ago are cleared; 0 keeps them. */
	RETENTION_OUTPUT_DAYS: int(30, 0, 36_500),

	/** How often an idle SSE stream sends `ping` (keeps proxies from closing it). */
	LIVE_PING_MS: int(15_000, 50),

	/** `first-only`: the first account signs up (and becomes admin); later accounts are made by the admin. */
	SIGNUP: z.enum(['first-only', 'open']).default('first-only'),
	/** Sign-ups one client address may make per hour (with SIGNUP=open). */
	SIGNUP_RATE_PER_HOUR: int(10, 1),

	/** Web Push keys; generated once and stored in the database when unset. */
	VAPID_PUBLIC_KEY: optionalText,
	VAPID_PRIVATE_KEY: optionalText,
	/** Contact the push services may use (mailto: or https:); some reject a made-up one, so set yours. */
	VAPID_SUBJECT: z.string().trim().regex(/^(mailto:|https:)/, 'must start with mailto: or https:').default('mailto:cookmark@example.org'),

	/** Items finishing within this long of each other make one notification per device (a summary). */
	PUSH_COALESCE_MS: int(3_000, 0),

	FETCH_ALLOW_PRIVATE: flag(false),
	FETCH_TIMEOUT_MS: int(20_000, 100),
	/** Opening one connection, DNS lookup included; within FETCH_TIMEOUT_MS. */
	FETCH_CONNECT_TIMEOUT_MS: int(10_000, 100),
	FETCH_MAX_BYTES: int(5 * 1024 * 1024, 1024),
	/** Politeness per site (host name): requests at once, and requests started in any minute. */
	FETCH_HOST_CONCURRENCY: int(2, 1, 64),
	FETCH_HOST_RATE_PER_MINUTE: int(60, 1, 6_000),
	/** Requests at once to the person's own Tandoor or Mealie (per server, per process); no per-minute cap. */
	TARGET_HOST_CONCURRENCY: int(4, 1, 64),

	/**
	 * An OpenAI-compatible API (OpenAI, Ollama, LM Studio, vLLM), up to its version:
	 * `https://api.openai.com/v1`, `http://localhost:11434/v1`. Unset: recipes are read by rules alone.
	 */
	LLM_API_BASE_URL: optionalHttpUrl,
	/** Sent as a bearer token; local servers need none. */
	LLM_API_KEY: optionalText,
	/** Must support JSON-schema structured output (`response_format: json_schema`). */
	LLM_MODEL: optionalText.transform((v) => v ?? 'gpt-4o-mini'),
	/** One request, answer included; a local model on a CPU is slow, and the phase's QUEUE_TIMEOUT_MS still bounds it. */
	LLM_TIMEOUT_MS: int(60_000, 1_000),
	/** A page's text is cut to this many characters before it is sent: bounds cost and the model's context. */
	LLM_MAX_INPUT_CHARS: int(12_000, 500),
	/** Whether the chat model reads pictures (image content parts): then a post's pictures are sent when its caption holds no recipe. */
	LLM_VISION: flag(false),

	/**
	 * An OpenAI-compatible transcription API (OpenAI, speaches/faster-whisper-server, LocalAI), up to
	 * its version, for recipes only spoken in a video. Unset: such videos fail with a note saying so.
	 */
	STT_API_BASE_URL: optionalHttpUrl,
	STT_API_KEY: optionalText,
	STT_MODEL: optionalText.transform((v) => v ?? 'whisper-1'),
	/** One transcription, answer included (a minute of video on a CPU takes a while). */
	STT_TIMEOUT_MS: int(180_000, 1_000),
	/** The most of a video downloaded to be transcribed: OpenAI takes at most 25 MiB. */
	STT_MAX_BYTES: int(25 * 1024 * 1024, 1024),

	/**
	 * Encrypts upload-target tokens at rest (any long random string). Unset: a key is generated once
	 * into DATA_DIR/secret.key; processes on other machines sharing DATABASE_URL then need this set.
	 */
	SECRET_KEY: optionalText.refine((v) => v === undefined || v.length >= 32, 'must be at least 32 characters'),
	/** A server-wide default target for users who have not chosen one in Settings (Tandoor first when both are set). */
	TANDOOR_BASE_URL: optionalHttpUrl,
	TANDOOR_TOKEN: optionalText,
	MEALIE_BASE_URL: optionalHttpUrl,
	MEALIE_TOKEN: optionalText,

	/** When set, GET /metrics asks for `Authorization: Bearer <METRICS_TOKEN>`; unset, it is open (keep it off the public internet). */
	METRICS_TOKEN: optionalText,
	/** A worker process (`npm run worker`) serves /metrics on this port; unset: it serves none (the web process uses its own port). */
	METRICS_PORT: z
		.string()
		.trim()
		.optional()
		.transform((v) => (v ? Number(v) : undefined))
		.pipe(z.number().int().min(0).max(65_535).optional()),
	/** The address METRICS_PORT listens on. */
	METRICS_HOST: z.string().trim().default('0.0.0.0')
})
	.refine((c) => !c.TANDOOR_BASE_URL === !c.TANDOOR_TOKEN, { message: 'set TANDOOR_BASE_URL and TANDOOR_TOKEN together', path: ['TANDOOR_TOKEN'] })
	.refine((c) => !c.MEALIE_BASE_URL === !c.MEALIE_TOKEN, { message: 'set MEALIE_BASE_URL and MEALIE_TOKEN together', path: ['MEALIE_TOKEN'] });

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {}

export function parseConfig(env: Record<string, string | undefined>): Config {
	const parsed = configSchema.safeParse(env);
	if (!parsed.success) {
		const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
		throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
	}
	return parsed.data;
}

let cached: Config | undefined;

/** The process's configuration, parsed once from process.env. */
export function config(): Config {
	cached ??= parseConfig(process.env);
	return cached;
}
