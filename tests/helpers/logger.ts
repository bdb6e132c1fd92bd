import pino from 'pino';

/** Quiet unless TEST_LOG_LEVEL asks for more. */
export const testLogger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
