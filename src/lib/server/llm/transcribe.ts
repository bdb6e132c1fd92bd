import { z } from 'zod';
import type { Config } from '../config';
import { correlationHeaders } from '../correlation';
import { formatDuration } from '../../format';
import { networkError } from '../net/errors';
import { JobError, PermanentError, RetryableError } from '../failures/errors';
import { hostOf, rewrap, serverError, serviceOutcome, statusError, type ServiceNames, type ServiceOutcome } from './service-errors';

/**
 * A client for OpenAI's transcription API (`POST {base}/audio/transcriptions`, multipart/form-data
 * with `file`, `model`, `response_format` and an optional `language`), which OpenAI,
 * speaches (faster-whisper-server: src/speaches/routers/stt.py) and LocalAI
 * (core/http/endpoints/openai/transcription.go) all take. The file is sent as it came, under a
 * name with its extension (OpenAI reads the format from the name; speaches and LocalAI decode
 * mp4, webm and m4a themselves), so nothing is transcoded here.
 *
 * `response_format=json` is asked for because every server and model speaks it (OpenAI's
 * gpt-4o-transcribe models refuse verbose_json, LocalAI calls plain text `txt`), and named
 * because LocalAI's default is the verbose shape. Its answer is `{text}` with more beside:
 * OpenAI's `usage` ({type: "duration", seconds} or token counts), speaches' `usage` and
 * `logprobs` as null, LocalAI's `language` and `duration`; a duration is counted when present. Errors as the chat client's: retryable for the server's trouble,
 * permanent for a misconfiguration, the key never quoted.
 */

export interface TranscriptionClientOptions {
	baseUrl: string;
	apiKey?: string;
	model: string;
	timeoutMs: number;
	fetch?: typeof fetch;
	/** Told how each call ended, and the audio's length in seconds when the server said it. */
	observe?(outcome: ServiceOutcome, audioSeconds: number | undefined): void;
}

export interface TranscriptionRequest {
	bytes: Uint8Array;
	/** The file's name with an extension (servers guess the format from it). */
	filename: string;
	contentType: string;
	/** ISO-639-1, when known: better and faster than the server's guess. */
	language?: string;
	signal?: AbortSignal;
}

export interface Transcript {
	text: string;
	language?: string;
	/** Seconds of audio, when the server said. */
	duration?: number;
}

export interface TranscriptionClient {
	readonly model: string;
	transcribe(request: TranscriptionRequest): Promise<Transcript>;
}

const STT: ServiceNames = { what: 'the transcription service', code: 'stt', env: 'STT' };

const Answer = z.object({
	text: z.string(),
	language: z.string().nullish(),
	duration: z.number().nullish(),
	usage: z.object({ seconds: z.number().optional() }).nullish()
});

export function createTranscriptionClient(options: TranscriptionClientOptions): TranscriptionClient {
	const endpoint = `${options.baseUrl.trim().replace(/\/+$/, '')}/audio/transcriptions`;
	const host = hostOf(endpoint);
	const apiKey = options.apiKey?.trim() || undefined;
	const doFetch = options.fetch ?? globalThis.fetch;
	const scrub = (text: string) => {
		let out = text.replace(/Bearer\s+\S+/gi, 'Bearer [redacted]');
		if (apiKey) out = out.split(apiKey).join('[redacted]');
		return out;
	};

	async function send(request: TranscriptionRequest): Promise<Transcript> {
		const form = new FormData();
		form.append('file', new Blob([request.bytes as Uint8Array<ArrayBuffer>], { type: request.contentType }), request.filename);
		form.append('model', options.model);
		form.append('response_format', 'json');
		if (request.language) form.append('language', request.language);
		// fetch writes the multipart content type with its boundary.
		const headers: Record<string, string> = { accept: 'application/json', ...correlationHeaders() };
		if (apiKey) headers.authorization = `Bearer ${apiKey}`;
		const timeout = AbortSignal.timeout(options.timeoutMs);
		const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
		let res: Response;
		let text: string;
		try {
			res = await doFetch(endpoint, { method: 'POST', headers, body: form, signal, redirect: 'manual' });
			text = await res.text();
		} catch (err) {
			if (request.signal?.aborted) throw request.signal.reason;
			if (timeout.aborted) throw new RetryableError('timeout', `the transcription service at ${host} did not answer within ${formatDuration(options.timeoutMs)}`);
			const e = err instanceof JobError ? err : networkError(err, endpoint);
			throw rewrap(e, `could not reach the transcription service: ${scrub(e.message)}`);
		}
		if (res.status < 200 || res.status >= 300) {
			// OpenAI refuses an unknown transcription model with a 400 "invalid model ID" (chat's is a 404).
			const said = serverError(text).message;
			if (res.status === 400 && said && /^invalid model\b/i.test(said)) {
				throw new PermanentError('stt_not_found', `the transcription service at ${host} does not know the model "${options.model}" (400: ${scrub(said).slice(0, 200)}); check STT_MODEL`);
			}
			throw statusError(STT, res.status, res.headers, text, host, Boolean(apiKey), scrub);
		}
		let answer: z.infer<typeof Answer>;
		try {
			answer = Answer.parse(JSON.parse(text));
		} catch {
			throw new PermanentError(
				'stt_bad_response',
				`${host} answered ${res.status} but not with a transcription; is STT_API_BASE_URL an OpenAI-compatible API (usually ending in /v1)?`
			);
		}
		const duration = answer.duration ?? answer.usage?.seconds;
		return { text: answer.text.trim(), language: answer.language ?? undefined, duration: duration ?? undefined };
	}

	return {
		model: options.model,
		async transcribe(request) {
			try {
				const transcript = await send(request);
				options.observe?.('ok', transcript.duration);
				return transcript;
			} catch (err) {
				options.observe?.(serviceOutcome(err, request.signal?.aborted ?? false), undefined);
				throw err;
			}
		}
	};
}

/** The client Cookmark's configuration asks for, or null when no transcription service is configured. */
export function transcriptionClientFromConfig(
	config: Pick<Config, 'STT_API_BASE_URL' | 'STT_API_KEY' | 'STT_MODEL' | 'STT_TIMEOUT_MS'>,
	more: Pick<TranscriptionClientOptions, 'fetch' | 'observe'> = {}
): TranscriptionClient | null {
	if (!config.STT_API_BASE_URL) return null;
	return createTranscriptionClient({
		baseUrl: config.STT_API_BASE_URL,
		apiKey: config.STT_API_KEY,
		model: config.STT_MODEL,
		timeoutMs: config.STT_TIMEOUT_MS,
		...more
	});
}
