import { Worker } from 'node:worker_threads';
import { messages, TransactionAbortedError, type QueryOptions, type Results } from '@electric-sql/pglite';
import type { Reply, Request, SerializedError } from './pglite-worker.js';

/** A request as the caller writes it; `call` numbers it. */
type WithoutId<R> = R extends unknown ? Omit<R, 'id'> : never;
type Outgoing = WithoutId<Request>;

/** The part of PGlite's transaction that drizzle's pglite driver uses. */
export interface ThreadTransaction {
	query<T>(sql: string, params?: unknown[], options?: QueryOptions): Promise<Results<T>>;
	exec(sql: string, options?: QueryOptions): Promise<Results[]>;
	rollback(): Promise<void>;
	readonly closed: boolean;
}

/** Thrown for every call once the thread has gone; SQLSTATE 08006, connection_failure. */
export class PgliteThreadExitedError extends Error {
	readonly code = '08006';
	constructor(reason: string) {
		super(`the embedded database's thread is gone (${reason})`);
		this.name = 'PgliteThreadExitedError';
	}
}

/**
 * PGlite in a worker thread, seen from the main thread through the client surface that
 * drizzle-orm/pglite calls (`query` with rowMode/parsers/params, `exec`, `transaction`) plus
 * `listen` and `close`. Results cross as structured clones, so Date, bigint, jsonb objects and
 * arrays arrive as PGlite made them; errors keep their SQLSTATE fields.
 *
 * PGlite has one connection: an open transaction holds it in the thread (PGlite's own lock) while
 * this side sends its statements; everyone else's statements wait there until it ends.
 */
export class PgliteThread {
	private readonly pending = new Map<number, { resolve(value: unknown): void; reject(err: Error): void }>();
	private readonly subscriptions = new Map<number, (payload: string) => void>();
	private nextId = 1;
	private gone: PgliteThreadExitedError | undefined;
	private readonly exited: Promise<void>;
	/** Settled by the thread's first word: the database opened, or why not. */
	private opened?: { resolve(): void; reject(err: Error): void };

	private constructor(readonly worker: Worker) {
		worker.unref(); // referenced only while a call waits (see call)
		let crash: Error | undefined;
		worker.on('message', (msg: Reply) => this.receive(msg));
		worker.on('error', (err) => (crash = err));
		this.exited = new Promise((resolve) =>
			worker.once('exit', (code) => {
				this.fail(new PgliteThreadExitedError(crash ? `crashed: ${crash.message}` : `exited with code ${code}`));
				resolve();
			})
		);
	}

	/** Starts the thread and opens the database at `location` (a directory or `memory://`). */
	static async start(location: string): Promise<PgliteThread> {
		const { workerUrl, WORKER_MARK } = await import('./pglite-worker.js');
		const worker = new Worker(new URL(workerUrl), { workerData: { mark: WORKER_MARK, location } });
		const thread = new PgliteThread(worker);
		worker.ref(); // until it is open
		try {
			await new Promise<void>((resolve, reject) => {
				thread.opened = { resolve, reject };
				void thread.exited.then(() => reject(thread.gone));
			});
		} finally {
			worker.unref();
		}
		return thread;
	}

	private receive(msg: Reply): void {
		switch (msg.t) {
			case 'ready':
				return this.opened?.resolve();
			case 'open-failed':
				return this.opened?.reject(revive(msg.error));
			case 'notification':
				return this.subscriptions.get(msg.sub)?.(msg.payload);
			case 'reply': {
				const call = this.pending.get(msg.id);
				if (!call) return;
				this.pending.delete(msg.id);
				if (this.pending.size === 0) this.worker.unref();
				if (msg.error) call.reject(revive(msg.error));
				else call.resolve(msg.value);
			}
		}
	}

	private fail(err: PgliteThreadExitedError): void {
		this.gone ??= err;
		const calls = [...this.pending.values()];
		this.pending.clear();
		for (const call of calls) call.reject(this.gone);
	}

	private call<T>(request: Outgoing): Promise<T> {
		if (this.gone) return Promise.reject(this.gone);
		const id = this.nextId++;
		return new Promise<T>((resolve, reject) => {
			// An idle thread must not keep the process alive (PGlite in-process never did), but a
			// process awaiting an answer must not exit before it comes.
			if (this.pending.size === 0) this.worker.ref();
			this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
			try {
				this.worker.postMessage({ ...request, id });
			} catch (err) {
				this.pending.delete(id);
				if (this.pending.size === 0) this.worker.unref();
				reject(err as Error);
			}
		});
	}

	// async: a refused option rejects, as everything else PGlite's query() does
	async query<T>(sql: string, params?: unknown[], options?: QueryOptions, tx?: number): Promise<Results<T>> {
		return this.call({ op: 'query', sql, params, tx, paramTypes: options?.paramTypes, ...crossable(options) });
	}

	async exec(sql: string, options?: QueryOptions, tx?: number): Promise<Results[]> {
		return this.call({ op: 'exec', sql, tx, ...crossable(options) });
	}

	/** PGlite's transaction(): commits when `work` resolves, rolls back when it throws. */
	async transaction<T>(work: (tx: ThreadTransaction) => Promise<T>): Promise<T> {
		const id = await this.call<number>({ op: 'begin' });
		let closed = false;
		const ensureOpen = () => {
			if (closed) throw new Error('Transaction is closed');
		};
		const end = (commit: boolean) => {
			closed = true;
			return this.call<void>({ op: 'end', tx: id, commit });
		};
		const tx: ThreadTransaction = {
			query: async (sql, params, options) => {
				ensureOpen();
				return this.query(sql, params, options, id);
			},
			exec: async (sql, options) => {
				ensureOpen();
				return this.exec(sql, options, id);
			},
			rollback: async () => {
				ensureOpen();
				await end(false);
			},
			get closed() {
				return closed;
			}
		};
		let result: T;
		try {
			result = await work(tx);
		} catch (err) {
			if (!closed) await end(false).catch(() => {}); // the caller's error is the one to see
			throw err;
		}
		if (!closed) await end(true);
		return result;
	}

	/** Subscribes to a NOTIFY channel; resolves, once listening, to the unsubscribe function. */
	async listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>> {
		const sub = this.nextId++;
		this.subscriptions.set(sub, onPayload);
		try {
			await this.call({ op: 'listen', channel, sub });
		} catch (err) {
			this.subscriptions.delete(sub);
			throw err;
		}
		return async () => {
			if (!this.subscriptions.delete(sub) || this.gone) return;
			await this.call({ op: 'unlisten', sub });
		};
	}

	/** Closes the database (its files are synced) and waits for the thread to end. */
	async close(): Promise<void> {
		if (!this.gone) {
			const closing = this.call({ op: 'close' });
			// Later calls fail at once rather than wait for a thread that is shutting down.
			this.gone = new PgliteThreadExitedError('closed');
			await closing;
		}
		this.worker.ref(); // until it has exited
		await this.exited;
	}
}

/**
 * Query options as they can cross to the thread. Functions cannot be posted, and the only
 * parsers drizzle passes return the text as it is (to map dates itself): those are sent as a
 * list of type OIDs and made again in the thread. Any other parser or serializer is refused.
 * (Drizzle makes new parsers for every statement, so there is nothing to cache here.)
 */
const PROBE = '\u0000cookmark-probe';
function crossable(options?: QueryOptions): { rowMode?: 'array' | 'object'; rawTypes?: number[] } {
	if (!options) return {};
	if (options.serializers || options.blob || options.onNotice) throw new TypeError('serializers, blob and onNotice cannot cross to the PGlite thread');
	const { parsers } = options;
	if (!parsers) return { rowMode: options.rowMode };
	const rawTypes: number[] = [];
	for (const key in parsers) {
		const oid = Number(key);
		if (parsers[key]!(PROBE) !== PROBE) throw new TypeError(`the parser for type ${key} cannot cross to the PGlite thread: only text-as-is parsers can`);
		rawTypes.push(oid);
	}
	return { rowMode: options.rowMode, rawTypes };
}

/** An error from the thread as the same class PGlite throws in-process, with its fields. */
function revive(e: SerializedError): Error {
	let err: Error;
	if (e.kind === 'aborted') err = new TransactionAbortedError();
	else if (e.kind === 'database') err = new messages.DatabaseError(e.message, Number(e.props.length ?? 0), 'error');
	else err = new Error(e.message);
	Object.assign(err, e.props);
	err.name = e.name;
	err.message = e.message;
	// The thread's stack: where PGlite failed. Drizzle wraps it as the cause of an error whose
	// stack is the caller's.
	if (e.stack) err.stack = e.stack;
	return err;
}
