import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type Route = (req: http.IncomingMessage, res: http.ServerResponse) => unknown;

/** A real HTTP server on 127.0.0.1 with a free port, serving the routes the test gives it. */
export async function startHttpServer(routes: Record<string, Route>) {
	const hits: string[] = [];
	const server = http.createServer(async (req, res) => {
		const path = new URL(req.url ?? '/', 'http://x').pathname;
		hits.push(path);
		const route = routes[path];
		if (!route) {
			res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
			return;
		}
		await route(req, res);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		origin: `http://127.0.0.1:${port}`,
		port,
		hits,
		close: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			})
	};
}

export const html = (body: string, headers: Record<string, string> = {}): Route => (_req, res) => {
	res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', ...headers }).end(body);
};
