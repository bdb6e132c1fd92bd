import { z } from 'zod';
import type { Config } from '../config';
import { correlationHeaders } from '../correlation';
import { formatDuration } from '../../format';
import { networkError } from '../net/errors';
import { JobError, PermanentError, RetryableError } from '../failures/errors';
import { MAX_ERROR_TEXT, hostOf, rewrap, serverError, serviceOutcome, statusError, type ServiceNames, type ServiceOutcome } from './service-errors';
import { dropOmittedNulls, fillAbsentNulls, looseJsonSchema, toStrictJsonSchema, type JsonSchema } from './strict-schema';

/**
 * A client for OpenAI's chat-completions API (`POST {base}/chat/completions`), which OpenAI,
 * Ollama, LM Studio and vLLM all speak, asking for one JSON object in a given zod schema via
 * strict structured output. It knows nothing of what the object means.
 *
 * Failures are thrown as the queue engine's errors: the server's trouble (network, timeouts,
 * 429, 5xx) as RetryableError, a misconfiguration (key, URL, model, a refused request) as
 * PermanentError, and an answer that cannot be used as LlmAnswerError, for the caller to fall
 * back on something else. No error or log line carries the API key.
 */

export interface LlmClientOptions {
	/** Up to the API version, e.g. `https://api.openai.com/v1` or `http://localhost:11434/v1`. */
	baseUrl: string;
	/** Sent as a bearer token when set; local servers (Ollama, LM Studio) need none. */
	apiKey?: string;
	model: string;
	/** For one request, answer included. */
	timeoutMs: number;
	fetch?: typeof fetch;
	/** Told how each call ended and what it spent (the metrics count them). */
	observe?(outcome: LlmOutcome, usage: LlmUsage | undefined): void;
}

/** How a call ended, in a small fixed vocabulary (a metric's label). */
export type LlmOutcome = ServiceOutcome | 'unusable_answer';

export interface CompleteJsonRequest<T> {
	system: string;
	user: string;
	/** What the answer must be; sent as a strict JSON schema and checked again on arrival. */
	schema: z.ZodType<T>;
	/** The schema's name for the server: letters, digits, `_` and `-`, at most 64. */
	schemaName: string;
	signal?: AbortSignal;
	maxTokens?: number;
	/** Pictures sent with the user's text (image content parts): `data:` URLs or addresses the server can reach. */
	images?: readonly string[];
	/**
	 * Reshapes an answer before it is checked: a model without schema support writes the names it
	 * knows (`instructions` for `recipeInstructions`), which the caller maps onto its own.
	 */
	prepare?(answer: unknown): unknown;
}

export interface LlmUsage {
	promptTokens?: number;
	completionTokens?: number;
	totalTokens?: number;
}

export interface LlmClient {
	readonly model: string;
	/** How answers are asked for: a JSON schema, or (once the server refused schemas) JSON mode. */
	readonly answerFormat: AnswerFormat;
	completeJson<T>(request: CompleteJsonRequest<T>): Promise<{ value: T; usage?: LlmUsage }>;
}

export type AnswerFormat = 'json_schema' | 'json_object';

export type LlmAnswerProblem = 'invalid_json' | 'schema_mismatch' | 'refusal' | 'truncated' | 'content_filter' | 'empty';

/**
 * The server answered, but not with something usable: not JSON, not in the schema, a refusal,
 * cut off at the token limit. Asking again is unlikely to help; the caller falls back on its own
 * reading. Permanent if left uncaught.
 */
export class LlmAnswerError extends PermanentError {
	constructor(
		readonly problem: LlmAnswerProblem,
		message: string,
		/** The start of what the model wrote, for logs. */
		readonly content?: string,
		options?: ErrorOptions
	) {
		super('llm_answer', message, options);
		this.name = 'LlmAnswerError';
	}
}

const LLM: ServiceNames = { what: 'the language model', code: 'llm', env: 'LLM' };
const SCHEMA_NAME = /^[A-Za-z0-9_-]{1,64}$/;
const MAX_CONTENT_KEPT = 2000;

const Completion = z.object({
	choices: z
		.array(
			z.object({
				message: z
					.object({
						content: z.string().nullish(),
						refusal: z.string().nullish()
					})
					.nullish(),
				finish_reason: z.string().nullish()
			})
		)
		.min(1),
	usage: z
		.object({
			prompt_tokens: z.number().optional(),
			completion_tokens: z.number().optional(),
			total_tokens: z.number().optional()
		})
		.nullish()
});

const schemas = new WeakMap<z.ZodType, { loose: JsonSchema; strict: JsonSchema }>();

function schemasFor(schema: z.ZodType) {
	let found = schemas.get(schema);
	if (!found) {
		const loose = looseJsonSchema(schema);
		found = { loose, strict: toStrictJsonSchema(loose) };
		schemas.set(schema, found);
	}
	return found;
}

export function createLlmClient(options: LlmClientOptions): LlmClient {
	const endpoint = `${options.baseUrl.trim().replace(/\/+$/, '')}/chat/completions`;
	const host = hostOf(endpoint);
	const apiKey = options.apiKey?.trim() || undefined;
	const doFetch = options.fetch ?? globalThis.fetch;
	/** Server text may quote what it was sent; the key never leaves through an error. */
	const scrub = (text: string) => {
		let out = text.replace(/Bearer\s+\S+/gi, 'Bearer [redacted]');
		if (apiKey) out = out.split(apiKey).join('[redacted]');
		return out;
	};

	let answerFormat: AnswerFormat = 'json_schema';

	async function send(body: object, callerSignal: AbortSignal | undefined): Promise<{ status: number; headers: Headers; text: string }> {
		const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json', ...correlationHeaders() };
		if (apiKey) headers.authorization = `Bearer ${apiKey}`;
		const timeout = AbortSignal.timeout(options.timeoutMs);
		const signal = callerSignal ? AbortSignal.any([callerSignal, timeout]) : timeout;
		try {
			// A redirect would turn the POST into a GET, or drop the key on the way to another host.
			const res = await doFetch(endpoint, { method: 'POST', headers, body: JSON.stringify(body), signal, redirect: 'manual' });
			return { status: res.status, headers: res.headers, text: await res.text() };
		} catch (err) {
			// The caller's own abort (phase timeout, cancel) is the caller's to explain.
			if (callerSignal?.aborted) throw callerSignal.reason;
			if (timeout.aborted) {
				throw new RetryableError('timeout', `the language model at ${host} did not answer within ${formatDuration(options.timeoutMs)}`);
			}
			const e = err instanceof JobError ? err : networkError(err, endpoint);
			throw rewrap(e, `could not reach the language model: ${scrub(e.message)}`);
		}
	}

	async function completeJson<T>(request: CompleteJsonRequest<T>): Promise<{ value: T; usage?: LlmUsage }> {
		// What the server said it spent, also when its answer is of no use.
		const spent: { usage?: LlmUsage } = {};
		try {
			const answer = await ask(request, spent);
			options.observe?.('ok', spent.usage);
			return answer;
		} catch (err) {
			options.observe?.(llmOutcome(err, request.signal?.aborted ?? false), spent.usage);
			throw err;
		}
	}

	async function ask<T>(request: CompleteJsonRequest<T>, spent: { usage?: LlmUsage }): Promise<{ value: T; usage?: LlmUsage }> {
		if (!SCHEMA_NAME.test(request.schemaName)) {
			throw new PermanentError('llm_schema', `schema name "${request.schemaName.slice(0, 80)}" must be 1-64 letters, digits, _ or -`);
		}
		let jsonSchema: { loose: JsonSchema; strict: JsonSchema };
		try {
			jsonSchema = schemasFor(request.schema);
		} catch (err) {
			throw new PermanentError('llm_schema', `the schema "${request.schemaName}" cannot be sent to a language model: ${(err as Error).message}`, { cause: err });
		}
		const userContent = request.images?.length
			? [{ type: 'text', text: request.user }, ...request.images.map((url) => ({ type: 'image_url', image_url: { url } }))]
			: request.user;
		const bodyFor = (format: AnswerFormat) => ({
			model: options.model,
			messages: [
				{ role: 'system', content: format === 'json_schema' ? request.system : `${request.system}\n\n${schemaInPrompt(jsonSchema.loose)}` },
				{ role: 'user', content: userContent }
			],
			response_format:
				format === 'json_schema'
					? { type: 'json_schema', json_schema: { name: request.schemaName, strict: true, schema: jsonSchema.strict } }
					: { type: 'json_object' },
			temperature: 0,
			...(request.maxTokens !== undefined ? { max_tokens: request.maxTokens } : {})
		});
		const format = answerFormat;
		let { status, headers: responseHeaders, text } = await send(bodyFor(format), request.signal);
		// Servers without structured output (older Ollama, llama.cpp, vLLM builds) refuse the
		// schema: ask once more in JSON mode, and from then on ask this server that way.
		if (format === 'json_schema' && refusesSchema(status, text)) {
			answerFormat = 'json_object';
			({ status, headers: responseHeaders, text } = await send(bodyFor('json_object'), request.signal));
		}

		if (status < 200 || status >= 300) throw statusError(LLM, status, responseHeaders, text, host, Boolean(apiKey), scrub);

		let envelope: z.infer<typeof Completion>;
		try {
			envelope = Completion.parse(JSON.parse(text));
		} catch {
			throw new PermanentError(
				'llm_bad_response',
				`${host} answered ${status} but not with a chat completion; is LLM_API_BASE_URL an OpenAI-compatible API (usually ending in /v1)?`
			);
		}
		const choice = envelope.choices[0]!;
		const usage = envelope.usage
			? { promptTokens: envelope.usage.prompt_tokens, completionTokens: envelope.usage.completion_tokens, totalTokens: envelope.usage.total_tokens }
			: undefined;
		spent.usage = usage;
		const content = choice.message?.content ?? '';
		const kept = content.slice(0, MAX_CONTENT_KEPT);

		if (choice.message?.refusal) {
			throw new LlmAnswerError('refusal', `the language model refused: ${choice.message.refusal.slice(0, MAX_ERROR_TEXT)}`, kept);
		}
		if (choice.finish_reason === 'length') {
			throw new LlmAnswerError('truncated', 'the language model ran out of tokens before finishing its answer', kept);
		}
		if (choice.finish_reason === 'content_filter') {
			throw new LlmAnswerError('content_filter', "the language model's content filter stopped the answer", kept);
		}
		if (!content.trim()) throw new LlmAnswerError('empty', 'the language model answered with nothing', kept);

		const parsed = parseJsonContent(content);
		if (parsed === undefined) throw new LlmAnswerError('invalid_json', 'the language model did not answer with JSON', kept);
		const answer = request.prepare ? request.prepare(parsed) : parsed;
		dropOmittedNulls(answer, jsonSchema.loose);
		fillAbsentNulls(answer, jsonSchema.loose);
		const result = request.schema.safeParse(answer);
		if (!result.success) {
			const issues = result.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
			throw new LlmAnswerError('schema_mismatch', `the language model's answer does not fit the schema (${issues.join('; ')})`, kept, {
				cause: result.error
			});
		}
		return { value: result.data, usage };
	}

	return {
		model: options.model,
		get answerFormat() {
			return answerFormat;
		},
		completeJson
	};
}

/** The client Cookmark's configuration asks for, or null when no language model is configured. */
export function llmClientFromConfig(
	config: Pick<Config, 'LLM_API_BASE_URL' | 'LLM_API_KEY' | 'LLM_MODEL' | 'LLM_TIMEOUT_MS'>,
	more: Pick<LlmClientOptions, 'fetch' | 'observe'> = {}
): LlmClient | null {
	if (!config.LLM_API_BASE_URL) return null;
	return createLlmClient({
		baseUrl: config.LLM_API_BASE_URL,
		apiKey: config.LLM_API_KEY,
		model: config.LLM_MODEL,
		timeoutMs: config.LLM_TIMEOUT_MS,
		...more
	});
}

/** JSON mode enforces no schema, so the model is told it in words. */
function schemaInPrompt(schema: JsonSchema): string {
	return `Answer with one JSON object only, no prose and no code fences, that fits this JSON schema:\n${JSON.stringify(schema)}`;
}

/**
 * Whether a refusal is about `response_format: json_schema` itself: vLLM and LM Studio answer
 * 400, older llama.cpp servers 500 ("response_format type must be one of \"text\" or
 * \"json_object\", but got: json_schema"), some proxies 422.
 */
function refusesSchema(status: number, text: string): boolean {
	if (![400, 422, 500].includes(status)) return false;
	const said = `${serverError(text).message ?? ''} ${text.slice(0, 2000)}`;
	// OpenAI's "Invalid schema for response_format" is about our schema, not about schemas.
	return /json_schema|response_format|structured output/i.test(said) && !/invalid schema/i.test(said);
}

function llmOutcome(err: unknown, aborted: boolean): LlmOutcome {
	return !aborted && err instanceof LlmAnswerError ? 'unusable_answer' : serviceOutcome(err, aborted);
}

/**
 * The JSON object in a model's content. Local models like to wrap it in ```json fences, or put
 * a <think> block or a sentence before it; the object itself is what counts.
 */
export function parseJsonContent(content: string): unknown {
	const attempts: string[] = [];
	const text = content.replace(/^\s*<think>[\s\S]*?<\/think>/i, '').trim();
	attempts.push(text);
	const fenced = /```(?:json|JSON)?[^\S\n]*\n?([\s\S]*?)```/.exec(text);
	if (fenced?.[1]) attempts.push(fenced[1].trim());
	const first = text.indexOf('{');
	const last = text.lastIndexOf('}');
	if (first >= 0 && last > first) attempts.push(text.slice(first, last + 1));
	for (const attempt of attempts) {
		try {
			return JSON.parse(attempt) as unknown;
		} catch {
			// the next reading
		}
	}
	return undefined;
}
