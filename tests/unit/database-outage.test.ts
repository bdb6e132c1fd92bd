import pino from 'pino';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { isDatabaseUnavailable } from '../../src/lib/server/db/unavailable';
import { whenDatabaseAnswers } from '../../src/lib/server/db/wait';
import { OutageWatch } from '../../src/lib/server/queue/outage';
import { ManualClock } from '../helpers/clock';

// As drizzle reports a driver's failure: its own error, with the driver's as `cause`.
const drizzleError = (cause: object) => new Error('Failed query: select 1', { cause: Object.assign(new Error('driver'), cause) });

describe('isDatabaseUnavailable', () => {
	it.each(['ECONNREFUSED', 'ECONNRESET', 'CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECT_TIMEOUT', '57P01', '57P03', '08006', '08001'])(
		'%s means the database cannot be reached',
		(code) => expect(isDatabaseUnavailable(drizzleError({ code }))).toBe(true)
	);

	it.each(['23505', '42P01', '22P02', undefined])('%s is a query that went wrong, not an outage', (code) => {
		expect(isDatabaseUnavailable(drizzleError({ code }))).toBe(false);
	});
});

describe('OutageWatch', () => {
	it('logs an outage once when it starts and once when it ends, however many calls fail meanwhile', () => {
		const lines: Array<{ level: number; msg: string; downMs?: number }> = [];
		const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(JSON.parse(String(chunk))), done()) });
		const clock = new ManualClock();
		const watch = new OutageWatch(pino({ level: 'info' }, sink), clock);

		for (let i = 0; i < 50; i++) expect(watch.failed(drizzleError({ code: 'ECONNRESET' }))).toBe(true);
		expect(watch.failed(new Error('a bug'))).toBe(false); // not an outage: the caller logs it as the error it is
		clock.advance(12_000);
		watch.succeeded();
		watch.succeeded();

		expect(lines.map((l) => [l.level, l.msg])).toEqual([
			[40, 'the database cannot be reached; claiming paused until it answers'],
			[30, 'the database answers again; claiming resumed']
		]);
		expect(lines[1]!.downMs).toBe(12_000);
	});
});

describe('whenDatabaseAnswers (a process starting while PostgreSQL restarts)', () => {
	const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
	const log = pino({ level: 'silent' });

	it('waits until the database answers', async () => {
		let calls = 0;
		const answer = await whenDatabaseAnswers(
			async () => {
				if (++calls < 3) throw refused();
				return 'migrated';
			},
			{ waitMs: 60_000, log }
		);
		expect(answer).toBe('migrated');
		expect(calls).toBe(3);
	});

	it('throws at once a failure that is not about reaching it, or a wait past the limit', async () => {
		await expect(whenDatabaseAnswers(async () => Promise.reject(new Error('bad migration')), { waitMs: 60_000, log })).rejects.toThrow('bad migration');
		let calls = 0;
		await expect(whenDatabaseAnswers(async () => Promise.reject((calls++, refused())), { waitMs: 0, log })).rejects.toThrow('ECONNREFUSED');
		expect(calls).toBe(1);
	});
});
