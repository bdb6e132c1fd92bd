import type { RecipeDraft } from '../../../../contract/recipe';
import type { PhaseContext } from '../../../queue/pipeline';
import type { FetchedBytes } from '../../../net/safe-fetch';
import type { TranscriptionClient } from '../../../llm/transcribe';
import { PermanentError } from '../../../failures/errors';
import type { ExtractedContent } from '../extract';
import { draftByModel, type DraftWriter } from './llm-draft';
import { json3Url, subtitleText } from './subtitles';

export interface SpokenDeps {
	llm: DraftWriter | null;
	llmMaxInputChars: number;
	/** Whether the chat model reads pictures (LLM_VISION). */
	llmVision?: boolean;
	transcriber?: Pick<TranscriptionClient, 'transcribe'> | null;
	/** How a post's subtitles, video and pictures are had. Without it (the CLI) media is not read. */
	media?: MediaFiles;
}

export interface MediaFiles {
	/** A public file through the safe fetcher (SSRF-guarded, bounded); `accept` empty takes any type. */
	fetch(url: string, signal: AbortSignal, limits: { maxBytes: number; accept: readonly string[] }): Promise<FetchedBytes>;
	/** The most of a video downloaded to be transcribed (STT_MAX_BYTES). */
	videoMaxBytes: number;
}

type Ctx = Pick<PhaseContext, 'signal' | 'progress' | 'log'>;

/** At most this many pictures go to the model: a carousel's first ones hold the recipe card, and each costs tokens. */
const MAX_PICTURES = 6;
const MAX_PICTURE_BYTES = 4 * 1024 * 1024;
const PICTURE_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/gif'];

const SPEECH_NOTE =
	'The text is a social post: its caption, then what is said in its video (a transcript or subtitles, without punctuation you can trust). The recipe is usually in the spoken part.';
const PICTURES_NOTE = 'The text is a social post’s caption; the recipe may be written on its pictures, which follow.';

/** A post whose caption holds no recipe, but whose video or pictures may. */
export function wantsMedia(content: ExtractedContent): boolean {
	const m = content.media;
	return Boolean(content.isPost && m && (content.recipe?.ingredients.length ?? 0) === 0 && (m.videoUrl || m.captionTracks.length || m.slides.length));
}

/**
 * The recipe said in a post's video (its subtitles, else its speech transcribed) or written on
 * its pictures, read by the language model with the caption; null when neither gave one.
 */
export async function readPostMedia(content: ExtractedContent, deps: SpokenDeps, ctx: Ctx): Promise<{ draft: RecipeDraft; readFrom: 'speech' | 'pictures' } | null> {
	const { llm, media: files } = deps;
	if (!llm || !files) return null;
	const caption = [content.canonicalUrl ? `Source: ${content.canonicalUrl}` : null, content.title ? `Title: ${content.title}` : null, content.text ? `Caption:\n${content.text}` : null]
		.filter(Boolean)
		.join('\n');
	const words = await videoWords(content, files, deps.transcriber, ctx);
	if (words) {
		ctx.progress(60, 'asking the model');
		const input = `${caption}\n\nSpoken in the video:\n${words}`.slice(0, deps.llmMaxInputChars);
		const draft = await draftByModel(llm, input, ctx.signal, { system: SPEECH_NOTE });
		if (draft) return { draft, readFrom: 'speech' };
	}
	if (deps.llmVision) {
		const images = await pictures(content, files, ctx);
		if (images.length) {
			ctx.progress(60, 'asking the model about the pictures');
			const draft = await draftByModel(llm, caption.slice(0, deps.llmMaxInputChars), ctx.signal, { system: PICTURES_NOTE, images });
			if (draft) return { draft, readFrom: 'pictures' };
		}
	}
	return null;
}

/** Why a post's recipe could not be read when its video may hold it: the missing service, named with how to set it up. */
export function missingServiceError(content: ExtractedContent, deps: Pick<SpokenDeps, 'llm' | 'transcriber'>): PermanentError | null {
	const m = content.media;
	if (!content.isPost || !m || (!m.videoUrl && !m.captionTracks.length)) return null;
	if (!deps.llm) {
		return new PermanentError(
			'no_llm',
			"this post's caption holds no recipe, and reading one from its video needs a language model: set LLM_API_BASE_URL (and LLM_API_KEY, LLM_MODEL) to an OpenAI-compatible API"
		);
	}
	if (!m.captionTracks.length && !deps.transcriber) {
		return new PermanentError(
			'no_transcription',
			"this post's recipe seems to be spoken in its video, and no transcription service is configured: set STT_API_BASE_URL (and STT_API_KEY, STT_MODEL) to an OpenAI-compatible speech-to-text API such as OpenAI's or a speaches server"
		);
	}
	return null;
}

async function videoWords(content: ExtractedContent, files: MediaFiles, transcriber: SpokenDeps['transcriber'], ctx: Ctx): Promise<string | null> {
	const media = content.media!;
	for (const track of media.captionTracks.slice(0, 2)) {
		ctx.progress(35, "reading the video's subtitles");
		try {
			const file = await files.fetch(json3Url(track.url), ctx.signal, { maxBytes: 2 * 1024 * 1024, accept: [] });
			const text = subtitleText(Buffer.from(file.bytes).toString('utf8'));
			if (text) return text;
		} catch (err) {
			// A track that cannot be read leaves the others and the video itself.
			if (ctx.signal.aborted) throw err;
			ctx.log.warn({ err }, 'a subtitle track could not be read');
		}
	}
	if (!media.videoUrl || !transcriber) return null;
	ctx.progress(40, "downloading the video");
	const video = await files.fetch(media.videoUrl, ctx.signal, { maxBytes: files.videoMaxBytes, accept: [] }).catch((err: unknown) => {
		throw err instanceof PermanentError && err.code === 'too_large' ? videoTooLarge(files.videoMaxBytes, err) : err;
	});
	ctx.progress(50, "transcribing the video's speech");
	const type = video.contentType.split(';')[0]!.trim() || 'video/mp4';
	const transcript = await transcriber.transcribe({ bytes: video.bytes, filename: `video.${extensionOf(type)}`, contentType: type, signal: ctx.signal });
	return transcript.text || null;
}

/** The fetcher's "page is larger" said of the video, with the setting that bounds it. */
function videoTooLarge(maxBytes: number, cause: Error): PermanentError {
	const limit = maxBytes >= 1024 * 1024 ? `${+(maxBytes / 1024 / 1024).toFixed(1)} MiB` : `${Math.round(maxBytes / 1024)} KiB`;
	return new PermanentError(
		'video_too_large',
		`this post's video is larger than ${limit}, the most downloaded to be transcribed (STT_MAX_BYTES; OpenAI takes at most 25 MiB), so its recipe could not be read`,
		{ cause }
	);
}

/** Servers guess the format from the file's name. */
function extensionOf(type: string): string {
	const known: Record<string, string> = { 'video/webm': 'webm', 'video/quicktime': 'mov', 'audio/mpeg': 'mp3', 'audio/mp4': 'm4a', 'audio/wav': 'wav', 'audio/webm': 'webm', 'audio/ogg': 'ogg' };
	return known[type] ?? 'mp4';
}

/**
 * The post's pictures as data: URLs. Downloaded here, through the safe fetcher, rather than sent
 * as links: a local model's server often has no internet access, and platform picture links are
 * signed for a while and for the visitor who was given them.
 */
async function pictures(content: ExtractedContent, files: MediaFiles, ctx: Ctx): Promise<string[]> {
	const urls = [...new Set([...(content.media?.slides ?? []), ...(content.image ? [content.image] : [])])].slice(0, MAX_PICTURES);
	const out: string[] = [];
	for (const url of urls) {
		try {
			const file = await files.fetch(url, ctx.signal, { maxBytes: MAX_PICTURE_BYTES, accept: PICTURE_TYPES });
			out.push(`data:${file.contentType.split(';')[0]!.trim()};base64,${Buffer.from(file.bytes).toString('base64')}`);
		} catch (err) {
			if (ctx.signal.aborted) throw err;
			ctx.log.warn({ err }, 'a picture of the post could not be fetched');
		}
	}
	return out;
}
