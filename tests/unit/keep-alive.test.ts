import { afterEach, describe, expect, it } from 'vitest';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { spareBusyKeepAliveConnections } from '../../src/lib/server/http/keep-alive.js';

const servers: http.Server[] = [];
afterEach(() => Promise.all(servers.splice(0).map((s) => new Promise((r) => (s.closeAllConnections(), s.close(r))))));

async function serve(spare: boolean) {
	const server = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('ok'));
	server.keepAliveTimeout = 200;
	if (spare) spareBusyKeepAliveConnections(server, 300);
	servers.push(server);
	await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
	return (server.address() as AddressInfo).port;
}

/** Holds the event loop, as a long synchronous task in the app would. */
function holdTheLoop(ms: number) {
	const until = performance.now() + ms;
	while (performance.now() < until);
}

/**
 * Two requests on one connection: the second is sent inside the keep-alive window, just before a
 * task holds the loop past the window's end. Resolves to what the connection answered to it.
 */
async function secondRequestAfterABusyLoop(port: number): Promise<string> {
	const socket = net.connect(port, '127.0.0.1');
	const request = 'GET / HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n';
	let received = '';
	const answers: Array<() => void> = [];
	socket.on('data', (d) => {
		received += d;
		answers.shift()?.();
	});
	const ended = new Promise<string>((resolve) => {
		socket.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
		socket.on('close', () => resolve(received));
	});
	await new Promise<void>((r) => socket.once('connect', r));
	await new Promise<void>((r) => (answers.push(r), socket.write(request)));
	received = '';
	const answered = new Promise<void>((r) => answers.push(r));
	// Well inside the 200 ms window, as a client would, the next request; then a task holds the
	// loop past the window's end (Node keeps an idle connection a second longer than it says). It
	// runs after the loop has read its sockets for this turn, as the app's work on a fetched page
	// does: the next turn starts with timers.
	await new Promise<void>((resolve) =>
		setTimeout(() =>
			setImmediate(() => {
				socket.write(request);
				holdTheLoop(1_500);
				resolve();
			}), 100)
	);
	await Promise.race([answered, ended]);
	socket.end();
	return (await ended).split('\r\n')[0]!;
}

describe('a kept-alive connection whose next request arrived while the event loop was held', () => {
	it("is reset by Node's own idle timer (the defect)", async () => {
		const port = await serve(false);
		expect(await secondRequestAfterABusyLoop(port)).toBe('ECONNRESET');
	});

	it('is served when the server spares busy connections', async () => {
		const port = await serve(true);
		expect(await secondRequestAfterABusyLoop(port)).toBe('HTTP/1.1 200 OK');
	});

	it('is served when the client sends it late, after the server\'s own idle timer (a busy client)', async () => {
		const port = await serve(true);
		const socket = net.connect(port, '127.0.0.1');
		let received = '';
		const closed = new Promise<void>((r) => socket.on('close', () => r()));
		const answers = (n: number) =>
			Promise.race([closed, new Promise<void>((r) => socket.on('data', () => received.split('200 OK').length > n && r()))]);
		socket.on('data', (d) => (received += d));
		socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
		await answers(1);
		// Idle past the server's time (200 ms and Node's second), within its grace: the client
		// reads answers late and still counts the connection as fresh.
		await new Promise((r) => setTimeout(r, 1_300));
		socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
		await answers(2);
		socket.destroy();
		expect(received.split('HTTP/1.1 200 OK').length - 1).toBe(2);
	});

	it('an idle connection is still closed when its time and grace are up', async () => {
		const port = await serve(true);
		const socket = net.connect(port, '127.0.0.1');
		const closed = new Promise((r) => socket.on('close', r));
		socket.resume();
		socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
		await closed;
		expect(socket.bytesRead).toBeGreaterThan(0);
	});
});
