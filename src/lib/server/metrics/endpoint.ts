import { createHash, timingSafeEqual } from 'node:crypto';
import type { ApiError } from '../../contract/errors';
import type { Metrics } from './registry';

export interface ScrapeAnswer {
	status: number;
	headers: Record<string, string>;
	body: string;
}

/**
 * GET /metrics, for the web route and a worker's own metrics port alike. Prometheus cannot sign
 * in, so no session is asked for; with METRICS_TOKEN set, `Authorization: Bearer <token>` is.
 */
export async function answerScrape(metrics: Metrics, token: string | undefined, authorization: string | null): Promise<ScrapeAnswer> {
	if (token && !sameSecret(bearer(authorization), token)) {
		const body: ApiError = { error: { code: 'unauthorized', message: 'send the metrics token as Authorization: Bearer <METRICS_TOKEN>' } };
		return {
			status: 401,
			headers: { 'content-type': 'application/json', 'www-authenticate': 'Bearer realm="cookmark-metrics"' },
			body: JSON.stringify(body)
		};
	}
	return { status: 200, headers: { 'content-type': metrics.contentType, 'cache-control': 'no-store' }, body: await metrics.render() };
}

function bearer(authorization: string | null): string {
	const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
	return match?.[1] ?? '';
}

/** Compared as hashes: equal lengths for timingSafeEqual, and no timing that tells how much of it matched. */
function sameSecret(given: string, expected: string): boolean {
	const digest = (s: string) => createHash('sha256').update(s).digest();
	return timingSafeEqual(digest(given), digest(expected));
}
