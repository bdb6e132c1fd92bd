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
	| { hang: true };

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
}

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
	 * `POST /v1/audio/transcriptions` as OpenAI documents it and speaches (src/speaches/routers/stt.py)
	 * and LocalAI (core/http/endpoints/openai/transcription.go) take it: multipart/form-data with
	 * a `file` part (a name and a content type) and `model`, `response_format`, `language` fields.
	 * `json` answers `{text, usage}` (OpenAI's shape for whisper-1), `verbose_json` adds duration,
	 * language and segments; `text` answers the words alone.
	 */
	const transcribe = (req: http.IncomingMessage, res: http.ServerResponse) => {
		const entry: RecordedTranscription = { headers: req.headers, file: null, fields: {} };
		const refuse = (status: number, message: string, param: string | null = null) => {
			entry.rejected = message;
			transcriptions.push(entry);
			sendError(res, status, { message, type: 'invalid_request_error', param, code: null });
		};
		if (options.apiKey !== undefined && req.headers.authorization !== `Bearer ${options.apiKey}`) {
			req.resume();
			return refuse(401, incorrectKey((req.headers.authorization ?? '').replace(/^Bearer /, '')).message);
		}
		let parser: busboy.Busboy;
		try {
			parser = busboy({ headers: req.headers });
		} catch {
			req.resume();
			return refuse(400, "Could not parse multipart form");
		}
		const chunks: Buffer[] = [];
		parser.on('file', (name, stream, info) => {
			if (name !== 'file') return void stream.resume();
			stream.on('data', (c: Buffer) => chunks.push(c));
			stream.on('end', () => (entry.file = { bytes: Buffer.concat(chunks), filename: info.filename ?? '', contentType: info.mimeType }));
		});
		parser.on('field', (name, value) => (entry.fields[name] = value));
		parser.on('close', () => {
			if (!entry.file) return refuse(400, "1 validation error for Request\nbody -> file\n  field required", 'file');
			if (!entry.fields.model) return refuse(400, "you must provide a model parameter", 'model');
			if (entry.fields.model !== model) {
				entry.rejected = 'model';
				transcriptions.push(entry);
				return sendError(res, 404, { message: `The model \`${entry.fields.model}\` does not exist or you do not have access to it.`, type: 'invalid_request_error', param: null, code: 'model_not_found' });
			}
			const format = entry.fields.response_format ?? 'json';
			if (!['json', 'verbose_json', 'text'].includes(format)) return refuse(400, `Invalid value for 'response_format'.`, 'response_format');
			transcriptions.push(entry);
			for (const w of waiting.splice(0)) w({ method: 'POST', path: '/v1/audio/transcriptions', headers: req.headers, body: undefined });
			const next = transcripts.shift();
			if (!next) return sendError(res, 500, { message: 'test server: no scripted transcript left', type: 'server_error', param: null, code: null });
			if ('status' in next) return sendError(res, next.status, { ...defaultError(next.status, req.headers.authorization), ...next.error });
			const duration = next.duration ?? 3.2;
			if (format === 'text') return void res.writeHead(200, { 'content-type': 'text/plain' }).end(next.text);
			if (format === 'verbose_json') {
				return sendJson(res, 200, { task: 'transcribe', language: next.language ?? 'english', duration, text: next.text, segments: [{ id: 0, start: 0, end: duration, text: next.text }] });
			}
			return sendJson(res, 200, { text: next.text, usage: { type: 'duration', seconds: Math.ceil(duration) } });
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

		const reply = replies.shift();
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
