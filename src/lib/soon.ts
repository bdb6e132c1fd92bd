/**
 * `run` once, `ms` after the first of any number of calls to `soon()`: a burst of live updates
 * becomes one re-read. `cancel()` drops a pending run (the page is going away).
 */
export function coalesced(ms: number, run: () => void): { soon(): void; cancel(): void } {
	let timer: ReturnType<typeof setTimeout> | null = null;
	return {
		soon() {
			timer ??= setTimeout(() => {
				timer = null;
				run();
			}, ms);
		},
		cancel() {
			if (timer) clearTimeout(timer);
			timer = null;
		}
	};
}
