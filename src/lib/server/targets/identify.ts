import { targetNames, type TargetKind } from '../../contract/targets';
import { apiRequest } from '../net/api-request';
import { JobError, PermanentError } from '../failures/errors';
import type { TargetRequestLimits } from './target';

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Each recipe manager's public, token-free self-description, and how to recognise it:
 * Tandoor's ServerSettingsViewSet.current (cookbook/views/api.py, shown on its login page) and
 * Mealie's AppInfo (mealie/routes/app/app_about.py). Either answers the other's paths with a web
 * page or a redirect to its login, never with this JSON.
 */
const SIGNATURES: Record<TargetKind, { path: string; looksRight(body: Json): boolean }> = {
	tandoor: { path: '/api/server-settings/current/', looksRight: (b) => typeof b.version === 'string' && 'enable_pdf_export' in b },
	mealie: { path: '/api/app/about', looksRight: (b) => typeof b.version === 'string' && typeof b.production === 'boolean' }
};

/** Which recipe manager answers at `base`, if either does. */
export async function identifyServer(base: string, limits: TargetRequestLimits, signal?: AbortSignal): Promise<TargetKind | null> {
	for (const kind of Object.keys(SIGNATURES) as TargetKind[]) {
		const { path, looksRight } = SIGNATURES[kind];
		try {
			const res = await apiRequest(`${base}${path}`, { ...limits, signal });
			if (res.status === 200 && isObject(res.body) && looksRight(res.body)) return kind;
		} catch (err) {
			if (!(err instanceof JobError)) throw err;
		}
	}
	return null;
}

/**
 * Runs a connection test; when it finds no `expected` server at the address, checks whether the
 * other kind answers there, so the person is told to switch kinds rather than to fix an address.
 */
export async function expectKind<T>(expected: TargetKind, base: string, limits: TargetRequestLimits, signal: AbortSignal | undefined, test: () => Promise<T>): Promise<T> {
	try {
		return await test();
	} catch (err) {
		if (!(err instanceof PermanentError) || !['target_not_found', 'redirected'].includes(err.code)) throw err;
		const found = await identifyServer(base, limits, signal);
		if (found && found !== expected) {
			throw new PermanentError('target_wrong_kind', `this address is a ${targetNames[found]} server, not ${targetNames[expected]}: choose ${targetNames[found]} in Settings`);
		}
		throw err;
	}
}
