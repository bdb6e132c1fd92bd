import { STATUS_CODES } from 'node:http';

/** @type {WeakSet<import('node:http').Server>} */
const answering = new WeakSet();

/**
 * Requests Node refuses before any route sees them — headers over its 16 KB limit (431), a
 * request line that is not HTTP (400), a request that never finished arriving (408) — are
 * answered in the API's JSON error shape instead of Node's empty body (found by the API fuzzer:
 * a 20 KB query string got a bare 431). Plain JavaScript for the same two entry points as
 * keep-alive.js: `npm start` applies it before the build loads, the app under `node build`.
 *
 * @param {import('node:http').Server} server
 */
export function answerRefusedRequestsInJson(server) {
	if (answering.has(server)) return;
	answering.add(server);
	server.on('clientError', (/** @type {NodeJS.ErrnoException} */ err, socket) => {
		// A connection the client already dropped has nobody to answer.
		if (err.code === 'ECONNRESET' || !socket.writable) return void socket.destroy();
		const [status, code, message] =
			err.code === 'HPE_HEADER_OVERFLOW'
				? [431, 'headers_too_large', 'the request line and headers are over 16 KB together']
				: err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
					? [408, 'request_timeout', 'the request did not arrive in time']
					: [400, 'malformed_request', 'this is not a valid HTTP request'];
		const body = JSON.stringify({ error: { code, message } });
		socket.end(
			`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`
		);
	});
}
