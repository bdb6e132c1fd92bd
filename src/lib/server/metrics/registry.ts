import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Logger } from 'pino';
import type { Database } from '../db/client';
import type { LlmOutcome, LlmUsage } from '../llm/chat-json';
import type { ServiceOutcome } from '../llm/service-errors';
import type { FetchOutcome } from '../net/errors';
import type { PushOutcome } from '../push/sender';
import type { QueueObserver } from '../queue/observer';
import { engineMetrics } from './engine';
import { sharedStateMetrics } from './shared-state';

const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/**
 * One process's metrics, on a registry of its own (never prom-client's global one: tests make
 * several Apps in one process). Counters and histograms count this process's work; the queue
 * gauges are read from the database and are the same everywhere (see shared-state.ts). Labels
 * are fixed vocabularies and route ids: never a host, a URL or anything a person typed.
 */
export class Metrics {
	readonly registry = new Registry();
	readonly queue: QueueObserver;
	private readonly sseEvents: Counter<'event'>;
	private readonly pushes: Counter<'outcome'>;
	private readonly fetches: Counter<'kind' | 'outcome'>;
	private readonly llmCalls: Counter<'outcome'>;
	private readonly llmTokens: Counter<'type'>;
	private readonly sttCalls: Counter<'outcome'>;
	private readonly sttSeconds: Counter;
	private readonly httpDurations: Histogram<'route' | 'method' | 'status_class'>;

	constructor(o: { database: Database; log: Logger; sseConnections(): number }) {
		const registers = [this.registry];
		collectDefaultMetrics({ register: this.registry });
		this.queue = engineMetrics(this.registry);
		sharedStateMetrics(this.registry, o.database, o.log);
		new Gauge({
			name: 'cookmark_sse_connections',
			help: 'Live update streams open on this process.',
			registers,
			collect() {
				this.set(o.sseConnections());
			}
		});
		this.sseEvents = new Counter({ name: 'cookmark_sse_events_total', help: 'Events written to live update streams.', labelNames: ['event'], registers });
		this.pushes = new Counter({
			name: 'cookmark_push_deliveries_total',
			help: 'Web push deliveries by outcome (sent, gone, refused, failed, dropped).',
			labelNames: ['outcome'],
			registers
		});
		this.fetches = new Counter({
			name: 'cookmark_fetches_total',
			help: 'Fetches of shared links (page), their pictures (picture) and a post\'s video, subtitles and slides (media), by outcome.',
			labelNames: ['kind', 'outcome'],
			registers
		});
		this.llmCalls = new Counter({ name: 'cookmark_llm_calls_total', help: 'Language model calls by outcome.', labelNames: ['outcome'], registers });
		this.llmTokens = new Counter({
			name: 'cookmark_llm_tokens_total',
			help: 'Tokens the language model reported spending (prompt, completion).',
			labelNames: ['type'],
			registers
		});
		this.sttCalls = new Counter({ name: 'cookmark_transcription_calls_total', help: 'Transcription service calls by outcome.', labelNames: ['outcome'], registers });
		this.sttSeconds = new Counter({ name: 'cookmark_transcription_audio_seconds_total', help: 'Seconds of audio transcribed, as the service reported them.', registers });
		this.httpDurations = new Histogram({
			name: 'cookmark_http_request_duration_seconds',
			help: 'HTTP requests by route id (until the answer starts: a live stream counts its opening only).',
			labelNames: ['route', 'method', 'status_class'],
			buckets: HTTP_BUCKETS,
			registers
		});
		for (const outcome of ['sent', 'gone', 'refused', 'failed', 'dropped'] satisfies PushOutcome[]) this.pushes.inc({ outcome }, 0);
	}

	sseEvent(event: string, count = 1): void {
		this.sseEvents.inc({ event }, count);
	}

	push = (outcome: PushOutcome): void => {
		this.pushes.inc({ outcome });
	};

	/** An observer for one kind of fetch. */
	fetch(kind: 'page' | 'picture' | 'media'): (outcome: FetchOutcome) => void {
		return (outcome) => this.fetches.inc({ kind, outcome });
	}

	transcription = (outcome: ServiceOutcome, audioSeconds: number | undefined): void => {
		this.sttCalls.inc({ outcome });
		if (audioSeconds) this.sttSeconds.inc(audioSeconds);
	};

	llm = (outcome: LlmOutcome, usage: LlmUsage | undefined): void => {
		this.llmCalls.inc({ outcome });
		if (usage?.promptTokens) this.llmTokens.inc({ type: 'prompt' }, usage.promptTokens);
		if (usage?.completionTokens) this.llmTokens.inc({ type: 'completion' }, usage.completionTokens);
	};

	/** `route` is SvelteKit's route id (`/api/queue/[id]`), null when no route matched. */
	httpRequest(route: string | null, method: string, status: number, seconds: number): void {
		this.httpDurations.observe(
			{ route: route ?? 'unmatched', method: METHODS.has(method) ? method : 'other', status_class: `${Math.floor(status / 100)}xx` },
			seconds
		);
	}

	render(): Promise<string> {
		return this.registry.metrics();
	}

	get contentType(): string {
		return this.registry.contentType;
	}
}
