import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import net, { type AddressInfo } from 'node:net';
import webpush from 'web-push';
import { eq } from 'drizzle-orm';
import { pushSubscriptions, users } from '../../src/lib/server/db/schema';
import { PushSender } from '../../src/lib/server/push/sender';
import { saveSubscription } from '../../src/lib/server/push/subscriptions';
import { browserSubscription } from '../helpers/push-service';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { testLogger } from '../helpers/logger';

/**
 * A push subscription's endpoint is a URL the user hands the server. The one below is a plain TCP
 * listener on loopback that counts connections: if the sender reaches it, the guard failed.
 */
let db: TestDatabase;
let userId: string;
let listener: net.Server;
let port = 0;
let connections = 0;

beforeAll(async () => {
	db = await createTestDatabase();
	[{ id: userId }] = (await db.database.db.insert(users).values({ username: 'alice' }).returning({ id: users.id })) as [{ id: string }];
	listener = net.createServer((socket) => {
		connections++;
		socket.destroy();
	});
	await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
	port = (listener.address() as AddressInfo).port;
});

afterAll(async () => {
	await new Promise((resolve) => listener.close(resolve));
	await db.close();
});

async function deliverTo(endpoint: string, allowPrivate: boolean) {
	const device = browserSubscription(endpoint).json;
	const row = await saveSubscription(db.database, { userId, endpoint, p256dh: device.keys.p256dh, auth: device.keys.auth, device: 'test' });
	const sender = new PushSender({ database: db.database, vapid: { ...webpush.generateVAPIDKeys(), subject: 'mailto:a@b.test' }, log: testLogger, allowPrivate, attempts: 1 });
	try {
		sender.send(row, { kind: 'test', title: 't', body: 'b', url: '/', tag: 't' }, { ttl: 60, urgency: 'normal' });
		await sender.idle();
	} finally {
		sender.close();
	}
	const [kept] = await db.database.db.select().from(pushSubscriptions).where(eq(pushSubscriptions.id, row.id));
	return { kept: !!kept };
}

describe('push endpoints are user-supplied URLs: private addresses are never contacted', () => {
	it('the listener is reachable when private addresses are allowed (so "no connection" below means the guard)', async () => {
		const before = connections;
		await deliverTo(`https://127.0.0.1:${port}/push/allowed`, true);
		expect(connections).toBe(before + 1);
	});

	it.each(['127.0.0.1', '[::ffff:127.0.0.1]', '2130706433', 'localhost'])('an endpoint on %s: no connection, and the subscription is dropped', async (host) => {
		const before = connections;
		expect(await deliverTo(`https://${host}:${port}/push/refused`, false)).toEqual({ kept: false });
		expect(connections).toBe(before);
	});
});
