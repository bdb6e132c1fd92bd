import { eq } from 'drizzle-orm';
import webpush from 'web-push';
import type { Config } from '../config';
import type { Database } from '../db/client';
import { appConfig } from '../db/schema';

export interface VapidKeys {
	publicKey: string;
	privateKey: string;
	subject: string;
}

const KEY = 'vapid';

/**
 * The server's VAPID keys: from VAPID_PUBLIC_KEY / VAPID_PRIVATE_KEY when both are set, otherwise
 * generated once and stored in app_config. Every process (and every restart) reads the same
 * pair, so existing subscriptions keep working. Concurrent first starts race on the insert; the
 * loser reads the winner's keys.
 */
export async function loadVapidKeys(database: Database, config: Config): Promise<VapidKeys> {
	const subject = config.VAPID_SUBJECT;
	if (config.VAPID_PUBLIC_KEY && config.VAPID_PRIVATE_KEY) {
		return { publicKey: config.VAPID_PUBLIC_KEY, privateKey: config.VAPID_PRIVATE_KEY, subject };
	}
	if (config.VAPID_PUBLIC_KEY || config.VAPID_PRIVATE_KEY) {
		throw new Error('set both VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY, or neither (Cookmark then generates a pair)');
	}
	const generated = webpush.generateVAPIDKeys();
	await database.db.insert(appConfig).values({ key: KEY, value: generated }).onConflictDoNothing();
	const [row] = await database.db.select().from(appConfig).where(eq(appConfig.key, KEY));
	const stored = row!.value as { publicKey: string; privateKey: string };
	return { publicKey: stored.publicKey, privateKey: stored.privateKey, subject };
}
