/** A promise with its resolve in hand: lets a test wait for an event instead of sleeping. */
export function deferred<T = void>() {
	let resolve!: (value: T) => void;
	let reject!: (err: unknown) => void;
	const promise = new Promise<T>((res, rej) => {
		resolve = res;
		reject = rej;
	});
	return { promise, resolve, reject };
}

/** Rejects with a clear message if `promise` has not settled within `ms`. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
	let timer: NodeJS.Timeout;
	return Promise.race([
		promise.finally(() => clearTimeout(timer)),
		new Promise<never>((_, reject) => {
			timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
		})
	]);
}

/**
 * Re-checks `check` whenever `subscribe` reports a change (and once at the start) until it
 * returns a value; fails after `ms`. Event-driven waiting, no fixed sleeps.
 */
export async function waitUntil<T>(
	check: () => Promise<T | undefined | null | false>,
	subscribe: (onChange: () => void) => Promise<() => Promise<void> | void>,
	ms: number,
	what: string
): Promise<T> {
	const done = deferred<T>();
	let checking = false;
	let again = false;
	const run = async () => {
		if (checking) {
			again = true;
			return;
		}
		checking = true;
		try {
			do {
				again = false;
				const value = await check();
				if (value) done.resolve(value);
			} while (again);
		} catch (err) {
			done.reject(err);
		} finally {
			checking = false;
		}
	};
	const unsubscribe = await subscribe(() => void run());
	try {
		void run();
		return await within(done.promise, ms, what);
	} finally {
		await unsubscribe();
	}
}
