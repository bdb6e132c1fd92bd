/** What the pages ask of the service worker (src/service-worker.ts). */

/** Sends links shared while offline, now that the app is open (covers browsers without Background Sync). */
export function flushOfflineShares(): void {
	if (!('serviceWorker' in navigator)) return;
	void navigator.serviceWorker.ready.then((registration) => registration.active?.postMessage({ type: 'flush-shares' }));
}

/** After signing out, no copy of the signed-in pages stays on the device. */
export function forgetCachedPages(): void {
	if (!('serviceWorker' in navigator)) return;
	void navigator.serviceWorker.ready.then((registration) => registration.active?.postMessage({ type: 'forget-pages' }));
}
