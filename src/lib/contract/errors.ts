import { z } from 'zod';

/** Every JSON error answer: `{"error":{"code","message","issues"?}}` (contract). */
export const ApiError = z.object({
	error: z.object({
		code: z.string(),
		message: z.string(),
		issues: z
			.array(z.object({ path: z.string(), message: z.string() }))
			.optional()
	})
});
export type ApiError = z.infer<typeof ApiError>;
export type ApiIssue = NonNullable<ApiError['error']['issues']>[number];
