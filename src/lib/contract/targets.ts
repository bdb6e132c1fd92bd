import { z } from 'zod';

/** Recipe managers Cookmark can save to, besides its own library. */
export const targetKinds = ['tandoor', 'mealie'] as const;
export const TargetKind = z.enum(targetKinds);
export type TargetKind = z.infer<typeof TargetKind>;

export const targetNames: Record<TargetKind, string> = { tandoor: 'Tandoor', mealie: 'Mealie' };

/**
 * A server's root as people paste it: http(s), no credentials, query or fragment; a trailing
 * slash or `/api` is dropped, since the clients add the API's own paths.
 */
export const TargetBaseUrl = z
	.string()
	.trim()
	.min(1, 'enter the address of your server')
	.max(500)
	.transform((raw, ctx) => {
		let url: URL;
		try {
			url = new URL(raw);
		} catch {
			ctx.addIssue({ code: 'custom', message: 'enter a full address, such as http://192.168.1.20:8080' });
			return z.NEVER;
		}
		if (url.protocol !== 'http:' && url.protocol !== 'https:') {
			ctx.addIssue({ code: 'custom', message: 'the address must start with http:// or https://' });
			return z.NEVER;
		}
		if (url.username || url.password) {
			ctx.addIssue({ code: 'custom', message: 'put the token in the token field, not in the address' });
			return z.NEVER;
		}
		return `${url.origin}${url.pathname.replace(/\/+$/, '').replace(/\/api$/i, '')}`;
	});

/** A token as pasted (Tandoor's `tda_…`, Mealie's JWT); bounded so nothing huge is stored. */
export const TargetToken = z.string().trim().min(1, 'enter the API token').max(4096);

/**
 * What a user sets: library only, or a target. The token may be left out when the kind stays the
 * same, to keep the saved one (it is never sent back to be shown).
 */
export const TargetInput = z.discriminatedUnion('kind', [
	z.object({ kind: z.literal('none') }),
	z.object({ kind: TargetKind, baseUrl: TargetBaseUrl, token: TargetToken.optional() })
]);
export type TargetInput = z.infer<typeof TargetInput>;

/** The target as shown in Settings: never the token, only whether one is saved. */
export const TargetView = z.object({
	kind: z.enum(['none', ...targetKinds]),
	baseUrl: z.string().nullable(),
	/** `user`: chosen in Settings; `server`: the server's default (TANDOOR_* / MEALIE_*); `none`: neither. */
	source: z.enum(['user', 'server', 'none']),
	tokenSaved: z.boolean(),
	/** Whether the server has a default a user may go back to. */
	serverDefault: z.enum(['none', ...targetKinds])
});
export type TargetView = z.infer<typeof TargetView>;

/** Test connection: the URL and token (the saved token when left out). */
export const TargetTestInput = z.object({ kind: TargetKind, baseUrl: TargetBaseUrl, token: TargetToken.optional() });
export type TargetTestInput = z.infer<typeof TargetTestInput>;

export const TargetTestResult = z.object({ server: z.string(), user: z.string().nullable() });
export type TargetTestResult = z.infer<typeof TargetTestResult>;

/** Where a recipe was saved on a target, as an item's result and a library recipe show it. */
export const TargetLink = z.object({
	kind: TargetKind,
	remoteId: z.string(),
	url: z.string(),
	/** Whether the copy there shows a picture (the one sent now, or one it already had). */
	imageSet: z.boolean(),
	/** What the person should know about this send (why the picture is missing, a broken earlier copy). */
	notes: z.array(z.string()).optional()
});
export type TargetLink = z.infer<typeof TargetLink>;
