import { ConfigError } from './config';

/** One clear sentence for a person whose Cookmark did not start, instead of a stack trace. */
export function startupFailureMessage(err: unknown): string {
	if (err instanceof ConfigError) return err.message;
	const e = err as { code?: string; address?: string; port?: number; message?: string };
	if (e?.code === 'ECONNREFUSED' || e?.code === 'ENOTFOUND' || e?.code === 'ETIMEDOUT' || e?.code === 'EAI_AGAIN') {
		const where = e.address ? `${e.address}${e.port ? `:${e.port}` : ''}` : 'the database server';
		return `Cookmark could not reach PostgreSQL at ${where} (${e.code}). Check DATABASE_URL, or unset it to use the embedded database.`;
	}
	if (e?.code === '28P01' || e?.code === '28000') return `PostgreSQL refused the login: ${e.message}. Check the user and password in DATABASE_URL.`;
	if (e?.code === '3D000') return `${e.message}. Create the database, or fix its name in DATABASE_URL.`;
	return `Cookmark could not start: ${e?.message ?? String(err)}`;
}
