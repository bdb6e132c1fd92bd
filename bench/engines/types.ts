/**
 * What `npm run bench:peers` asks of a job engine. One file per engine implements it, so a change
 * to an engine's API touches its own adapter and nothing else. Every job is a no-op that carries
 * its index `i`, so the bench can tell which job's handler started.
 */
export interface BenchEngine {
	/** Short name for `--only` and the JSON output. */
	readonly id: string;
	/** What the tables print. */
	readonly label: string;
	/**
	 * Connects to an empty database and installs the engine's schema; with `attach`, the schema
	 * is there already (another process installed it) and only connects.
	 */
	setup(databaseUrl: string, options?: { attach?: boolean }): Promise<void>;
	/** Adds job `i` with one call, as an application adding one job would. */
	enqueue(i: number): Promise<void>;
	/**
	 * Starts a worker in this process that runs `concurrency` jobs at once; `onJob(i)` is called
	 * when job i's handler starts (for a multi-phase pipeline: its first phase). Resolves once the
	 * worker is running.
	 */
	startWorker(concurrency: number, onJob: (i: number) => void): Promise<void>;
	/** Jobs the engine has not yet recorded as successfully done (read from its own tables). */
	remaining(): Promise<number>;
	/** Stops the worker gracefully. */
	stop(): Promise<void>;
	/** Closes every connection (after stop). */
	teardown(): Promise<void>;
}

/** Each run gets a new adapter, so no state leaks from one database to the next. */
export type EngineFactory = () => BenchEngine;
