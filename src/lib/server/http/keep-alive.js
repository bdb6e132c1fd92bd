/** @type {WeakSet<import('node:http').Server>} */
const spared = new WeakSet();

/**
 * Keeps kept-alive connections usable for the next request, in two ways.
 *
 * Node closes a kept-alive connection when it has been idle for `keepAliveTimeout` (plus a second
 * on Node 20), and clients reuse one until shortly before the advertised timeout (undici: a
 * second before). Two things defeat that margin:
 * - a long task holding the server's event loop: Node's idle timer runs as the loop frees — timers
 *   come before reading sockets — and closes a connection whose next request is already waiting;
 * - a busy client that reads the last answer late, and so counts its idle time from later.
 * Either way the client gets ECONNRESET, and a POST is lost to it. So a connection that times
 * out is given a grace period first, and is closed only if nothing arrived on it meanwhile.
 *
 * Plain JavaScript: `npm start` (scripts/start.mjs) applies it to its server before the build
 * loads, and the app (hooks.server.ts) to adapter-node's server under `node build`.
 *
 * @param {import('node:http').Server} server
 * @param {number} [graceMs]
 */
export function spareBusyKeepAliveConnections(server, graceMs = 5_000) {
	if (spared.has(server)) return;
	spared.add(server);
	/** @type {WeakMap<import('node:net').Socket, number>} bytes read when the grace period began */
	const graced = new WeakMap();
	// With a 'timeout' listener, Node leaves closing the timed-out socket to it. A request that
	// arrives in the grace period clears the timer (Node does so for every new request).
	server.on('timeout', (socket) => {
		if (graced.get(socket) === socket.bytesRead) return void socket.destroy();
		graced.set(socket, socket.bytesRead);
		socket.setTimeout(graceMs);
	});
	// An answer sent before its request's body was read — SvelteKit's own 308 to a path without
	// a trailing slash comes before any hook — leaves the rest of the body in the connection,
	// paused, ahead of the next request: the client reusing it got ECONNRESET (found by the API
	// fuzzer). Once the answer is out nobody will read that body, so it is read and dropped here;
	// SvelteKit's listener goes first, or it would pause the request again at its next chunk.
	server.on('request', (req, res) => {
		res.on('finish', () => {
			if (req.complete || req.destroyed) return;
			req.removeAllListeners('data');
			req.on('data', () => {});
			req.resume();
		});
	});
}
