import http from 'node:http';
import type { AddressInfo } from 'node:net';
import busboy from 'busboy';

/**
 * A stand-in for OpenAI's chat-completions API on 127.0.0.1: it checks each request the way the
 * real server does (path, method, JSON, key, model, messages, a strict JSON schema) and refuses
 * a bad one with a 400 in OpenAI's error shape; a good one gets the next scripted reply, in
 * OpenAI's response shape.
 */

export type ScriptedReply =
	/** A well-formed answer whose content is `JSON.stringify(json)`. */
	| { json: unknown; usage?: Usage }
	/** The model declines: content null, message.refusal set. */
	| { refusal: string }
	/**
	 * An answer with this content as it is (fenced JSON, prose, broken JSON) and finish_reason
	 * ("stop" when unset); `{ finishReason: 'length' }` alone is an answer broken off mid-object.
	 */
	| { content?: string; finishReason?: 'stop' | 'length' | 'content_filter' }
	/** An error status with OpenAI's error body (or `body` as it is). */
	| { status: number; retryAfter?: string; error?: Partial<OpenAiError>; body?: string }
	/** Reads the request and never answers. */
	| { hang: true }
	/** Answers `reply` once `until` settles: holds an item mid-parse while a test does something else. */
	| { until: Promise<unknown>; reply: ScriptedReply };

export interface OpenAiError {
	message: string;
	type: string;
	param: string | null;
	code: string | null;
}

interface Usage {
	prompt_tokens: number;
	completion_tokens: number;
	total_tokens: number;
}

export interface RecordedRequest {
	method: string;
	path: string;
	headers: http.IncomingHttpHeaders;
	/** The parsed JSON body (undefined when it was not JSON). */
	body: any;
	/** Why the server refused the request with a 4xx before any scripted reply, if it did. */
	rejected?: string;
}

/** A transcription request as the server read it from its multipart body. */
export interface RecordedTranscription {
	headers: http.IncomingHttpHeaders;
	file: { bytes: Buffer; filename: string; contentType: string } | null;
	fields: Record<string, string>;
	rejected?: string;
}

/** What the transcription endpoint answers next: the spoken words, or an error status. */
export type ScriptedTranscript = { text: string; duration?: number; language?: string } | { status: number; error?: Partial<OpenAiError> };

export interface OpenAiServerOptions {
	/** When set, requests must carry `Authorization: Bearer <apiKey>`. */
	apiKey?: string;
	/** The model requests must name; anything else is a 404 model_not_found, as on OpenAI. */
	model?: string;
	/**
	 * A server without structured output: `response_format: json_schema` is refused as llama.cpp's
	 * server refused it before its schema support (tools/server/utils.hpp
	 * oaicompat_chat_params_parse; the body as ik_llama.cpp issue #778 quotes it), JSON mode works.
	 */
	refuseSchemas?: boolean;
	/** Whose transcription endpoint to play (default OpenAI's). */
	transcriptionServer?: TranscriptionServer;
}

/**
 * The transcription servers Cookmark is pointed at agree on the request and on `json`'s `text`,
 * and differ in the rest. Their answers and refusals here are read from their source:
 * - `openai`: the API reference (openai-python src/openai/types/audio/transcription.py: `text`,
 *   optional `logprobs` and `usage` as `{type: "duration", seconds}` for whisper-1); refusals as
 *   OpenAI's clients quote them (a missing file: dongri/openai-api-rs#91; an unknown model:
 *   speaches-ai/speaches#17; an unknown extension: supershaneski/openai-whisper-api#5;
 *   verbose_json on a gpt-4o model: vercel/ai#8214).
 * - `speaches`: src/speaches/routers/stt.py (`response_format` a Literal of text, json,
 *   verbose_json, srt, vtt, default json; `json` is openai's `Transcription` dumped whole, so
 *   `usage` and `logprobs` come as null), dependencies.py (`audio_file_dependency`: 415 for a file
 *   it cannot decode, 400 for an empty one; 403 for a key), routers/utils.py (404 for a model not
 *   installed), and FastAPI's 422 `{detail: [{type, loc, msg, input}]}` for a missing or invalid
 *   form field; every error is `{detail}`.
 * - `localai`: core/http/endpoints/openai/transcription.go (a missing `response_format` answers
 *   the verbose shape, `json` drops segments, plain text is `txt`, so `text` is a 500 "invalid
 *   response_format"; a missing file is the 500 of Go's "http: no such file"),
 *   core/schema/transcription.go (`language` and `duration` omitted when empty),
 *   core/http/middleware/request.go (404 for an unknown model; no model takes the first
 *   installed), core/http/auth/middleware.go (401), and app.go's error handler, which wraps any
 *   other error as `{error: {code, message, type}}`.
 */
export type TranscriptionServer = 'openai' | 'speaches' | 'localai';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The string formats OpenAI's strict mode knows. */
const STRICT_FORMATS = new Set(['date-time', 'time', 'date', 'duration', 'email', 'hostname', 'ipv4', 'ipv6', 'uuid']);

/** What the real server says about a schema strict mode cannot take; null when it can. */
export function strictSchemaProblem(schema: unknown): string | null {
	if (!isObject(schema)) return "In context=(), schema must be a JSON Schema of 'type: \"object\"', got 'None'.";
	if (schema.type !== 'object') return `In context=(), schema must be a JSON Schema of 'type: "object"', got 'type: "${String(schema.type)}"'.`;
	return nodeProblem(schema, []);
}

function nodeProblem(node: unknown, context: string[]): string | null {
	if (Array.isArray(node)) {
		for (const [i, n] of node.entries()) {
			const p = nodeProblem(n, [...context, String(i)]);
			if (p) return p;
		}
		return null;
	}
	if (!isObject(node)) return null;
	const where = `In context=(${context.map((c) => `'${c}'`).join(', ')}${context.length === 1 ? ',' : ''})`;
	if ('default' in node) return `${where}, 'default' is not permitted.`;
	if ('oneOf' in node) return `${where}, 'oneOf' is not permitted.`;
	if ('prefixItems' in node) return `${where}, 'prefixItems' is not permitted.`;
	if (typeof node.format === 'string' && !STRICT_FORMATS.has(node.format)) return `${where}, '${node.format}' is not a valid format.`;
	if (node.type === 'object' || isObject(node.properties)) {
		if (node.additionalProperties !== false) return `${where}, 'additionalProperties' is required to be supplied and to be false.`;
		const keys = Object.keys(isObject(node.properties) ? node.properties : {});
		const required = Array.isArray(node.required) ? node.required : [];
		const missing = keys.find((k) => !required.includes(k));
		if (missing !== undefined || !Array.isArray(node.required)) {
			return `${where}, 'required' is required to be supplied and to be an array including every key in properties. Missing '${missing ?? keys[0] ?? ''}'.`;
		}
		const extra = required.find((k) => typeof k !== 'string' || !keys.includes(k));
		if (extra !== undefined) return `${where}, 'required' names '${String(extra)}', which is not in properties.`;
	}
	for (const key of ['properties', '$defs', 'definitions']) {
		const map = node[key];
		if (isObject(map)) {
			for (const [k, v] of Object.entries(map)) {
				const p = nodeProblem(v, [...context, key, k]);
				if (p) return p;
			}
		}
	}
	for (const key of ['items', 'anyOf', 'allOf', 'not']) {
		if (key in node) {
			const p = nodeProblem(node[key], [...context, key]);
			if (p) return p;
		}
	}
	return null;
}

/** OpenAI's content parts for a user message: text, and pictures by URL (https or data:). */
function contentPartsProblem(parts: unknown[], i: number): string | null {
	for (const [j, part] of parts.entries()) {
		if (!isObject(part)) return `Invalid type for 'messages[${i}].content[${j}]': expected an object.`;
		if (part.type === 'text' && typeof part.text === 'string') continue;
		if (part.type === 'image_url' && isObject(part.image_url) && typeof part.image_url.url === 'string' && /^(https?:|data:image\/)/.test(part.image_url.url)) continue;
		return `Invalid value for 'messages[${i}].content[${j}]': expected a text or image_url part.`;
	}
	return null;
}

/** The pictures a request sent as image content parts, in order. */
export function imagesOf(request: RecordedRequest): string[] {
	const messages: unknown[] = Array.isArray(request.body?.messages) ? request.body.messages : [];
	return messages.flatMap((m) =>
		isObject(m) && Array.isArray(m.content)
			? m.content.flatMap((p: unknown) => (isObject(p) && p.type === 'image_url' && isObject(p.image_url) ? [String(p.image_url.url)] : []))
			: []
	);
}

/** What a request's user message said in words. */
export function userTextOf(request: RecordedRequest): string {
	const messages: unknown[] = Array.isArray(request.body?.messages) ? request.body.messages : [];
	const user = messages.find((m) => isObject(m) && m.role === 'user') as Json | undefined;
	if (!user) return '';
	if (typeof user.content === 'string') return user.content;
	return (user.content as Json[]).flatMap((p) => (p.type === 'text' ? [String(p.text)] : [])).join('\n');
}

/** Checks a parsed request body; returns [status, error] for the first thing the real API would refuse. */
function requestProblem(body: unknown, expectedModel: string, refuseSchemas: boolean): [number, OpenAiError] | null {
	const invalid = (message: string, param: string | null, code: string | null = null): [number, OpenAiError] => [
		400,
		{ message, type: 'invalid_request_error', param, code }
	];
	if (!isObject(body)) return invalid('We could not parse the JSON body of your request.', null);
	if (typeof body.model !== 'string') return invalid("you must provide a model parameter", null);
	if (body.model !== expectedModel) {
		return [404, { message: `The model \`${body.model}\` does not exist or you do not have access to it.`, type: 'invalid_request_error', param: null, code: 'model_not_found' }];
	}
	const messages = body.messages;
	if (!Array.isArray(messages) || messages.length === 0) return invalid("Invalid type for 'messages': expected an array.", 'messages', 'invalid_type');
	for (const [i, m] of messages.entries()) {
		if (!isObject(m) || !['system', 'developer', 'user', 'assistant'].includes(m.role as string)) {
			return invalid(`Invalid value for 'messages[${i}].role'.`, `messages[${i}].role`, 'invalid_value');
		}
		const partsProblem = m.role === 'user' && Array.isArray(m.content) ? contentPartsProblem(m.content, i) : null;
		if (partsProblem) return invalid(partsProblem, `messages[${i}].content`, 'invalid_value');
		if (typeof m.content !== 'string' && !(m.role === 'user' && Array.isArray(m.content))) {
			return invalid(`Invalid type for 'messages[${i}].content': expected a string.`, `messages[${i}].content`, 'invalid_type');
		}
	}
	if (!messages.some((m) => m.role === 'system') || !messages.some((m) => m.role === 'user')) {
		return invalid('test server: expected a system and a user message', 'messages');
	}
	if (body.temperature !== undefined && (typeof body.temperature !== 'number' || body.temperature < 0 || body.temperature > 2)) {
		return invalid("Invalid 'temperature': expected a number between 0 and 2.", 'temperature', 'invalid_value');
	}
	if (body.max_tokens !== undefined && (!Number.isInteger(body.max_tokens) || (body.max_tokens as number) < 1)) {
		return invalid("Invalid 'max_tokens': integer below minimum value.", 'max_tokens', 'integer_below_min_value');
	}
	const format = body.response_format;
	if (isObject(format) && format.type === 'json_object') {
		// OpenAI's own rule for JSON mode: the messages must ask for JSON in words.
		if (!messages.some((m) => JSON.stringify(m.content).toLowerCase().includes('json'))) {
			return invalid("'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'.", 'messages', null);
		}
		return null;
	}
	if (!isObject(format) || format.type !== 'json_schema') return invalid('test server: expected response_format.type "json_schema"', 'response_format');
	if (refuseSchemas) {
		return [500, { message: 'response_format type must be one of "text" or "json_object", but got: json_schema', type: 'server_error', param: null, code: null }];
	}
	const js = format.json_schema;
	if (!isObject(js)) return invalid("Missing required parameter: 'response_format.json_schema'.", 'response_format.json_schema', 'missing_required_parameter');
	if (typeof js.name !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(js.name)) {
		return invalid("Invalid 'response_format.json_schema.name': string does not match pattern.", 'response_format.json_schema.name', 'invalid_value');
	}
	if (js.strict !== true) return invalid('test server: expected response_format.json_schema.strict === true', 'response_format');
	const problem = strictSchemaProblem(js.schema);
	if (problem) return invalid(`Invalid schema for response_format '${js.name}': ${problem}`, 'response_format', 'invalid_json_schema');
	return null;
}

export async function startOpenAiServer(options: OpenAiServerOptions = {}) {
	const model = options.model ?? 'gpt-4o-mini';
	const replies: ScriptedReply[] = [];
	const requests: RecordedRequest[] = [];
	const waiting: ((r: RecordedRequest) => void)[] = [];
	let counter = 0;

	const record = (r: RecordedRequest) => {
		requests.push(r);
		for (const w of waiting.splice(0)) w(r);
	};
	const sendJson = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
		res.writeHead(status, { 'content-type': 'application/json', 'x-request-id': `req_${++counter}`, ...headers }).end(JSON.stringify(body));
	};
	const sendError = (res: http.ServerResponse, status: number, error: OpenAiError, headers?: Record<string, string>) =>
		sendJson(res, status, { error }, headers);

	const completion = (message: Json, finishReason: string, usage?: Usage) => ({
		id: `chatcmpl-test${++counter}`,
		object: 'chat.completion',
		created: Math.floor(Date.now() / 1000),
		model,
		choices: [{ index: 0, message: { role: 'assistant', refusal: null, annotations: [], ...message }, logprobs: null, finish_reason: finishReason }],
		usage: {
			...(usage ?? { prompt_tokens: 120, completion_tokens: 40, total_tokens: 160 }),
			prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
			completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 }
		},
		service_tier: 'default',
		system_fingerprint: 'fp_test'
	});

	const transcripts: ScriptedTranscript[] = [];
	const transcriptions: RecordedTranscription[] = [];

	/**
	 * `POST /v1/audio/transcriptions`: multipart/form-data with a `file` part (a name and a content
	 * type) and `model`, `response_format` (default `json`), `language` fields, answered and refused
	 * the way `options.transcriptionServer` does (see TranscriptionServer).
	 */
	const transcribe = (req: http.IncomingMessage, res: http.ServerResponse) => {
		const flavor = options.transcriptionServer ?? 'openai';
		const entry: RecordedTranscription = { headers: req.headers, file: null, fields: {} };
		const refuse = (status: number, body: unknown, why: string) => {
			entry.rejected = why;
			transcriptions.push(entry);
			sendJson(res, status, body);
		};
		const auth = req.headers.authorization;
		if (options.apiKey !== undefined && auth !== `Bearer ${options.apiKey}`) {
			req.resume();
			return refuse(...authRefusal(flavor, auth), 'key');
		}
		let parser: busboy.Busboy;
		try {
			parser = busboy({ headers: req.headers });
		} catch {
			req.resume();
			return refuse(...formRefusal(flavor, 'form'), 'form');
		}
		const chunks: Buffer[] = [];
		parser.on('file', (name, stream, info) => {
			if (name !== 'file') return void stream.resume();
			stream.on('data', (c: Buffer) => chunks.push(c));
			stream.on('end', () => (entry.file = { bytes: Buffer.concat(chunks), filename: info.filename ?? '', contentType: info.mimeType }));
		});
		parser.on('field', (name, value) => (entry.fields[name] = value));
		parser.on('close', () => {
			const file = entry.file;
			if (!file) return refuse(...formRefusal(flavor, 'file'), 'file');
			// LocalAI takes its first installed transcription model when none is named.
			const named = entry.fields.model ?? (flavor === 'localai' ? model : undefined);
			if (!named) return refuse(...formRefusal(flavor, 'model'), 'model');
			const format = entry.fields.response_format ?? (flavor === 'localai' ? '' : 'json');
			const checks: [string, () => Refusal | null][] = [
				['model', () => (named === model ? null : unknownModel(flavor, named))],
				['response_format', () => responseFormatRefusal(flavor, format, named)],
				['file format', () => fileRefusal(flavor, file)]
			];
			// speaches validates the form and decodes the file before it looks the model up.
			if (flavor === 'speaches') checks.push(checks.shift()!);
			for (const [why, check] of checks) {
				const refusal = check();
				if (refusal) return refuse(...refusal, why);
			}
			transcriptions.push(entry);
			for (const w of waiting.splice(0)) w({ method: 'POST', path: '/v1/audio/transcriptions', headers: req.headers, body: undefined });
			const next = transcripts.shift();
			if (!next) return sendError(res, 500, { message: 'test server: no scripted transcript left', type: 'server_error', param: null, code: null });
			if ('status' in next) return sendError(res, next.status, { ...defaultError(next.status, auth), ...next.error });
			if (format === 'text') return void res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end(next.text);
			return sendJson(res, 200, transcriptAnswer(flavor, format, next));
		});
		req.pipe(parser);
	};

	const server = http.createServer(async (req, res) => {
		const path = new URL(req.url ?? '/', 'http://x').pathname;
		if (path === '/v1/audio/transcriptions' && req.method === 'POST') return transcribe(req, res);
		const chunks: Buffer[] = [];
		for await (const chunk of req) chunks.push(chunk as Buffer);
		const raw = Buffer.concat(chunks).toString('utf8');
		let body: unknown;
		try {
			body = JSON.parse(raw);
		} catch {
			body = undefined;
		}
		const entry: RecordedRequest = { method: req.method ?? '', path, headers: req.headers, body };
		const reject = (status: number, error: OpenAiError) => {
			entry.rejected = error.message;
			record(entry);
			sendError(res, status, error);
		};

		if (path !== '/v1/chat/completions' && path !== '/chat/completions') {
			return reject(404, { message: `Invalid URL (${req.method} ${path})`, type: 'invalid_request_error', param: null, code: null });
		}
		if (req.method !== 'POST') return reject(405, { message: `Invalid method for URL (${req.method} ${path})`, type: 'invalid_request_error', param: null, code: null });
		if (options.apiKey !== undefined) {
			const auth = req.headers.authorization ?? '';
			if (!auth.startsWith('Bearer ')) {
				return reject(401, {
					message: "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
					type: 'invalid_request_error',
					param: null,
					code: null
				});
			}
			if (auth.slice(7) !== options.apiKey) return reject(401, incorrectKey(auth.slice(7)));
		}
		if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
			return reject(400, { message: 'test server: expected content-type application/json', type: 'invalid_request_error', param: null, code: null });
		}
		const problem = requestProblem(body, model, options.refuseSchemas ?? false);
		if (problem) return reject(...problem);
		record(entry);

		let reply = replies.shift();
		while (reply && 'until' in reply) {
			await reply.until;
			reply = reply.reply;
		}
		if (!reply) return sendError(res, 500, { message: 'test server: no scripted reply left', type: 'server_error', param: null, code: null });
		if ('hang' in reply) return; // close() ends the connection
		if ('status' in reply) {
			const headers: Record<string, string> = reply.retryAfter !== undefined ? { 'retry-after': reply.retryAfter } : {};
			if (reply.body !== undefined) {
				res.writeHead(reply.status, { 'content-type': 'text/plain', ...headers }).end(reply.body);
				return;
			}
			return sendError(res, reply.status, { ...defaultError(reply.status, req.headers.authorization), ...reply.error }, headers);
		}
		if ('json' in reply) return sendJson(res, 200, completion({ content: JSON.stringify(reply.json) }, 'stop', reply.usage));
		if ('refusal' in reply) return sendJson(res, 200, completion({ content: null, refusal: reply.refusal }, 'stop'));
		const finish = reply.finishReason ?? 'stop';
		const content = reply.content ?? (finish === 'length' ? '{"title": "Pancakes", "ingredientGroups": [{"name": nu' : '');
		return sendJson(res, 200, completion({ content }, finish));
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	const origin = `http://127.0.0.1:${port}`;

	return {
		origin,
		/** What LLM_API_BASE_URL would be: OpenAI's is https://api.openai.com/v1. */
		baseUrl: `${origin}/v1`,
		model,
		requests,
		/** Queues replies, answered in order, one per accepted request. */
		reply(...next: ScriptedReply[]) {
			replies.push(...next);
		},
		/** Replies not yet used (chat and transcription). */
		get pending() {
			return replies.length + transcripts.length;
		},
		/** Transcription requests as read from their multipart bodies. */
		transcriptions,
		/** Queues what the transcription endpoint answers, in order. */
		transcript(...next: ScriptedTranscript[]) {
			transcripts.push(...next);
		},
		/** Resolves with the next request that reaches the server (accepted or refused). */
		nextRequest() {
			return new Promise<RecordedRequest>((resolve) => waiting.push(resolve));
		},
		close: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			})
	};
}

export type OpenAiServer = Awaited<ReturnType<typeof startOpenAiServer>>;

type Refusal = [status: number, body: unknown];

const openAiRefusal = (status: number, message: string, param: string | null = null, code: string | null = null): Refusal => [
	status,
	{ error: { message, type: 'invalid_request_error', param, code } }
];
/** LocalAI's error handler: `code` is the status, `type` empty unless set. */
const localAiRefusal = (status: number, message: string, type = ''): Refusal => [status, { error: { code: status, message, type } }];
/** FastAPI's answer to a form that fails validation. */
const fastApiInvalid = (field: string, type: string, msg: string, input: unknown, ctx?: Json): Refusal => [
	422,
	{ detail: [{ type, loc: ['body', field], msg, input, ...(ctx ? { ctx } : {}) }] }
];

function authRefusal(flavor: TranscriptionServer, authorization: string | undefined): Refusal {
	if (flavor === 'speaches') {
		return [403, { detail: authorization ? 'Invalid API key. The provided API key is incorrect.' : 'API key required. Please provide an API key using the Authorization header with Bearer scheme.' }];
	}
	if (flavor === 'localai') return localAiRefusal(401, 'An authentication key is required', 'invalid_request_error');
	return [401, { error: incorrectKey((authorization ?? '').replace(/^Bearer /, '')) }];
}

function formRefusal(flavor: TranscriptionServer, missing: 'form' | 'file' | 'model'): Refusal {
	if (flavor === 'speaches') return missing === 'form' ? [400, { detail: 'There was an error parsing the body' }] : fastApiInvalid(missing, 'missing', 'Field required', null);
	if (flavor === 'localai') return localAiRefusal(500, missing === 'file' ? 'http: no such file' : 'request Content-Type isn\'t multipart/form-data');
	if (missing === 'model') return openAiRefusal(400, 'you must provide a model parameter');
	return openAiRefusal(400, '1 validation error for Request\nbody -> file\n  field required (type=value_error.missing)');
}

function unknownModel(flavor: TranscriptionServer, named: string): Refusal {
	if (flavor === 'speaches') return [404, { detail: `Model '${named}' is not installed locally. You can download the model using \`POST /v1/models\`` }];
	if (flavor === 'localai') return localAiRefusal(404, `model "${named}" not found. To see available models, call GET /v1/models`, 'invalid_request_error');
	return openAiRefusal(400, 'invalid model ID');
}

const SPEACHES_FORMATS = ['text', 'json', 'verbose_json', 'srt', 'vtt'];
function responseFormatRefusal(flavor: TranscriptionServer, format: string, named: string): Refusal | null {
	if (flavor === 'speaches') {
		if (SPEACHES_FORMATS.includes(format)) return null;
		const expected = "'text', 'json', 'verbose_json', 'srt' or 'vtt'";
		return fastApiInvalid('response_format', 'literal_error', `Input should be ${expected}`, format, { expected });
	}
	if (flavor === 'localai') return ['', 'json', 'verbose_json'].includes(format) ? null : localAiRefusal(500, 'invalid response_format');
	if (!['json', 'text', 'verbose_json'].includes(format)) {
		return openAiRefusal(400, `Invalid value: '${format}'. Supported values are: 'json', 'text', 'srt', 'verbose_json', and 'vtt'.`, 'response_format', 'invalid_value');
	}
	if (format === 'verbose_json' && !named.startsWith('whisper')) {
		return openAiRefusal(400, `response_format 'verbose_json' is not compatible with model '${named}'. Use 'json' or 'text' instead.`, 'response_format', 'unsupported_value');
	}
	return null;
}

/** OpenAI reads the format from the file's name; speaches decodes the bytes (here: refuses none but an empty file); LocalAI hands the file to its backend. */
const OPENAI_EXTENSIONS = ['flac', 'm4a', 'mp3', 'mp4', 'mpeg', 'mpga', 'oga', 'ogg', 'wav', 'webm'];
function fileRefusal(flavor: TranscriptionServer, file: NonNullable<RecordedTranscription['file']>): Refusal | null {
	if (flavor === 'speaches') return file.bytes.length ? null : [400, { detail: 'Failed to decode audio. The provided file is likely empty.' }];
	if (flavor === 'localai') return null;
	const extension = /\.([a-z0-9]+)$/i.exec(file.filename)?.[1]?.toLowerCase();
	if (extension && OPENAI_EXTENSIONS.includes(extension)) return null;
	return openAiRefusal(400, `Invalid file format. Supported formats: [${OPENAI_EXTENSIONS.map((e) => `'${e}'`).join(', ')}]`);
}

/** A transcript in `format` (json, verbose_json, or LocalAI's unnamed default) as the server writes it. */
function transcriptAnswer(flavor: TranscriptionServer, format: string, t: { text: string; duration?: number; language?: string }): Json {
	const duration = t.duration ?? 3.2;
	const segments = [{ id: 0, start: 0, end: duration, text: t.text }];
	if (flavor === 'localai') {
		return format === 'json' ? { text: t.text, language: t.language ?? 'en', duration } : { segments: segments.map((s) => ({ ...s, tokens: [] })), text: t.text, language: t.language ?? 'en', duration };
	}
	if (flavor === 'speaches') {
		return format === 'json'
			? { text: t.text, logprobs: null, usage: null }
			: { duration, language: t.language ?? 'en', text: t.text, segments, words: null, usage: null };
	}
	if (format === 'verbose_json') return { task: 'transcribe', language: t.language ?? 'english', duration, text: t.text, segments, usage: { type: 'duration', seconds: Math.ceil(duration) } };
	return { text: t.text, usage: { type: 'duration', seconds: Math.ceil(duration) } };
}

/** OpenAI's 401 for a wrong key quotes its start and end. */
function incorrectKey(key: string): OpenAiError {
	const masked = key.length > 8 ? `${key.slice(0, 3)}*****${key.slice(-4)}` : '*****';
	return {
		message: `Incorrect API key provided: ${masked}. You can find your API key at https://platform.openai.com/account/api-keys.`,
		type: 'invalid_request_error',
		param: null,
		code: 'invalid_api_key'
	};
}

function defaultError(status: number, authorization: string | undefined): OpenAiError {
	if (status === 401) return incorrectKey((authorization ?? '').replace(/^Bearer /, ''));
	if (status === 429) {
		return {
			message: 'Rate limit reached for gpt-4o-mini in organization org-test on requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in 20s.',
			type: 'requests',
			param: null,
			code: 'rate_limit_exceeded'
		};
	}
	if (status >= 500) return { message: 'The server had an error while processing your request. Sorry about that!', type: 'server_error', param: null, code: null };
	return { message: `test server: scripted ${status}`, type: 'invalid_request_error', param: null, code: null };
}
