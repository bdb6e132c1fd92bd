import { methodNotAllowed } from '$lib/server/http/api';
import { answerScrape } from '$lib/server/metrics/endpoint';
import type { RequestHandler } from './$types';

/** GET /metrics: this process's metrics in Prometheus text format (no session; METRICS_TOKEN when set). */
export const GET: RequestHandler = async ({ request, locals }) => {
	const { app } = locals;
	const answer = await answerScrape(app.metrics, app.config.METRICS_TOKEN, request.headers.get('authorization'));
	return new Response(answer.body, { status: answer.status, headers: answer.headers });
};

export const fallback = methodNotAllowed(['GET']);
