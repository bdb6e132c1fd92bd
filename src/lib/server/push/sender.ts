import https from 'node:https';
import PQueue from 'p-queue';
import type { Logger } from 'pino';
import webpush from 'web-push';
import type { PushMessage } from '../../contract/push';
import type { Database } from '../db/client';
import { checkUrl, guardedLookup } from '../net/safe-fetch';
import { backoffDelay } from '../failures/backoff';
import { parseRetryAfter } from '../failures/errors';
import { dropSubscription, markDelivered, type PushSubscriptionRow } from './subscriptions';
import type { VapidKeys } from './vapid';

export type { PushMessage };

export interface SendOptions {
	/** Seconds the push service keeps it for an offline device. */
	ttl: number;
	urgency: 'very-low' | 'low' | 'normal' | 'high';
}

export interface PushSenderOptions {
	database: Database;
	vapid: VapidKeys;
	log: Logger;
	/** Subscription endpoints are user-supplied URLs: private addresses only when tests allow it. */
	allowPrivate: boolean;
	concurrency?: number;
	/** Deliveries waiting at most; beyond it new ones are dropped (and logged) rather than piling up. */
	maxPending?: number;
	attempts?: number;
	backoffBaseMs?: number;
	/** Told how each delivery ended (the metrics count them). */
	observe?(outcome: PushOutcome): void;
}

/** sent; gone: the push service forgot the subscription (404/410), removed; refused: its endpoint is not one we send to, removed; failed: given up after retries; dropped: the queue was full. */
export type PushOutcome = 'sent' | 'gone' | 'refused' | 'failed' | 'dropped';

/**
 * Delivers push messages from a queue of its own, so a slow or dead push service never delays,
 * blocks or fails the pipeline. 429 and 5xx are retried with backoff (Retry-After honoured); 404
 * and 410 mean the subscription is gone and it is deleted.
 */
export class PushSender {
	private readonly queue: PQueue;
	private readonly agent: https.Agent;
	private readonly waiting = new Set<NodeJS.Timeout>();
	private readonly o: Required<Omit<PushSenderOptions, 'observe'>>;
	private readonly observe: (outcome: PushOutcome) => void;

	constructor(options: PushSenderOptions) {
		this.o = { concurrency: 4, maxPending: 1000, attempts: 4, backoffBaseMs: 1000, ...options };
		this.observe = options.observe ?? (() => {});
		this.queue = new PQueue({ concurrency: this.o.concurrency });
		this.agent = new https.Agent({ keepAlive: true, ...(options.allowPrivate ? {} : { lookup: guardedLookup as never }) });
	}

	send(subscription: PushSubscriptionRow, message: PushMessage, options: SendOptions): void {
		if (this.queue.size + this.waiting.size >= this.o.maxPending) {
			this.observe('dropped');
			this.o.log.warn({ subscription: subscription.id }, 'push queue full; notification dropped');
			return;
		}
		void this.queue.add(() => this.deliver(subscription, JSON.stringify(message), options, 1));
	}

	/** Resolves when nothing is queued, sending or waiting to retry (shutdown, tests). */
	async idle(): Promise<void> {
		while (this.queue.size > 0 || this.queue.pending > 0 || this.waiting.size > 0) {
			await this.queue.onIdle();
			if (this.waiting.size > 0) await new Promise((r) => setTimeout(r, 50));
		}
	}

	close(): void {
		for (const timer of this.waiting) clearTimeout(timer);
		this.waiting.clear();
		this.queue.clear();
		this.agent.destroy();
	}

	private async deliver(sub: PushSubscriptionRow, payload: string, options: SendOptions, attempt: number): Promise<void> {
		const { database, vapid, log } = this.o;
		try {
			// The agent's lookup guards host names only: Node connects to an IP literal without one.
			checkUrl(sub.endpoint, this.o);
		} catch (err) {
			this.observe('refused');
			log.warn({ subscription: sub.id, err }, 'push endpoint refused; subscription removed');
			await dropSubscription(database, sub.id).catch(() => {});
			return;
		}
		try {
			await webpush.sendNotification({ endpoint: sub.endpoint, keys: { p256dh: sub.p256dh, auth: sub.auth } }, payload, {
				TTL: options.ttl,
				urgency: options.urgency,
				vapidDetails: { subject: vapid.subject, publicKey: vapid.publicKey, privateKey: vapid.privateKey },
				agent: this.agent,
				timeout: 15_000
			});
			this.observe('sent');
			await markDelivered(database, sub.id, new Date());
		} catch (err) {
			const status = (err as { statusCode?: number }).statusCode;
			if (status === 404 || status === 410) {
				this.observe('gone');
				log.info({ subscription: sub.id, status }, 'push subscription expired; removed');
				await dropSubscription(database, sub.id).catch(() => {});
				return;
			}
			const retryable = status === undefined || status === 429 || status >= 500;
			if (!retryable || attempt >= this.o.attempts) {
				this.observe('failed');
				log.warn({ subscription: sub.id, status, attempt, err }, 'push not delivered');
				return;
			}
			const headers = (err as { headers?: Record<string, string> }).headers ?? {};
			const delay = parseRetryAfter(headers['retry-after'], new Date()) ?? backoffDelay(attempt, { baseMs: this.o.backoffBaseMs, maxMs: 60_000 });
			const timer = setTimeout(() => {
				this.waiting.delete(timer);
				void this.queue.add(() => this.deliver(sub, payload, options, attempt + 1));
			}, delay);
			timer.unref();
			this.waiting.add(timer);
		}
	}
}
