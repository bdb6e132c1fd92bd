import { z } from 'zod';

/**
 * The services that read what rules cannot: the chat model (recipes in any text), the same model
 * given pictures (recipes written on a post's pictures) and the transcription service (recipes
 * only spoken in a video). They are the server's (set by its environment), not a person's.
 */
export const ReadingService = z.enum(['chat', 'pictures', 'transcription']);
export type ReadingService = z.infer<typeof ReadingService>;

export const readingServiceNames: Record<ReadingService, string> = {
	chat: 'Language model',
	pictures: 'Pictures',
	transcription: 'Transcription'
};

export const ReadingServiceState = z.object({
	service: ReadingService,
	configured: z.boolean(),
	/** The model asked for, when configured. */
	model: z.string().nullable(),
	/** Where it is (host and port), shown to the admin only; null for everyone else. */
	host: z.string().nullable(),
	/** When it is not configured: the settings that would set it up. */
	setup: z.string().nullable()
});
export type ReadingServiceState = z.infer<typeof ReadingServiceState>;

export const ReadingServicesView = z.object({ services: z.array(ReadingServiceState) });
export type ReadingServicesView = z.infer<typeof ReadingServicesView>;

export const ServiceTestRequest = z.object({ service: ReadingService });
export type ServiceTestRequest = z.infer<typeof ServiceTestRequest>;

/** What a test read: a short recipe by the chat model (with or without a picture), a short sound by the transcription service. */
export const ServiceTestResult = z.object({
	service: ReadingService,
	model: z.string(),
	/** The whole round trip, answer included. */
	ms: z.number().int().min(0),
	/** What was read, in a sentence a person reads ("Pancakes: 4 ingredients, 3 steps"). */
	summary: z.string(),
	/** The chat model's answer format: a JSON schema, or JSON mode for servers without schemas. */
	answerFormat: z.enum(['json_schema', 'json_object']).nullable(),
	/** For the chat model and pictures. */
	recipe: z.object({ title: z.string().nullable(), ingredients: z.number().int().min(0), steps: z.number().int().min(0) }).nullable(),
	/** For transcription: the words heard in the test sound (a tone, so usually none). */
	heard: z.string().nullable()
});
export type ServiceTestResult = z.infer<typeof ServiceTestResult>;
