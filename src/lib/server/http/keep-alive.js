/** @type {WeakSet<import('node:http').Server>} */
const spared = new WeakSet();

/**
 * Node closes a kept-alive connection when it has been idle for `keepAliveTimeout`, and clients
 * reuse one until shortly before that (undici: a second before the advertised timeout). When a
 * long task holds the event loop past that second, Node's idle timer runs as the loop frees —
 * timers come before reading sockets — and closes a connection whose next request is already
 * waiting in it: the client gets ECONNRESET, and a POST is lost to it. Here the close waits until
 * the sockets have been read, and does not happen if a request arrived meanwhile.
 *
 * Plain JavaScript: `npm start` (scripts/start.mjs) applies it to its server before the build
 * loads, and the app (hooks.server.ts) to adapter-node's server under `node build`.
 *
 * @param {import('node:http').Server} server
 */
export function spareBusyKeepAliveConnections(server) {
	if (spared.has(server)) return;
	spared.add(server);
	// With a 'timeout' listener, Node leaves closing the timed-out socket to it.
	server.on('timeout', (socket) => {
		const bytesRead = socket.bytesRead;
		setImmediate(() => {
			if (socket.bytesRead === bytesRead) socket.destroy();
		});
	});
}
