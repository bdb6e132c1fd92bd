import { z } from 'zod';

const base64url = (bytes: number) =>
	z
		.string()
		.regex(/^[A-Za-z0-9_-]+={0,2}$/, 'must be base64url')
		.refine((v) => Buffer.from(v, 'base64url').length === bytes, `must encode ${bytes} bytes`);

/** What PushManager.subscribe() returns, as JSON (PushSubscription.toJSON()). */
export const PushSubscriptionJson = z.object({
	endpoint: z.url({ protocol: /^https$/, error: 'the endpoint must be an https URL' }).max(2048),
	expirationTime: z.number().nullable().optional(),
	keys: z.object({ p256dh: base64url(65), auth: base64url(16) })
});

/** POST /api/notifications/subscribe. */
export const SubscribeRequest = z.object({ subscription: PushSubscriptionJson });
/** DELETE /api/notifications/subscribe. */
export const UnsubscribeRequest = z.object({ endpoint: z.string().min(1).max(2048) });

export const NotificationPreferences = z.object({ success: z.boolean(), failure: z.boolean() });
export type NotificationPreferences = z.infer<typeof NotificationPreferences>;

export const PushDevice = z.object({
	id: z.uuid(),
	device: z.string(),
	createdAt: z.iso.datetime(),
	lastSuccessAt: z.iso.datetime().nullable()
});
export type PushDevice = z.infer<typeof PushDevice>;

/** A push message's payload: what the server sends and the service worker shows. */
export interface PushMessage {
	kind: 'item' | 'summary' | 'batch' | 'test';
	title: string;
	body: string;
	/** Where a tap goes. */
	url: string;
	/** Same tag, same notification: a newer one replaces it instead of stacking. */
	tag: string;
	image?: string | null;
	itemId?: string;
	/** Notification buttons; `retry` retries `itemId`. */
	actions?: { action: 'retry' | 'open'; title: string }[];
}

/** GET /api/notifications/vapid-key: the applicationServerKey for PushManager.subscribe(). */
export const VapidKey = z.object({ publicKey: z.string() });

/** 201 from POST /api/notifications/subscribe: the device as Settings lists it. */
export const SubscribeResponse = z.object({ id: z.uuid(), device: z.string() });

/** GET /api/notifications/devices. */
export const DeviceList = z.object({ devices: z.array(PushDevice) });

/** POST /api/notifications/test: how many devices were sent a test notification. */
export const TestNotificationResponse = z.object({ devices: z.number().int().min(0) });
