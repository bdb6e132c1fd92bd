/**
 * A list read from a person's recipe manager (their units, foods, tags), kept for a short while
 * and shared by every upload this process runs to that server: a run of twelve recipes reads each
 * list once, not twelve times. What an upload creates is added to it, and two uploads that need
 * the same missing name at once wait for one create. A create the server refuses (the name was
 * taken meanwhile, by another process or by the person) reads the list again and takes what is
 * there: concurrent uploads never lose a link to that race.
 *
 * Loads and creates are shared, so they run without any one caller's abort signal (each request
 * is bounded by its own timeout); a caller that is cancelled stops waiting, the others do not.
 */
export class RemoteList<T> {
	private items: Promise<T[]> | null = null;
	private loadedAt = 0;
	private readonly creating = new Map<string, Promise<T | null>>();

	constructor(
		private readonly load: () => Promise<T[]>,
		private readonly ttlMs: number,
		private readonly now: () => number = Date.now
	) {}

	/** The list, read again when it is older than the TTL or was invalidated. */
	get(signal?: AbortSignal): Promise<T[]> {
		if (!this.items || this.now() - this.loadedAt > this.ttlMs) {
			const pending = this.load();
			this.items = pending;
			this.loadedAt = this.now();
			// A failed read is not kept: the next caller asks again.
			pending.catch(() => {
				if (this.items === pending) this.items = null;
			});
		}
		return abortable(this.items, signal);
	}

	/**
	 * The item `find` picks, or the one `create` makes (once per key among concurrent callers);
	 * null when the server refused to create it and it is still not there.
	 */
	async resolve(key: string, find: (items: readonly T[]) => T | null, create: () => Promise<T | null>, signal?: AbortSignal): Promise<T | null> {
		const found = find(await this.get(signal));
		if (found) return found;
		let pending = this.creating.get(key);
		if (!pending) {
			pending = this.createOrReread(find, create).finally(() => this.creating.delete(key));
			this.creating.set(key, pending);
		}
		return abortable(pending, signal);
	}

	/** Forgets the list, so the next `get` reads it again. */
	invalidate(): void {
		this.items = null;
	}

	private async createOrReread(find: (items: readonly T[]) => T | null, create: () => Promise<T | null>): Promise<T | null> {
		const made = await create();
		if (made) {
			const items = this.items;
			if (items) await items.then((list) => list.push(made)).catch(() => {});
			return made;
		}
		this.invalidate();
		return find(await this.get());
	}
}

/** `promise`, or the signal's reason as soon as it aborts. */
function abortable<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
	if (!signal) return promise;
	if (signal.aborted) return Promise.reject(signal.reason);
	return new Promise<T>((resolve, reject) => {
		const onAbort = () => reject(signal.reason);
		signal.addEventListener('abort', onAbort, { once: true });
		promise.then(
			(value) => {
				signal.removeEventListener('abort', onAbort);
				resolve(value);
			},
			(err: unknown) => {
				signal.removeEventListener('abort', onAbort);
				reject(err);
			}
		);
	});
}
