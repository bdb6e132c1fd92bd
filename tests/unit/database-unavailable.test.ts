import { describe, expect, it } from 'vitest';
import pino from 'pino';
import { isDatabaseUnavailable } from '../../src/lib/server/db/unavailable';
import { whenDatabaseAnswers } from '../../src/lib/server/db/wait';

const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
const log = pino({ level: 'silent' });

describe('a database that does not answer', () => {
	it('is told apart from a failing query, through the errors drizzle wraps around the driver\'s', () => {
		expect(isDatabaseUnavailable(refused())).toBe(true);
		expect(isDatabaseUnavailable(new Error('Failed query', { cause: Object.assign(new Error('the database system is starting up'), { code: '57P03' }) }))).toBe(true);
		expect(isDatabaseUnavailable(Object.assign(new Error('write CONNECTION_CLOSED'), { code: 'CONNECTION_CLOSED' }))).toBe(true);
		expect(isDatabaseUnavailable(Object.assign(new Error('connection failure'), { code: '08006' }))).toBe(true);
		expect(isDatabaseUnavailable(Object.assign(new Error('duplicate key'), { code: '23505' }))).toBe(false);
		expect(isDatabaseUnavailable(new Error('syntax error'))).toBe(false);
	});

	it('is waited for at start-up until it answers', async () => {
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

	it('a failure that is not about reaching it, or a wait past the limit, is thrown at once', async () => {
		await expect(whenDatabaseAnswers(async () => Promise.reject(new Error('bad migration')), { waitMs: 60_000, log })).rejects.toThrow('bad migration');
		let calls = 0;
		await expect(whenDatabaseAnswers(async () => Promise.reject((calls++, refused())), { waitMs: 0, log })).rejects.toThrow('ECONNREFUSED');
		expect(calls).toBe(1);
	});
});
