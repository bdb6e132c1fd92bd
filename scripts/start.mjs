// `npm start`: builds the app when the sources are newer than the last build, then serves it.
//
// It serves the build's request handler from its own plain-HTTP server instead of `node build`
// for one reason: without ORIGIN, adapter-node assumes every request came over *https*, so a
// person opening http://localhost:3000 (or the server's LAN address from a phone) would have every
// form refused as cross-site. This server knows it speaks plain HTTP and says so in a header only
// it sets. Behind an https reverse proxy, set ORIGIN (or PROTOCOL_HEADER) and it steps aside.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { spareBusyKeepAliveConnections } from '../src/lib/server/http/keep-alive.js';
import { answerRefusedRequestsInJson } from '../src/lib/server/http/client-errors.js';
import { defaultBodySizeLimit } from '../src/lib/server/http/body-limit.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const build = path.join(root, 'build');

function newest(p) {
	if (!existsSync(p)) return 0;
	const stat = statSync(p);
	if (!stat.isDirectory()) return stat.mtimeMs;
	return Math.max(stat.mtimeMs, ...readdirSync(p).map((f) => newest(path.join(p, f))));
}

const sources = ['src', 'static', 'drizzle', 'package.json', 'svelte.config.js', 'vite.config.ts'].map((p) => path.join(root, p));
const entry = path.join(build, 'handler.js');
if (!existsSync(entry) || Math.max(...sources.map(newest)) > statSync(entry).mtimeMs) {
	console.log('Building Cookmark (first start, or the sources changed)…');
	execFileSync(process.execPath, [path.join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn'], {
		cwd: root,
		stdio: 'inherit'
	});
}

const PROTOCOL = 'x-cookmark-protocol';
const stampProtocol = !process.env.ORIGIN && !process.env.PROTOCOL_HEADER;
if (stampProtocol) process.env.PROTOCOL_HEADER = PROTOCOL; // read by the handler when it loads
defaultBodySizeLimit();

const { handler } = await import(pathToFileURL(entry).href);
const host = process.env.HOST || '0.0.0.0';
const port = Number(process.env.PORT || 3000);

const server = http.createServer((req, res) => {
	// Overwrites whatever a client sent under this name: only this server may say how it was reached.
	if (stampProtocol) req.headers[PROTOCOL] = 'http';
	handler(req, res);
});
spareBusyKeepAliveConnections(server);
answerRefusedRequestsInJson(server);
server.listen(port, host, () => {
	const shown = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
	console.log(`Cookmark is running: open http://${shown}:${port}`);
});

// The app drains its worker and exits on these signals (src/lib/server/runtime.ts); stop taking
// new requests meanwhile.
for (const signal of ['SIGTERM', 'SIGINT']) {
	process.once(signal, () => {
		server.closeIdleConnections();
		server.close();
	});
}
