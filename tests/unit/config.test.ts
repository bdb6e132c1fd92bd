import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/lib/server/config';

describe('configuration', () => {
	it('has working defaults for an empty environment', () => {
		const c = parseConfig({});
		expect(c.DATABASE_URL).toBeUndefined();
		expect(c).toMatchObject({
			DATA_DIR: './data',
			QUEUE_CONCURRENCY: 2,
			QUEUE_RETRY_ATTEMPTS: 3,
			QUEUE_PROCESSING_ENABLED: true,
			FETCH_ALLOW_PRIVATE: false,
			FETCH_CONNECT_TIMEOUT_MS: 10_000,
			FETCH_HOST_CONCURRENCY: 2,
			FETCH_HOST_RATE_PER_MINUTE: 60
		});
	});

	it('reads "false" as false and numbers as numbers', () => {
		const c = parseConfig({ QUEUE_PROCESSING_ENABLED: 'false', FETCH_ALLOW_PRIVATE: 'TRUE', QUEUE_CONCURRENCY: '8', DATABASE_URL: '' });
		expect(c.QUEUE_PROCESSING_ENABLED).toBe(false);
		expect(c.FETCH_ALLOW_PRIVATE).toBe(true);
		expect(c.QUEUE_CONCURRENCY).toBe(8);
		expect(c.DATABASE_URL).toBeUndefined();
	});

	it('bounds the fetch politeness settings', () => {
		expect(parseConfig({ FETCH_HOST_CONCURRENCY: '4', FETCH_HOST_RATE_PER_MINUTE: '12', FETCH_CONNECT_TIMEOUT_MS: '2500' })).toMatchObject({
			FETCH_HOST_CONCURRENCY: 4,
			FETCH_HOST_RATE_PER_MINUTE: 12,
			FETCH_CONNECT_TIMEOUT_MS: 2_500
		});
		expect(() => parseConfig({ FETCH_HOST_CONCURRENCY: '0' })).toThrow(/FETCH_HOST_CONCURRENCY/);
		expect(() => parseConfig({ FETCH_HOST_RATE_PER_MINUTE: '0' })).toThrow(/FETCH_HOST_RATE_PER_MINUTE/);
		expect(() => parseConfig({ FETCH_CONNECT_TIMEOUT_MS: 'soon' })).toThrow(/FETCH_CONNECT_TIMEOUT_MS/);
	});

	it('names every bad variable', () => {
		expect(() => parseConfig({ QUEUE_CONCURRENCY: '0', QUEUE_PROCESSING_ENABLED: 'maybe', QUEUE_TIMEOUT_MS: 'abc' })).toThrow(ConfigError);
		try {
			parseConfig({ QUEUE_CONCURRENCY: '0', QUEUE_PROCESSING_ENABLED: 'maybe' });
		} catch (err) {
			expect(String((err as Error).message)).toMatch(/QUEUE_CONCURRENCY/);
			expect(String((err as Error).message)).toMatch(/QUEUE_PROCESSING_ENABLED/);
		}
	});
});
