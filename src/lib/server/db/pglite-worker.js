// The PGlite side of db/pglite-thread.ts: this module runs PGlite in a worker thread, so that
// queries (synchronous WebAssembly) never hold the event loop that serves HTTP.
//
// Plain JavaScript on purpose: Node 20 starts a worker from a file without any loader, so a .ts
// entry would need tsx inside the thread under vitest and tsx; this file loads as it is there and
// in build/. The thread is started on this module's own URL (`workerUrl`), which stays right
// wherever the bundler puts the module: pglite-thread.ts imports it dynamically, so it is a chunk
// of its own whose only imports are node:worker_threads and @electric-sql/pglite.
import { isMainThread, parentPort, workerData } from 'node:worker_threads';

export const workerUrl = import.meta.url;

/** Marks workerData as ours, so that nothing else that imports this module in a thread starts it. */
export const WORKER_MARK = 'cookmark-pglite-thread';

/**
 * @typedef {{ id: number, op: 'query', sql: string, params?: unknown[], rowMode?: 'array' | 'object', rawTypes?: number[], paramTypes?: number[], tx?: number }
 *   | { id: number, op: 'exec', sql: string, rowMode?: 'array' | 'object', rawTypes?: number[], tx?: number }
 *   | { id: number, op: 'begin' }
 *   | { id: number, op: 'end', tx: number, commit: boolean }
 *   | { id: number, op: 'listen', channel: string, sub: number }
 *   | { id: number, op: 'unlisten', sub: number }
 *   | { id: number, op: 'close' }} Request
 * @typedef {{ kind: 'database' | 'aborted' | 'error', name: string, message: string, stack?: string, props: Record<string, string | number | boolean | bigint | null> }} SerializedError
 * @typedef {{ t: 'ready' }
 *   | { t: 'open-failed', error: SerializedError }
 *   | { t: 'reply', id: number, value?: unknown, error?: SerializedError }
 *   | { t: 'notification', sub: number, payload: string }} Reply
 */

if (!isMainThread && parentPort && workerData?.mark === WORKER_MARK) {
	void serve(parentPort, /** @type {{ location: string }} */ (workerData).location);
}

/**
 * @param {import('node:worker_threads').MessagePort} port
 * @param {string} location
 */
async function serve(port, location) {
	const { PGlite, TransactionAbortedError, messages } = await import('@electric-sql/pglite');
	/** @param {Reply} reply */
	const send = (reply) => port.postMessage(reply);

	/** @param {unknown} err @returns {SerializedError} */
	const serialize = (err) => {
		if (!(err instanceof Error)) return { kind: 'error', name: 'Error', message: String(err), props: {} };
		/** @type {SerializedError['props']} */
		const props = {};
		// Own primitive fields only (code, constraint, detail, …): PGlite also attaches the query's
		// options, whose parsers are functions and cannot be posted.
		for (const [key, value] of Object.entries(err)) {
			if (value === null || ['string', 'number', 'boolean', 'bigint'].includes(typeof value)) props[key] = /** @type {string} */ (value);
		}
		const kind = err instanceof TransactionAbortedError ? 'aborted' : err instanceof messages.DatabaseError ? 'database' : 'error';
		return { kind, name: err.name, message: err.message, stack: err.stack, props };
	};

	let db;
	try {
		db = await PGlite.create(location);
	} catch (err) {
		send({ t: 'open-failed', error: serialize(err) });
		port.close();
		return;
	}
	const pglite = db;

	/** Parsers that return the text as it came: the only kind a caller can ask for across threads. */
	const rawParsers = new Map();
	/** @param {number[] | undefined} oids */
	const parsersFor = (oids) => {
		if (!oids?.length) return undefined;
		const key = oids.join(',');
		let parsers = rawParsers.get(key);
		if (!parsers) rawParsers.set(key, (parsers = Object.fromEntries(oids.map((oid) => [oid, (/** @type {string} */ v) => v]))));
		return parsers;
	};

	/** @typedef {{ tx: import('@electric-sql/pglite').Transaction, finish: (commit: boolean) => void, endId?: number }} OpenTx */
	/** @type {Map<number, OpenTx>} */
	const transactions = new Map();
	/** @type {Map<number, () => Promise<void>>} */
	const subscriptions = new Map();
	let nextTx = 1;
	const ROLLBACK = Symbol('rollback');

	/**
	 * Runs `work` at once (a statement reaches PGlite in the order its message came) and replies.
	 * @param {number} id @param {() => Promise<unknown>} work
	 */
	const answer = async (id, work) => {
		try {
			send({ t: 'reply', id, value: await work() });
		} catch (err) {
			send({ t: 'reply', id, error: serialize(err) });
		}
	};

	/** @param {number | undefined} txId */
	const target = (txId) => {
		if (txId === undefined) return pglite;
		const open = transactions.get(txId);
		if (!open) throw new Error('Transaction is closed');
		return open.tx;
	};

	/** @param {Request} msg */
	const handle = (msg) => {
		switch (msg.op) {
			case 'query':
				return answer(msg.id, () =>
					target(msg.tx).query(msg.sql, msg.params, { rowMode: msg.rowMode, parsers: parsersFor(msg.rawTypes), paramTypes: msg.paramTypes })
				);
			case 'exec':
				return answer(msg.id, () => target(msg.tx).exec(msg.sql, { rowMode: msg.rowMode, parsers: parsersFor(msg.rawTypes) }));
			case 'begin': {
				// PGlite's own transaction() holds its lock, so every other caller's statement waits in
				// PGlite (as it would in-process) until the main thread sends `end`.
				const txId = nextTx++;
				/** @type {OpenTx | undefined} */
				let open;
				pglite
					.transaction(async (tx) => {
						/** @type {Promise<boolean>} */
						const ended = new Promise((finish) => {
							open = { tx, finish };
							transactions.set(txId, open);
						});
						send({ t: 'reply', id: msg.id, value: txId });
						if (!(await ended)) throw ROLLBACK;
					})
					.then(
						() => open?.endId !== undefined && send({ t: 'reply', id: open.endId, value: null }),
						(err) => {
							if (!open) send({ t: 'reply', id: msg.id, error: serialize(err) }); // BEGIN failed
							else if (open.endId !== undefined) send({ t: 'reply', id: open.endId, ...(err === ROLLBACK ? { value: null } : { error: serialize(err) }) });
						}
					)
					.finally(() => transactions.delete(txId));
				return;
			}
			case 'end': {
				const open = transactions.get(msg.tx);
				if (!open) return send({ t: 'reply', id: msg.id, error: serialize(new Error('Transaction is closed')) });
				transactions.delete(msg.tx);
				open.endId = msg.id;
				open.finish(msg.commit);
				return;
			}
			case 'listen':
				return answer(msg.id, async () => {
					subscriptions.set(msg.sub, await pglite.listen(msg.channel, (payload) => send({ t: 'notification', sub: msg.sub, payload })));
					return null;
				});
			case 'unlisten':
				return answer(msg.id, async () => {
					const unlisten = subscriptions.get(msg.sub);
					subscriptions.delete(msg.sub);
					await unlisten?.();
					return null;
				});
			case 'close':
				return answer(msg.id, async () => {
					await pglite.close();
					return null;
				}).then(() => port.close()); // nothing else holds the thread: it exits
		}
	};

	port.on('message', handle);
	send({ t: 'ready' });
}
