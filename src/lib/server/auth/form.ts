import { fail, redirect, type ActionFailure, type RequestEvent } from '@sveltejs/kit';
import { capitalise } from '../../format';
import type { z } from 'zod';
import type { App } from '../app';
import { ApiError } from '../http/api';
import { clientOf } from './client';
import { setSessionCookie } from './request';
import type { ClientInfo, SignedIn } from './sign-in';

/** Form fields as strings, validated with the API's own schema; the first problem becomes the message. */
export function parseForm<S extends z.ZodType>(
	form: FormData,
	schema: S,
	fields: string[],
	section?: string
):
	| { ok: true; data: z.infer<S> }
	| { ok: false; failure: ActionFailure<{ message: string; values: Record<string, string>; section?: string }> } {
	const values = Object.fromEntries(fields.map((f) => [f, String(form.get(f) ?? '')]));
	const parsed = schema.safeParse(values);
	if (parsed.success) return { ok: true, data: parsed.data };
	const issue = parsed.error.issues[0]!;
	const safeValues = Object.fromEntries(Object.entries(values).filter(([k]) => !/password/i.test(k)));
	const message = `${capitalise(String(issue.path[0] ?? 'input'))}: ${issue.message}`;
	return { ok: false, failure: fail(400, { message, values: safeValues, ...(section ? { section } : {}) }) };
}

/** An ApiError from shared logic becomes the form's failure message; anything else propagates. */
export function formFailure(err: unknown, values: Record<string, string> = {}) {
	if (err instanceof ApiError && err.status < 500) return fail(err.status, { message: capitalise(err.message), values });
	throw err;
}


/**
 * The login and sign-up forms: validate, sign in through the shared logic (the same as the JSON
 * API), set the session cookie and go on to `next`; problems come back as the form's message.
 */
export async function sessionFormAction<S extends z.ZodType<{ username: string; password: string }>>(
	event: RequestEvent,
	schema: S,
	signIn: (app: App, data: z.infer<S>, client: ClientInfo) => Promise<SignedIn>,
	next: (form: FormData) => string
) {
	const form = await event.request.formData();
	const parsed = parseForm(form, schema, ['username', 'password']);
	if (!parsed.ok) return parsed.failure;
	try {
		const signedIn = await signIn(event.locals.app, parsed.data, clientOf(event));
		setSessionCookie(event.cookies, event.url, signedIn.token, signedIn.expiresAt);
	} catch (err) {
		return formFailure(err, { username: parsed.data.username });
	}
	redirect(303, next(form));
}
