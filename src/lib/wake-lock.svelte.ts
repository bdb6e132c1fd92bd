/**
 * Keeps the screen on while a page is open (Screen Wake Lock API), for cooking with messy hands.
 * The browser drops the lock whenever the page is hidden, so it is asked for again on return.
 */
export type WakeState = 'asking' | 'on' | 'unsupported' | 'refused';

export class ScreenWakeLock {
	state = $state<WakeState>('asking');
	#sentinel: WakeLockSentinel | null = null;
	#stopped = false;

	/** Starts holding the lock; the returned function lets it go (for onMount's cleanup). */
	hold(): () => void {
		if (!('wakeLock' in navigator)) {
			this.state = 'unsupported';
			return () => {};
		}
		const again = () => {
			if (document.visibilityState === 'visible' && !this.#sentinel) void this.#request();
		};
		document.addEventListener('visibilitychange', again);
		void this.#request();
		return () => {
			this.#stopped = true;
			document.removeEventListener('visibilitychange', again);
			void this.#sentinel?.release();
			this.#sentinel = null;
		};
	}

	async #request() {
		try {
			const sentinel = await navigator.wakeLock.request('screen');
			if (this.#stopped) return void sentinel.release();
			this.#sentinel = sentinel;
			this.state = 'on';
			sentinel.addEventListener('release', () => {
				if (this.#sentinel === sentinel) this.#sentinel = null;
			});
		} catch {
			// Refused: a battery saver, a hidden page, or a policy. Said once; asked again on return.
			this.state = 'refused';
		}
	}
}
