/** What the pages ask of the service worker (src/service-worker.ts). */

/** Sends the shares kept on the device (offline, or signed out), now that the app is open signed in (covers browsers without Background Sync). */
export function flushOfflineShares(): void {
	if (!('serviceWorker' in navigator)) return;
	void navigator.serviceWorker.ready.then((registration) => registration.active?.postMessage({ type: 'flush-shares' }));
}

/**
 * Calls back when the service worker has sent a share it kept (offline, or signed out) and the
 * server refused it, with the server's reason. Returns the function that stops listening.
 */
export function onKeptShareSent(refused: (problem: string) => void): () => void {
	if (!('serviceWorker' in navigator)) return () => {};
	const listener = (event: MessageEvent) => {
		if (event.data?.type === 'share-sent' && !event.data.ok) refused(String(event.data.problem));
	};
	navigator.serviceWorker.addEventListener('message', listener);
	return () => navigator.serviceWorker.removeEventListener('message', listener);
}

/** After signing out, no copy of the signed-in pages stays on the device. */
export function forgetCachedPages(): void {
	if (!('serviceWorker' in navigator)) return;
	void navigator.serviceWorker.ready.then((registration) => registration.active?.postMessage({ type: 'forget-pages' }));
}
