import { EventEmitter } from 'node:events';
import net from 'node:net';

/**
 * A TCP proxy on 127.0.0.1 in front of a real server, that a test can cut to stage an outage:
 * `cut()` resets every open connection and every new one at once (what clients see when the
 * database restarts or the network drops), `restore()` forwards again.
 */
export interface TcpProxy {
	port: number;
	/** Connections accepted and forwarded since the start. */
	readonly forwarded: number;
	/** Resolves once `count` connections have been refused since the last cut (clients tried to come back). */
	refused(count: number): Promise<void>;
	cut(): void;
	restore(): void;
	close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
	const open = new Set<net.Socket>();
	let down = false;
	let forwarded = 0;
	let refused = 0;
	const refusals = new EventEmitter();
	const reset = (socket: net.Socket) => (socket.destroyed ? undefined : socket.resetAndDestroy());
	const server = net.createServer((client) => {
		if (down) {
			refusals.emit('refused', ++refused);
			return reset(client);
		}
		forwarded++;
		const upstream = net.connect(target);
		for (const [a, b] of [
			[client, upstream],
			[upstream, client]
		] as const) {
			open.add(a);
			a.pipe(b);
			a.on('error', () => reset(b));
			a.on('close', () => {
				open.delete(a);
				b.end();
			});
		}
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		port: (server.address() as net.AddressInfo).port,
		get forwarded() {
			return forwarded;
		},
		refused(count) {
			if (refused >= count) return Promise.resolve();
			return new Promise((resolve) => {
				const check = (n: number) => n >= count && (refusals.off('refused', check), resolve());
				refusals.on('refused', check);
			});
		},
		cut() {
			down = true;
			refused = 0;
			for (const socket of open) reset(socket);
		},
		restore() {
			down = false;
		},
		async close() {
			for (const socket of open) reset(socket);
			await new Promise((resolve) => server.close(resolve));
		}
	};
}

/** A proxy in front of the server a connection string names, and the same string through the proxy. */
export async function proxyInFrontOf(connectionString: string): Promise<{ proxy: TcpProxy; url: string }> {
	const url = new URL(connectionString);
	const proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port) });
	url.port = String(proxy.port);
	return { proxy, url: url.href };
}
