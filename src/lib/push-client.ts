/** The browser's side of Web Push: what is supported, and subscribing this device. */

export type PushSupport = 'supported' | 'ios-needs-install' | 'unsupported';

export function pushSupport(): PushSupport {
	const capable = 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;
	if (capable) return 'supported';
	const ios = /iPhone|iPad|iPod/.test(navigator.userAgent);
	const standalone = window.matchMedia?.('(display-mode: standalone)').matches;
	return ios && !standalone ? 'ios-needs-install' : 'unsupported';
}

function keyBytes(base64url: string): Uint8Array<ArrayBuffer> {
	const raw = atob(base64url.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(base64url.length / 4) * 4, '='));
	return Uint8Array.from(raw, (c) => c.charCodeAt(0));
}

export async function currentSubscription(): Promise<PushSubscription | null> {
	const registration = await navigator.serviceWorker.ready;
	return registration.pushManager.getSubscription();
}

/** Asks for permission (only ever from a click), subscribes with the server's key, and registers the device. */
export async function enableNotifications(): Promise<'enabled' | 'denied'> {
	const permission = await Notification.requestPermission();
	if (permission !== 'granted') return 'denied';
	const { publicKey } = (await (await fetch('/api/notifications/vapid-key')).json()) as { publicKey: string };
	const registration = await navigator.serviceWorker.ready;
	const subscription = await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(publicKey) });
	const res = await fetch('/api/notifications/subscribe', {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ subscription: subscription.toJSON() })
	});
	if (!res.ok) throw new Error((await res.json().catch(() => null))?.error?.message ?? 'the server refused the subscription');
	return 'enabled';
}

export async function disableNotifications(): Promise<void> {
	const subscription = await currentSubscription();
	if (!subscription) return;
	await fetch('/api/notifications/subscribe', {
		method: 'DELETE',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ endpoint: subscription.endpoint })
	});
	await subscription.unsubscribe();
}

/**
 * What went wrong, in words a person can act on. Browsers reject with their own terse messages
 * ("Registration failed - permission denied", "push service error"), named by DOMException type.
 */
export function pushErrorMessage(err: unknown): string {
	const name = err instanceof DOMException || err instanceof Error ? err.name : '';
	switch (name) {
		case 'NotAllowedError':
			return 'Notifications are blocked for this site. Allow them in your browser’s site settings, then try again.';
		case 'AbortError':
			return 'Your browser’s push service did not answer. Check your connection and try again.';
		case 'NotSupportedError':
		case 'InvalidStateError':
			return 'This browser cannot receive notifications from Cookmark here. On iPhone, add Cookmark to your Home Screen first.';
		case 'TypeError':
			return 'Could not reach Cookmark. Check your connection and try again.';
	}
	const text = err instanceof Error && err.message ? err.message : 'That did not work. Try again.';
	return text.charAt(0).toUpperCase() + text.slice(1);
}
