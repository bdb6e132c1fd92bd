import { randomFillSync } from 'node:crypto';

let lastMs = 0;
let counter = 0;

/**
 * A UUIDv7 (RFC 9562): the creation time in its first 48 bits, then a counter within the
 * millisecond (method 1), then random bits. Ids therefore sort in creation order within a process
 * — items enqueued in one millisecond list in the order they were shared — and new rows land at
 * the right end of the primary key's index instead of all over it.
 */
export function uuidv7(now: number = Date.now()): string {
	if (now > lastMs) {
		lastMs = now;
		counter = 0;
	} else if (++counter > 0xfff) {
		// 4,096 ids in one millisecond: borrow the next one, as the RFC allows.
		lastMs++;
		counter = 0;
	}
	const bytes = randomFillSync(new Uint8Array(16));
	const ms = lastMs;
	bytes[0] = Math.floor(ms / 2 ** 40) & 0xff;
	bytes[1] = Math.floor(ms / 2 ** 32) & 0xff;
	bytes[2] = (ms >>> 24) & 0xff;
	bytes[3] = (ms >>> 16) & 0xff;
	bytes[4] = (ms >>> 8) & 0xff;
	bytes[5] = ms & 0xff;
	bytes[6] = 0x70 | (counter >>> 8);
	bytes[7] = counter & 0xff;
	bytes[8] = 0x80 | (bytes[8]! & 0x3f);
	const hex = Buffer.from(bytes).toString('hex');
	return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
