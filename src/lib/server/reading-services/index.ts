import type { ReadingService, ReadingServiceState, ReadingServicesView, ServiceTestResult } from '../../contract/reading-services';
import type { LlmClient } from '../llm/chat-json';
import type { TranscriptionClient } from '../llm/transcribe';
import { hostOf } from '../llm/service-errors';
import { peerFailure } from '../failures/peer-failure';
import { ApiError } from '../http/api-error';
import { draftByModel } from '../pipeline/recipe/parse/llm-draft';
import { SAMPLE_INGREDIENTS, SAMPLE_RECIPE, samplePicture, toneWav } from './samples';

export interface ReadingServicesOptions {
	llm: LlmClient | null;
	/** LLM_API_BASE_URL, for the admin to see where the model is. */
	llmBaseUrl?: string;
	/** LLM_VISION: the chat model is sent pictures. */
	vision: boolean;
	transcriber: TranscriptionClient | null;
	sttBaseUrl?: string;
}

const SETUP: Record<ReadingService, string> = {
	chat: 'LLM_API_BASE_URL (with LLM_API_KEY and LLM_MODEL): an OpenAI-compatible API',
	pictures: 'LLM_VISION=true, with a chat model that reads pictures',
	transcription: 'STT_API_BASE_URL (with STT_API_KEY and STT_MODEL): an OpenAI-compatible transcription API'
};

/**
 * What the server can read besides pages (the chat model, pictures, speech), and Test: a real
 * small job for each, through the same clients the pipeline uses, so a wrong key, model or
 * address shows here before the first shared reel fails on it.
 */
export class ReadingServices {
	constructor(private readonly options: ReadingServicesOptions) {}

	/** Every service's state; where each lives only for the admin (a LAN address is the server's business). */
	view(forAdmin: boolean): ReadingServicesView {
		const { llm, transcriber, vision } = this.options;
		const state = (service: ReadingService, model: string | null, baseUrl: string | undefined): ReadingServiceState => ({
			service,
			configured: model !== null,
			model,
			host: forAdmin && model !== null && baseUrl ? hostOf(baseUrl) : null,
			setup: model === null ? SETUP[service] : null
		});
		return {
			services: [
				state('chat', llm?.model ?? null, this.options.llmBaseUrl),
				state('pictures', vision ? (llm?.model ?? null) : null, this.options.llmBaseUrl),
				state('transcription', transcriber?.model ?? null, this.options.sttBaseUrl)
			]
		};
	}

	/**
	 * Runs the service's test. Not configured: 409 naming the settings; the peer's refusal (key,
	 * model, address) 422 and its trouble 502, in its client's words; a model that answered but
	 * missed the recipe 422 `llm_misread`.
	 */
	async test(service: ReadingService, signal?: AbortSignal): Promise<ServiceTestResult> {
		const started = performance.now();
		try {
			const result = service === 'transcription' ? await this.testTranscription(signal) : await this.testChat(service === 'pictures', signal);
			return { ...result, service, ms: Math.round(performance.now() - started) };
		} catch (err) {
			if (err instanceof ApiError) throw err;
			const { status, code, message } = peerFailure(err);
			throw new ApiError(status, code, message);
		}
	}

	private async testChat(withPicture: boolean, signal?: AbortSignal): Promise<Omit<ServiceTestResult, 'service' | 'ms'>> {
		const { llm } = this.options;
		if (!llm || (withPicture && !this.options.vision)) throw notConfigured(withPicture ? 'pictures' : 'chat');
		const images = withPicture ? [await samplePicture()] : undefined;
		const draft = await draftByModel(llm, `Source: a test from Cookmark's settings\n\n${SAMPLE_RECIPE}`, signal, {
			system: withPicture ? 'A picture of the dish follows the text.' : undefined,
			images
		});
		const ingredients = draft?.ingredientGroups.reduce((n, g) => n + g.ingredients.length, 0) ?? 0;
		const steps = draft?.stepGroups.reduce((n, g) => n + g.steps.length, 0) ?? 0;
		if (ingredients < SAMPLE_INGREDIENTS - 1 || steps < 1) {
			throw new ApiError(
				422,
				'llm_misread',
				`${llm.model} answered, but read ${ingredients} of the test recipe's ${SAMPLE_INGREDIENTS} ingredients and ${steps} steps: recipes it reads would be incomplete; try a larger model`
			);
		}
		const title = draft?.title ?? null;
		return {
			model: llm.model,
			answerFormat: llm.answerFormat,
			recipe: { title, ingredients, steps },
			heard: null,
			summary: `${withPicture ? 'Took the picture and read' : 'Read'} “${title ?? 'the test recipe'}”: ${ingredients} ingredients, ${steps} steps`
		};
	}

	private async testTranscription(signal?: AbortSignal): Promise<Omit<ServiceTestResult, 'service' | 'ms'>> {
		const { transcriber } = this.options;
		if (!transcriber) throw notConfigured('transcription');
		const transcript = await transcriber.transcribe({ bytes: toneWav(), filename: 'cookmark-test.wav', contentType: 'audio/wav', language: 'en', signal });
		return {
			model: transcriber.model,
			answerFormat: null,
			recipe: null,
			heard: transcript.text,
			summary: `Transcribed a one-second test tone${transcript.text ? `; it heard “${transcript.text.slice(0, 80)}”` : ' (no words in it, as expected)'}`
		};
	}
}

function notConfigured(service: ReadingService): ApiError {
	return new ApiError(409, 'service_not_configured', `not set up on this server: set ${SETUP[service]}, then restart Cookmark`);
}
