import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { answerScrape } from './endpoint';
import type { Metrics } from './registry';

/**
 * /metrics on a port of its own, for a worker process (`npm run worker`), which has no web server:
 * a fleet of workers is scraped like the web processes, under the same token rule.
 */
export async function serveMetrics(
	metrics: Metrics,
	o: { port: number; host: string; token: string | undefined; log: Logger }
): Promise<{ port: number; close(): Promise<void> }> {
	const server = http.createServer((req, res) => {
		const path = new URL(req.url ?? '/', 'http://x').pathname;
		if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
			res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'not_found', message: 'only GET /metrics here' } }));
			return;
		}
		answerScrape(metrics, o.token, req.headers.authorization ?? null).then(
			(answer) => res.writeHead(answer.status, answer.headers).end(req.method === 'HEAD' ? undefined : answer.body),
			(err) => {
				o.log.error({ err }, 'metrics scrape failed');
				res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'internal', message: 'metrics unavailable' } }));
			}
		);
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(o.port, o.host, () => resolve());
	});
	const { port } = server.address() as AddressInfo;
	o.log.info({ port, host: o.host }, 'metrics listening');
	return {
		port,
		close: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			})
	};
}
