import { fail, type ActionFailure } from '@sveltejs/kit';
import type { z } from 'zod';
import { ApiError } from '../http/api';

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

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
