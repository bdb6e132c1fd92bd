import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { ConfigError } from '../../src/lib/server/config';
import { startupFailureMessage } from '../../src/lib/server/startup-error';

const root = path.resolve(import.meta.dirname, '../..');

describe('start-up failures', () => {
	it('say what is wrong in one sentence', () => {
		expect(startupFailureMessage(new ConfigError('Invalid configuration:\n  PORT: bad'))).toMatch(/PORT: bad/);
		const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED', address: '10.0.0.5', port: 5432 });
		expect(startupFailureMessage(refused)).toBe(
			'Cookmark could not reach PostgreSQL at 10.0.0.5:5432 (ECONNREFUSED). Check DATABASE_URL, or unset it to use the embedded database.'
		);
		expect(startupFailureMessage(Object.assign(new Error('password authentication failed'), { code: '28P01' }))).toMatch(/Check the user and password/);
		expect(startupFailureMessage(new Error('disk full'))).toBe('Cookmark could not start: disk full');
	});

	it('the server exits 1 with that sentence instead of serving errors', () => {
		const r = spawnSync(process.execPath, [path.join(root, 'build/index.js')], {
			env: { PATH: process.env.PATH ?? '', PORT: '0', QUEUE_CONCURRENCY: '0', QUEUE_PROCESSING_ENABLED: 'maybe' },
			encoding: 'utf8',
			timeout: 20_000
		});
		expect(r.status).toBe(1);
		expect(r.stderr).toMatch(/QUEUE_CONCURRENCY/);
		expect(r.stderr).toMatch(/QUEUE_PROCESSING_ENABLED: expected true or false, got "maybe"/);
		expect(r.stderr).not.toMatch(/at .*\.js:\d+/); // no stack trace
	});
});
